"""Sitemap sections of the publications library (registered in yanan_portal/sitemaps.py)."""

from django.db.models import Max
from django.urls import reverse

from yanan_portal.sitemap_base import SiteURLSitemap

from .publication_selectors import published_years
from .publications import Publication


class PublicationSitemap(SiteURLSitemap):
    """One entry per published publication; the rule is ``published()``, read at request time."""

    changefreq = "yearly"
    priority = 0.6
    limit = 5000

    def items(self):
        return Publication.objects.published().only("id", "updated_at").order_by("-id")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default max() over every item.
        return Publication.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class PublicationPagesSitemap(SiteURLSitemap):
    """The library's own lists: the index, the magazine shelf, the year archive and each of its
    years with something published (the rule the year's page answers 404 by)."""

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        lists = [("publications:index", {}), ("publications:shelf", {}), ("publications:archive", {})]
        return lists + [("publications:year", {"year": year}) for year, _count in published_years()]

    def location(self, item):
        name, kwargs = item
        return reverse(name, kwargs=kwargs)
