from yanan_portal.sitemap_base import SiteURLSitemap

from .models import CountyBranch


class CountyBranchSitemap(SiteURLSitemap):
    changefreq = "monthly"

    def items(self):
        return CountyBranch.objects.all()
