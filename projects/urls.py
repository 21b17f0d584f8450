from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.ProgrammeListView.as_view(), name="programme-list"),
    path("<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme"),
]
