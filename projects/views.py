from django.urls import reverse
from django.views.generic import DetailView, ListView

from news import selectors as news_selectors

from . import charts, selectors
from .models import Programme


class ProgrammeListView(ListView):
    """品牌项目: one card per visible programme with its headline figure."""

    context_object_name = "cards"
    template_name = "projects/programme_list.html"

    def get_queryset(self):
        # The channels the navigation reads anyway give the source articles' addresses.
        return selectors.programme_cards(news_selectors.channel_tree(self.request).by_id)

    def get_context_data(self, **kwargs):
        return super().get_context_data(crumbs=[{"name": "品牌项目", "url": None}], **kwargs)


class ProgrammeDetailView(DetailView):
    context_object_name = "programme"

    def get_queryset(self):
        return Programme.objects.visible()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = selectors.programme_page(self.object)
        context.update(
            page=page,
            charts=[
                {"series": series, "svg": charts.render(series, chart_id=f"chart-{index}"), "id": f"chart-{index}"}
                for index, series in enumerate(page.series, start=1)
            ],
            crumbs=[
                {"name": "品牌项目", "url": reverse("projects:programme-list")},
                {"name": self.object.name, "url": None},
            ],
        )
        return context
