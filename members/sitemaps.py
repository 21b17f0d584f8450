"""Sitemap sections of the members app (registered in yanan_portal/sitemaps.py)."""

from django.urls import reverse

from yanan_portal.sitemap_base import SiteURLSitemap

from .models import CountyBranch


class AboutSitemap(SiteURLSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return ["about:index", "about:structure", "about:leadership", "about:rules", "about:council"]

    def location(self, item):
        return reverse(item)


class CountyBranchSitemap(SiteURLSitemap):
    changefreq = "monthly"

    def items(self):
        return CountyBranch.objects.only("slug", "order")
