from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, TemplateView

from yanan_portal.pagination import ElidedPageRangeMixin

from . import countymap, selectors
from .models import Body, Contact, CouncilUnit, CountyBranch, Organisation, Position, Rule, ServicePlatform

ABOUT_CRUMB = {"name": "关于我们", "url": None}


def _about_crumbs(name: str | None = None) -> list[dict]:
    if name is None:
        return [ABOUT_CRUMB]
    return [{"name": "关于我们", "url": reverse("about:index")}, {"name": name, "url": None}]


class AboutPageMixin:
    """The about section's sub-navigation (关于我们 · 组织机构 · 领导班子 · 规章制度 · 理事单位)."""

    about_page = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["about_links"] = [
            (reverse("about:index"), "关于我们", self.about_page == "index"),
            (reverse("about:structure"), "组织机构", self.about_page == "structure"),
            (reverse("about:leadership"), "领导班子", self.about_page == "leadership"),
            (reverse("about:rules"), "规章制度", self.about_page == "rules"),
            (reverse("about:council"), "理事单位", self.about_page == "council"),
            (reverse("members:branch-list"), "县区老促会", False),
        ]
        return context


class AboutView(AboutPageMixin, TemplateView):
    template_name = "members/about.html"
    about_page = "index"

    def get_context_data(self, **kwargs):
        organisation = selectors.organisation_with_counts()
        return super().get_context_data(
            organisation=organisation,
            figures=selectors.key_figures(organisation),
            timeline=selectors.timeline(),
            platforms=list(ServicePlatform.objects.visible()),
            contacts=list(Contact.objects.visible()),
            crumbs=_about_crumbs(),
            **kwargs,
        )


class StructureView(AboutPageMixin, TemplateView):
    template_name = "members/structure.html"
    about_page = "structure"

    def get_context_data(self, **kwargs):
        bodies = list(Body.objects.visible())
        return super().get_context_data(
            organisation=Organisation.load(),
            leaders=list(Position.objects.visible()),
            party_bodies=[b for b in bodies if b.kind == Body.Kind.PARTY],
            office_bodies=[b for b in bodies if b.kind == Body.Kind.OFFICE],
            platforms=list(ServicePlatform.objects.visible()),
            crumbs=_about_crumbs("组织机构"),
            **kwargs,
        )


class LeadershipView(AboutPageMixin, TemplateView):
    template_name = "members/leadership.html"
    about_page = "leadership"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation=Organisation.load(),
            positions=list(Position.objects.visible()),
            crumbs=_about_crumbs("领导班子"),
            **kwargs,
        )


class RulesView(AboutPageMixin, TemplateView):
    template_name = "members/rules.html"
    about_page = "rules"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation=Organisation.load(),
            rules=list(Rule.objects.visible()),
            crumbs=_about_crumbs("规章制度"),
            **kwargs,
        )


class CouncilUnitListView(AboutPageMixin, ElidedPageRangeMixin, ListView):
    """Council units grouped by role, filterable by category with plain links."""

    about_page = "council"
    context_object_name = "units"
    # All 85 units fit on one page; pagination only starts if the council grows a lot.
    paginate_by = 120

    @cached_property
    def category(self) -> str:
        category = self.request.GET.get("category", "")
        if category and category not in CouncilUnit.Category.values:
            raise Http404("没有这个单位类别。")
        return category

    def get_queryset(self):
        units = CouncilUnit.objects.visible().order_by("role", "category", "order", "id")
        return units.filter(category=self.category) if self.category else units

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = selectors.council_counts()
        category_totals = {value: 0 for value in CouncilUnit.Category.values}
        role_totals = {value: 0 for value in CouncilUnit.Role.values}
        for row in counts:
            category_totals[row["category"]] += row["n"]
            if not self.category or row["category"] == self.category:
                role_totals[row["role"]] += row["n"]
        groups = {}
        for unit in context["units"]:
            groups.setdefault(unit.role, []).append(unit)
        labels = dict(CouncilUnit.Role.choices)
        category_labels = dict(CouncilUnit.Category.choices)
        context.update(
            category=self.category,
            category_label=category_labels.get(self.category, ""),
            total=sum(category_totals.values()),
            filtered_total=sum(role_totals.values()),
            categories=[
                {"value": value, "label": label, "count": category_totals[value]}
                for value, label in CouncilUnit.Category.choices
            ],
            groups=[
                {"role": role, "label": labels[role], "count": role_totals[role], "units": units}
                for role, units in groups.items()
            ],
            has_samples=any(unit.is_sample for unit in context["units"]),
            crumbs=_about_crumbs("理事单位"),
        )
        return context


class CountyBranchListView(ListView):
    model = CountyBranch
    context_object_name = "branches"

    def get_queryset(self):
        return CountyBranch.objects.only("name", "slug", "order", "association_name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            crumbs=[{"name": "县区老促会", "url": None}],
            map_tiles=countymap.tiles(context["branches"]),
            map_viewbox=countymap.viewbox(),
        )
        return context


class CountyBranchDetailView(DetailView):
    model = CountyBranch
    context_object_name = "branch"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["crumbs"] = [
            {"name": "县区老促会", "url": reverse("members:branch-list")},
            {"name": self.object.name, "url": None},
        ]
        context["latest_articles"] = list(
            self.object.articles.published().for_listing().order_by("-published_at", "-id")[:10]
        )
        return context
