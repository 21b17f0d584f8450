"""sitemap.xml: an index of sections, each paginated by Django (``limit`` URLs a page).

SITEMAPS is the registry: an app adds its section here (key = the name in
``/sitemap-<key>.xml``). Every section lists only public records (``published()`` /
``visible()``), evaluated per request inside ``items()``.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from members.sitemaps import AboutSitemap, CountyBranchSitemap
from news.sitemaps import ArticleSitemap, ChannelSitemap
from news.sitemaps_publications import PublicationPagesSitemap, PublicationSitemap
from projects.sitemaps import ProgrammeSitemap

from .sitemap_base import SiteURLSitemap


class StaticPageSitemap(SiteURLSitemap):
    """Pages that are not records: the home page, the list pages and 无障碍说明."""

    changefreq = "daily"

    def items(self):
        return ["home", "members:branch-list", "projects:programme-list", "accessibility"]

    def location(self, item):
        return reverse(item)


SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": StaticPageSitemap,
    "channels": ChannelSitemap,
    "articles": ArticleSitemap,
    "counties": CountyBranchSitemap,
    "programmes": ProgrammeSitemap,
    "about": AboutSitemap,
    "publications": PublicationSitemap,
    "publication-pages": PublicationPagesSitemap,
}


def sitemap_index(request, **kwargs):
    """Django's sitemap index, with section URLs on ``SITE_URL`` like the URLs inside them
    (Django builds them from the request's host, which behind a proxy may be internal)."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sitemaps import views

    response = views.index(request, **kwargs)
    for item in response.context_data["sitemaps"]:
        parts = urlsplit(item.location)
        item.location = settings.SITE_URL + parts.path + (f"?{parts.query}" if parts.query else "")
    return response
