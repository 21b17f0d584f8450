from yanan_portal.sitemap_base import SiteURLSitemap

from .models import Article, Channel


class ArticleSitemap(SiteURLSitemap):
    changefreq = "monthly"

    def items(self):
        return (
            Article.objects.published()
            .select_related("channel")
            .only("id", "published_at", "content_updated_at", "channel__slug")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return item.content_updated_at or item.published_at


class ChannelSitemap(SiteURLSitemap):
    changefreq = "daily"

    def items(self):
        return Channel.objects.all()
