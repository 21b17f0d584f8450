"""Reads for the about pages, the county pages, the home block and the footer."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Count, F, Func, IntegerField, Subquery

from .models import Contact, CouncilUnit, CountyBranch, Honour, Milestone, Organisation

FOOTER_CACHE_KEY = "members:footer"
# The footer is on every page; a staff edit shows within this time at worst, and at once
# when saved in the admin (services.clear_public_cache).
FOOTER_CACHE_SECONDS = 10 * 60


@dataclass(frozen=True)
class Figure:
    value: int
    unit: str
    label: str
    approximate: str = ""  # 余 / 多: the figure is a lower bound


def _count(queryset):
    """A ``(SELECT COUNT(*) …)`` that rides along in another query."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("id"), function="COUNT")).values("n")[:1],
        output_field=IntegerField(),
    )


def organisation_with_counts() -> Organisation:
    """The organisation record with ``unit_count`` and ``branch_count``, in one query."""
    organisation = (
        Organisation.objects.filter(pk=1)
        .annotate(
            unit_count=_count(CouncilUnit.objects.visible()),
            branch_count=_count(CountyBranch.objects.all()),
        )
        .first()
    )
    if organisation is None:  # not created yet: defaults, and the counts in two queries
        organisation = Organisation(pk=1)
        organisation.unit_count = CouncilUnit.objects.visible().count()
        organisation.branch_count = CountyBranch.objects.count()
    return organisation


def key_figures(organisation: Organisation) -> list[Figure]:
    """The headline figures; every number comes from the database."""
    return [
        Figure(organisation.staff_count, "人", "驻会人员"),
        Figure(organisation.unit_count, "个", "理事单位"),
        Figure(organisation.branch_count, "个", "县区老促会"),
        Figure(organisation.member_count, "人", "市县会员", "余"),
    ]


def timeline() -> list[dict]:
    """Milestones and honours in one list by year, for the timeline on 关于我们."""
    entries = [
        {"year": m.year, "label": f"{m.year}年", "title": m.title, "text": m.description, "honour": False}
        for m in Milestone.objects.visible()
    ]
    entries += [
        {"year": h.year, "label": h.years_label, "title": h.title, "text": h.awarded_by, "honour": True}
        for h in Honour.objects.visible()
    ]
    # Stable: milestones before honours within a year, each in their own order.
    return sorted(entries, key=lambda entry: entry["year"])


def council_counts() -> list[dict]:
    """Visible units counted by role and category (one GROUP BY query)."""
    return list(
        CouncilUnit.objects.visible().order_by().values("role", "category").annotate(n=Count("id"))
    )


def footer_contact() -> dict:
    """Names and contact lines for the footer, cached; never raises on a database failure."""
    data = cache.get(FOOTER_CACHE_KEY)
    if data is not None:
        return data
    try:
        the_record = Organisation.objects.filter(pk=1)
        # The organisation's names ride along with the contacts: one query on every page
        # with a cold cache, a second one only when no contact is in the footer.
        rows = list(
            Contact.objects.visible()
            .filter(in_footer=True)
            .annotate(
                org_name=Subquery(the_record.values("name")),
                org_second_name=Subquery(the_record.values("second_name")),
            )
        )
        if rows:
            names = (rows[0].org_name, rows[0].org_second_name)
        else:
            names = the_record.values_list("name", "second_name").first()
    except DatabaseError:
        # The 500 page shows the footer too, and the error may be the database itself.
        names, rows, failed = None, [], True
    else:
        failed = False
    default_name = Organisation._meta.get_field("name").default
    name, second_name = names if names and names[0] is not None else (default_name, "")
    data = {
        "name": name,
        "second_name": second_name,
        "contacts": [{"label": c.label, "value": c.value, "href": c.href, "is_sample": c.is_sample} for c in rows],
    }
    if failed:
        return data  # not cached: the next page tries the database again
    cache.set(FOOTER_CACHE_KEY, data, FOOTER_CACHE_SECONDS)
    return data
