from django.urls import path, register_converter

from yanan_portal.converters import IdConverter

from . import views

register_converter(IdConverter, "id")

app_name = "news"
urlpatterns = [
    path("<slug:slug>/", views.ChannelArticleListView.as_view(), name="channel"),
    path("<slug:channel>/<id:pk>/", views.ArticleDetailView.as_view(), name="article"),
]
