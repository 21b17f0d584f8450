from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from . import views

admin.site.site_header = "延安市老促会 网站管理"
admin.site.site_title = "延安市老促会 网站管理"
admin.site.index_title = "内容管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
    # Issue 8: the 无障碍说明 page.
    path("accessibility/", views.accessibility, name="accessibility"),
    path("news/", include("news.urls")),
    path("branches/", include("members.urls")),
    path("programmes/", include("projects.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.SERVE_MEDIA:
    # nginx serves media in production (deploy/nginx.conf); this is for a local run only.
    # MEDIA_ROOT is read per request, not at import, so tests that move it are served too.
    def serve_media(request, path):
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_media),
    ]

handler404 = "yanan_portal.views.page_not_found"
handler500 = "yanan_portal.views.server_error"
