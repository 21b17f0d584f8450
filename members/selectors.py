"""Reads for the about pages, the county pages, the home block and the footer."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import DatabaseError, connections, router
from django.db.models import Count, F, Func, IntegerField, Subquery

from yanan_portal.cache import fragment_key

from .models import Contact, CouncilUnit, CountyBranch, Honour, Milestone, Organisation

FOOTER_CACHE_KEY = "members:footer"
# The footer is on every page. Its key holds the page cache's generation (fragment_key), so any
# change to the organisation's records shows at once, as on the cached pages; this is the
# lifetime of an entry otherwise.
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
    key = fragment_key(FOOTER_CACHE_KEY)
    data = cache.get(key)
    if data is not None:
        return data
    try:
        rows = _footer_rows()
    except DatabaseError:
        # The 500 page shows the footer too, and the error may be the database itself.
        rows, failed = [], True
    else:
        failed = False
    if rows and rows[0][0] is not None:
        name, second_name = rows[0][0], rows[0][1]
    else:  # no organisation record yet
        name, second_name = Organisation._meta.get_field("name").default, ""
    contacts = [
        Contact(label=label, value=value, kind=kind, is_sample=is_sample)  # unsaved: for ``href``
        for _, _, label, value, kind, is_sample in rows
        if label is not None
    ]
    data = {
        "name": name,
        "second_name": second_name,
        "contacts": [{"label": c.label, "value": c.value, "href": c.href, "is_sample": c.is_sample} for c in contacts],
    }
    if failed:
        return data  # not cached: the next page tries the database again
    cache.set(key, data, FOOTER_CACHE_SECONDS)
    return data


def _footer_rows() -> list[tuple]:
    """The organisation's names with each visible footer contact, in the contacts' order.

    One row per contact (the names repeated), a single row of names when no contact is in
    the footer, none at all when the organisation record does not exist yet.

    SQL by hand: the footer is on every page, and when the cache is cold or off (CACHE_URL=
    dummycache://) the ORM spent 1 ms building this two-table read, a tenth of a channel
    list page; this costs 0.2 ms (perf, issue 9). ``is_active`` is ``visible()``'s rule.
    """
    organisation, contact = Organisation._meta.db_table, Contact._meta.db_table
    sql = (
        "SELECT o.name, o.second_name, c.label, c.value, c.kind, c.is_sample "
        "FROM (SELECT 1 AS one) AS anchor "
        f"LEFT JOIN {organisation} o ON o.id = %s "
        f"LEFT JOIN {contact} c ON c.is_active = %s AND c.in_footer = %s "
        'ORDER BY c."order", c.id'
    )
    with connections[router.db_for_read(Organisation)].cursor() as cursor:  # the read replica when there is one
        cursor.execute(sql, [1, True, True])  # the one organisation record is pk 1 (Organisation.load)
        rows = cursor.fetchall()
    # Without an organisation record the contacts still come, with empty names.
    return [row for row in rows if row[0] is not None or row[2] is not None]
