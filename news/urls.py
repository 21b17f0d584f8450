from django.urls import path, register_converter
from django.views.generic import RedirectView

from yanan_portal.converters import IdConverter

from . import views

register_converter(IdConverter, "id")

app_name = "news"
urlpatterns = [
    # Editorial workflow (issue 3): before the channel patterns, which would catch them.
    path("preview/<id:pk>/", views.ArticlePreviewView.as_view(), name="article-preview"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment"),
    # /news/ itself, reached by trimming an article's address: the channels are on the home page.
    path("", RedirectView.as_view(pattern_name="home"), name="index"),
    path("<slug:slug>/", views.ChannelArticleListView.as_view(), name="channel"),
    path("<slug:channel>/<id:pk>/", views.ArticleDetailView.as_view(), name="article"),
]
