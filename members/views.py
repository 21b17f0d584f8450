from django.urls import reverse
from django.views.generic import DetailView, ListView

from .models import CountyBranch


class CountyBranchListView(ListView):
    model = CountyBranch
    context_object_name = "branches"

    def get_context_data(self, **kwargs):
        return super().get_context_data(crumbs=[{"name": "县区老促会", "url": None}], **kwargs)


class CountyBranchDetailView(DetailView):
    model = CountyBranch
    context_object_name = "branch"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["crumbs"] = [{"name": "县区老促会", "url": reverse("members:branch-list")}, {"name": self.object.name, "url": None}]
        context["latest_articles"] = list(
            self.object.articles.published().for_listing().order_by("-published_at", "-id")[:10]
        )
        return context
