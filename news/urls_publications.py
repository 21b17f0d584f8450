"""URLs of the publications library; yanan_portal/urls.py mounts them at /publications/."""

from django.urls import path, register_converter

from . import publication_views as views
from . import urls as _news_urls  # noqa: F401  registers the shared "id" converter (Django 6 refuses a second registration)


class YearConverter:
    regex = "[12][0-9]{3}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(YearConverter, "pubyear")

app_name = "publications"
urlpatterns = [
    path("", views.PublicationIndexView.as_view(), name="index"),
    path("magazine/", views.MagazineShelfView.as_view(), name="shelf"),
    path("archive/", views.ArchiveIndexView.as_view(), name="archive"),
    path("archive/<pubyear:year>/", views.YearArchiveView.as_view(), name="year"),
    path("<id:pk>/", views.PublicationDetailView.as_view(), name="detail"),
    path("<id:pk>/read/", views.read_pdf, name="read"),
    path("<id:pk>/download/", views.download_pdf, name="download"),
]
