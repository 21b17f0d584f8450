"""RSS/Atom feeds and sitemap.xml: well-formed XML, only published articles, absolute URLs."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.utils import timezone

from news.models import Article
from news.sitemaps import ArticleSitemap
from news.tests.factories import ArticleFactory, ChannelFactory
from news.tests.test_search import counties  # noqa: F401  (fixture)

SITE = "https://www.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def xml(response) -> ET.Element:
    assert response.status_code == 200
    return ET.fromstring(response.content)  # raises on malformed XML


def grid():
    now = timezone.now()
    channel = ChannelFactory(slug="work", name="工作动态")
    cases = {}
    for status in Article.Status.values:
        for when, at in (("past", now - timedelta(hours=2)), ("future", now + timedelta(days=1))):
            cases[(status, when)] = ArticleFactory(channel=channel, title=f"{status}-{when}", status=status, published_at=at)
    return cases


def expected_visible(status, when):
    return status == "published" and when == "past"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/feeds/latest/", "/feeds/work/"])
def test_rss_carries_only_published_articles(client, url):
    cases = grid()
    root = xml(client.get(url))
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    links = [item.findtext("link") for item in channel.findall("item")]
    for (status, when), article in cases.items():
        assert (f"{SITE}{article.get_absolute_url()}" in links) == expected_visible(status, when), (status, when)


@pytest.mark.django_db
def test_rss_items_have_title_summary_date_link_author(client):
    article = ArticleFactory(title="富硒苹果获奖 <&>", summary="三个产品获奖", author="张三")
    root = xml(client.get("/feeds/latest/"))
    channel = root.find("channel")
    assert channel.findtext("title") == "延安市老区建设促进会 最新文章"
    assert channel.findtext("link") == f"{SITE}/"
    assert channel.find(f"{ATOM}link").get("href") == f"{SITE}/feeds/latest/"
    item = channel.find("item")
    assert item.findtext("title") == "富硒苹果获奖 <&>"
    assert item.findtext("description") == "三个产品获奖"
    assert item.findtext("link") == f"{SITE}{article.get_absolute_url()}"
    assert item.findtext("guid") == f"{SITE}{article.get_absolute_url()}"
    assert parsedate_to_datetime(item.findtext("pubDate")) == article.published_at.replace(microsecond=0)
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "张三"
    assert item.findtext("category") == article.channel.name


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/feeds/latest/atom/", "/feeds/work/atom/"])
def test_atom_carries_only_published_articles(client, url):
    cases = grid()
    root = xml(client.get(url))
    assert root.tag == f"{ATOM}feed"
    hrefs = [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]
    for (status, when), article in cases.items():
        assert (f"{SITE}{article.get_absolute_url()}" in hrefs) == expected_visible(status, when)
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}published")
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name")


@pytest.mark.django_db
def test_channel_feed_includes_child_channels_only(client):
    parent = ChannelFactory(slug="work", name="工作动态")
    child = ChannelFactory(slug="county-news", name="县区动态", parent=parent)
    other = ChannelFactory(slug="org", name="组织建设")
    in_child = ArticleFactory(channel=child, title="子栏目文章")
    ArticleFactory(channel=other, title="其他栏目文章")
    titles = [i.findtext("title") for i in xml(client.get("/feeds/work/")).find("channel").findall("item")]
    assert titles == [in_child.title]
    assert xml(client.get("/feeds/work/")).find("channel").findtext("title") == "延安市老区建设促进会 工作动态"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/feeds/nope/", "/feeds/nope/atom/", "/feeds/%E4%B8%AD/"])
def test_unknown_channel_feed_is_404(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 20])
def test_feed_query_counts(client, django_assert_num_queries, rows):
    channel = ChannelFactory(slug="work")
    ArticleFactory.create_batch(rows, channel=channel)
    with django_assert_num_queries(1):
        client.get("/feeds/latest/")
    with django_assert_num_queries(2):  # the channel, then its articles
        client.get("/feeds/work/atom/")


@pytest.mark.django_db
def test_scheduled_article_enters_feed_and_sitemap_on_time(client):
    at = timezone.now() + timedelta(hours=5)
    article = ArticleFactory(title="定时文章", published_at=at)
    url = f"{SITE}{article.get_absolute_url()}"
    assert url.encode() not in client.get("/feeds/latest/").content
    assert url.encode() not in client.get("/sitemap-articles.xml").content
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        assert url.encode() in client.get("/feeds/latest/").content
        assert url.encode() in client.get("/sitemap-articles.xml").content


# --- Sitemaps ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_sitemap_index_lists_sections_on_site_url(client):
    ArticleFactory()
    root = xml(client.get("/sitemap.xml"))
    locations = [s.findtext(f"{SM}loc") for s in root.findall(f"{SM}sitemap")]
    assert locations == [f"{SITE}/sitemap-{key}.xml" for key in ["pages", "channels", "articles", "counties", "programmes", "about", "publications", "publication-pages"]]
    articles = root.findall(f"{SM}sitemap")[2]
    assert articles.findtext(f"{SM}lastmod")


@pytest.mark.django_db
def test_article_sitemap_only_published_with_lastmod(client):
    cases = grid()
    updated = ArticleFactory(content_updated_at=timezone.now() - timedelta(minutes=5), published_at=timezone.now() - timedelta(days=40))
    root = xml(client.get("/sitemap-articles.xml"))
    entries = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.findall(f"{SM}url")}
    for (status, when), article in cases.items():
        assert (f"{SITE}{article.get_absolute_url()}" in entries) == expected_visible(status, when)
    assert all(loc.startswith(f"{SITE}/news/") for loc in entries)
    assert entries[f"{SITE}{updated.get_absolute_url()}"] == timezone.localtime(updated.content_updated_at).date().isoformat()
    assert all(entries.values())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("section", "path"),
    [("pages", "/"), ("pages", "/branches/"), ("pages", "/programmes/"), ("pages", "/accessibility/"), ("channels", "/news/org/"), ("counties", "/branches/baota/")],
)
def test_other_sections(client, counties, section, path):  # noqa: F811
    ChannelFactory(slug="org")
    locations = [u.findtext(f"{SM}loc") for u in xml(client.get(f"/sitemap-{section}.xml")).findall(f"{SM}url")]
    assert f"{SITE}{path}" in locations


@pytest.mark.django_db
def test_programme_sitemap_lists_visible_programmes_only(client):
    from projects.models import Programme

    Programme.objects.create(name="可见项目", slug="shown", is_active=True)
    Programme.objects.create(name="隐藏项目", slug="hidden", is_active=False)
    locations = [u.findtext(f"{SM}loc") for u in xml(client.get("/sitemap-programmes.xml")).findall(f"{SM}url")]
    assert f"{SITE}/programmes/shown/" in locations and f"{SITE}/programmes/hidden/" not in locations


@pytest.mark.django_db
def test_sitemap_is_paginated(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    ArticleFactory.create_batch(5)
    locations = [s.findtext(f"{SM}loc") for s in xml(client.get("/sitemap.xml")).findall(f"{SM}sitemap")]
    assert f"{SITE}/sitemap-articles.xml?p=3" in locations
    assert len(xml(client.get("/sitemap-articles.xml", {"p": 3})).findall(f"{SM}url")) == 1
    assert client.get("/sitemap-articles.xml", {"p": 4}).status_code == 404
    assert client.get("/sitemap-articles.xml", {"p": "x"}).status_code == 404
    assert client.get("/sitemap-nope.xml").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 20])
def test_sitemap_query_counts(client, django_assert_num_queries, rows):
    ArticleFactory.create_batch(rows)
    with django_assert_num_queries(2):  # count for the paginator, then the page
        client.get("/sitemap-articles.xml")


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [2, 40])
def test_sitemap_index_lastmod_is_one_aggregate_over_public_articles(client, django_assert_num_queries, rows):
    now = timezone.now()
    ArticleFactory.create_batch(rows, published_at=now - timedelta(days=30))
    newest = ArticleFactory(published_at=now - timedelta(days=3), content_updated_at=now - timedelta(days=2))
    ArticleFactory(status=Article.Status.DRAFT, published_at=None)  # edited later, never public
    ArticleFactory(published_at=now + timedelta(days=1))  # scheduled: not yet public
    # A count per paginated section (the publication pages: their archive years) and one
    # aggregate per section with a lastmod, whatever the number of articles; Django's default
    # would read every article to find the newest.
    with django_assert_num_queries(8) as captured:
        root = xml(client.get("/sitemap.xml"))
    article_reads = [q["sql"] for q in captured.captured_queries if '"news_article"' in q["sql"]]
    assert len(article_reads) == 2
    assert any("MAX(" in sql and "COUNT(" not in sql for sql in article_reads)
    articles = root.findall(f"{SM}sitemap")[2]
    assert datetime.fromisoformat(articles.findtext(f"{SM}lastmod")) == newest.content_updated_at


@pytest.mark.django_db
def test_robots_points_to_the_sitemap_and_keeps_crawlers_out(client):
    text = client.get("/robots.txt").content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in text
    for path in ["/news/preview/", "/search/", "/publications/*/read/", "/publications/*/download/"]:
        assert f"Disallow: {path}" in text
    assert "admin" not in text  # naming it would give away a secret ADMIN_URL
