from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.CountyBranchListView.as_view(), name="branch-list"),
    path("<slug:slug>/", views.CountyBranchDetailView.as_view(), name="branch"),
]
