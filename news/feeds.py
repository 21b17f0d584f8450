"""RSS 2.0 and Atom feeds of the latest articles, site-wide and per channel.

Links are absolute on ``SITE_URL`` (the canonical address), whatever host the request
came in on, so that a feed fetched through a proxy or an IP address still points readers
to the real site.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from .models import Article, Channel

FEED_SIZE = 30
SITE_NAME = "延安市老区建设促进会"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


class LatestArticlesFeed(Feed):
    feed_type = Rss201rev2Feed
    title = f"{SITE_NAME} 最新文章"
    description = "延安市老促会、延安市乡村振兴协会发布的最新文章。"
    language = "zh-cn"
    url_name = "feed-latest"

    def link(self):
        return absolute(reverse("home"))

    def feed_url(self):
        return absolute(reverse(self.url_name))

    def items(self):
        return Article.objects.published().for_listing().order_by("-published_at", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.title

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return absolute(item.get_absolute_url())

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.content_updated_at or item.published_at

    def item_author_name(self, item):
        return item.author or item.source or SITE_NAME

    def item_categories(self, item):
        return [item.channel.name]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
    url_name = "feed-latest-atom"


class ChannelFeed(LatestArticlesFeed):
    url_name = "feed-channel"

    def get_object(self, request, slug):
        return get_object_or_404(Channel.objects.select_related("parent"), slug=slug)

    def title(self, obj):
        return f"{SITE_NAME} {obj.name}"

    def description(self, obj):
        return obj.description or f"{SITE_NAME}“{obj.name}”栏目的最新文章。"

    def link(self, obj):
        return absolute(obj.get_absolute_url())

    def feed_url(self, obj):
        return absolute(reverse(self.url_name, kwargs={"slug": obj.slug}))

    def items(self, obj):
        return (
            Article.objects.published()
            .in_channel_tree(obj)
            .for_listing()
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )


class ChannelAtomFeed(ChannelFeed):
    feed_type = Atom1Feed
    url_name = "feed-channel-atom"

    def subtitle(self, obj):
        return self.description(obj)
