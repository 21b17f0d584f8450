from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from news import feeds
from news import views as news_views

from . import views
from .security_views import serve_media
from .sitemaps import SITEMAPS, sitemap_index

admin.site.site_header = "延安市老促会 网站管理"
admin.site.site_title = "延安市老促会 网站管理"
admin.site.index_title = "内容管理"
if settings.ADMIN_REQUIRE_OTP:
    # Administrators must enter a TOTP code from their phone as well as the password.
    from django_otp.admin import OTPAdminSite

    admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("accessibility/", views.accessibility, name="accessibility"),  # 无障碍说明
    path("news/", include("news.urls")),
    path("branches/", include("members.urls")),
    # members: the about section (关于我们, 组织机构, 领导班子, 规章制度, 理事单位)
    path("about/", include("members.urls_about")),
    path("programmes/", include("projects.urls")),
    path("publications/", include("news.urls_publications")),  # publications library (issue 7)
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
        re_path(r"^media/(?P<path>.*)$", serve_media),
    ]

handler400 = "yanan_portal.security_views.bad_request"
handler404 = "yanan_portal.views.page_not_found"
handler500 = "yanan_portal.views.server_error"
