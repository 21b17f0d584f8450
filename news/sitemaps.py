from django.db.models import Max
from django.db.models.functions import Coalesce

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

    def get_latest_lastmod(self):
        # Django's default takes the max of lastmod() over every item: with 10,000 articles
        # the sitemap index would load them all (perf, issue 9). One aggregate instead.
        return Article.objects.published().aggregate(
            latest=Max(Coalesce("content_updated_at", "published_at"))
        )["latest"]


class ChannelSitemap(SiteURLSitemap):
    changefreq = "daily"

    def items(self):
        return Channel.objects.all()
