"""Sitemap sections of the members app, for the site's sitemap.xml when it is wired up:

    from members.sitemaps import SITEMAPS as MEMBERS_SITEMAPS
    sitemaps = {..., **MEMBERS_SITEMAPS}
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import CountyBranch


class AboutSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return ["about:index", "about:structure", "about:leadership", "about:rules", "about:council", "members:branch-list"]

    def location(self, item):
        return reverse(item)


class CountyBranchSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return CountyBranch.objects.only("slug", "order")


SITEMAPS = {"about": AboutSitemap, "branches": CountyBranchSitemap}
