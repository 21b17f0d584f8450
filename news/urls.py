from django.urls import path, register_converter

from yanan_portal.converters import IdConverter

from . import views

register_converter(IdConverter, "id")

app_name = "news"
urlpatterns = [
    # Editorial workflow (issue 3): before the channel patterns, which would catch them.
    path("preview/<id:pk>/", views.ArticlePreviewView.as_view(), name="article-preview"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment"),
    path("<slug:slug>/", views.ChannelArticleListView.as_view(), name="channel"),
    path("<slug:channel>/<id:pk>/", views.ArticleDetailView.as_view(), name="article"),
]
