"""The about section (/about/): who the association is, its structure, leaders, rules and council."""

from django.urls import path

from . import views

app_name = "about"
urlpatterns = [
    path("", views.AboutView.as_view(), name="index"),
    path("structure/", views.StructureView.as_view(), name="structure"),
    path("leadership/", views.LeadershipView.as_view(), name="leadership"),
    path("rules/", views.RulesView.as_view(), name="rules"),
    path("council/", views.CouncilUnitListView.as_view(), name="council"),
]
