"""Sitemap of the publications library.

Hook for the site's sitemap (registered in yanan_portal/urls.py at merge), e.g.::

    from news.sitemaps_publications import PublicationSitemap, PublicationPagesSitemap
    sitemaps = {..., "publications": PublicationSitemap, "publication-pages": PublicationPagesSitemap}
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .publications import Publication


class PublicationSitemap(Sitemap):
    """One entry per published publication; the rule is ``published()``, read at request time."""

    changefreq = "yearly"
    priority = 0.6
    limit = 5000

    def items(self):
        return Publication.objects.published().only("id", "updated_at").order_by("-id")

    def lastmod(self, item):
        return item.updated_at


class PublicationPagesSitemap(Sitemap):
    """The library's own lists: the index, the magazine shelf and the year archive."""

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return ["publications:index", "publications:shelf", "publications:archive"]

    def location(self, item):
        return reverse(item)
