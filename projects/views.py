from django.urls import reverse
from django.views.generic import DetailView, ListView

from .models import Programme


class ProgrammeListView(ListView):
    context_object_name = "programmes"

    def get_context_data(self, **kwargs):
        return super().get_context_data(crumbs=[{"name": "品牌项目", "url": None}], **kwargs)

    def get_queryset(self):
        return Programme.objects.visible()


class ProgrammeDetailView(DetailView):
    context_object_name = "programme"

    def get_queryset(self):
        return Programme.objects.visible()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["crumbs"] = [{"name": "品牌项目", "url": reverse("projects:programme-list")}, {"name": self.object.name, "url": None}]
        context["latest_articles"] = list(
            self.object.articles.published().for_listing().order_by("-published_at", "-id")[:10]
        )
        return context
