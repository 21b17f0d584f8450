"""Every public list query reads news_article through an index, not a sequential scan.

PostgreSQL only (the planner that production uses). The benchmark (tools/bench/run.sh) checks
the same plans at 100,000 articles; here 30,000 keep .ci/run short while the planner already
prefers a scan of the whole table for any query that cannot use an index.
"""

import re

import pytest
from django.conf import settings
from django.db import connection

from news import demo
from news.models import Article, Channel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def many_articles():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (runs in .ci/run)")
    channels = demo.load_channels()
    demo.load_sample_articles(30_000, channels, ["宝塔区", "安塞区", "延长县"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE news_article")
        cursor.execute("ANALYZE news_channel")
    return channels


def _channel_page(slug: str, page: int):
    channel = Channel.objects.get(slug=slug)
    children = [] if channel.parent_id else list(channel.children.all())
    start = (page - 1) * settings.NEWS_PAGE_SIZE
    return (
        Article.objects.published()
        .in_channel_tree(channel, children=children)
        .for_listing()
        .order_by("-is_pinned", "-published_at", "-id")[start : start + settings.NEWS_PAGE_SIZE]
    )


def _assert_index(queryset, index=None):
    plan = queryset.explain()
    assert not re.search(r"Seq Scan on news_article\b", plan), plan
    if index:
        assert index in plan, plan


def test_list_queries_use_an_index(many_articles):
    # Channel lists: a second-level channel in index order; a parent over its children's ids.
    _assert_index(_channel_page("county-news", 1), "article_channel_idx")
    _assert_index(_channel_page("county-news", 20), "article_channel_idx")
    _assert_index(_channel_page("work", 1))
    # Home boxes and the latest-first lists (feeds, sitemap).
    published = Article.objects.published().for_listing()
    _assert_index(published.filter(is_headline=True).order_by("-published_at", "-id")[:3])
    _assert_index(published.filter(is_pinned=True).order_by("-published_at", "-id")[:5])
    _assert_index(published.order_by("-published_at", "-id")[:20], "article_public_idx")
