from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from django.contrib.sitemaps import views as sitemap_views

from news import feeds
from news import views as news_views

from . import views
from .sitemaps import SITEMAPS, sitemap_index

admin.site.site_header = "延安市老促会 网站管理"
admin.site.site_title = "延安市老促会 网站管理"
admin.site.index_title = "内容管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
    path("news/", include("news.urls")),
    path("branches/", include("members.urls")),
    path("programmes/", include("projects.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

# --- Search, feeds and sitemaps (issue 6) ---------------------------------------------
urlpatterns += [
    path("search/", news_views.SearchView.as_view(), name="search"),
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="feed-latest"),
    path("feeds/latest/atom/", feeds.LatestArticlesAtomFeed(), name="feed-latest-atom"),
    path("feeds/<slug:slug>/", feeds.ChannelFeed(), name="feed-channel"),
    path("feeds/<slug:slug>/atom/", feeds.ChannelAtomFeed(), name="feed-channel-atom"),
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
]

if settings.SERVE_MEDIA:
    # nginx serves media in production (deploy/nginx.conf); this is for a local run only.
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler404 = "yanan_portal.views.page_not_found"
handler500 = "yanan_portal.views.server_error"
