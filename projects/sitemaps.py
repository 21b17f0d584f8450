from yanan_portal.sitemap_base import SiteURLSitemap

from .models import Programme


class ProgrammeSitemap(SiteURLSitemap):
    changefreq = "monthly"

    def items(self):
        return Programme.objects.visible()
