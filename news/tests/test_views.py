import base64
import re
from datetime import timedelta

import pytest
import segno
from django.core.cache import cache
from django.utils import timezone

from news.models import Article

from .factories import ArticleFactory, AttachmentFactory, ChannelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def channels():
    org = ChannelFactory(slug="org", name="组织建设", order=1)
    work = ChannelFactory(slug="work", name="工作动态", order=2)
    city = ChannelFactory(slug="work-city", name="市会动态", parent=work, order=3)
    notices = ChannelFactory(slug="notices", name="通知公告", order=4)
    return {"org": org, "work": work, "work-city": city, "notices": notices}


def _published_titles(html: str, titles) -> set[str]:
    return {title for title in titles if title in html}


# --- The publication rule as a grid: status × time × home, channel list, article page ----

GRID = [
    (status, when)
    for status in Article.Status
    for when in ["past", "future"]
]


@pytest.mark.parametrize("status, when", GRID)
def test_publication_rule_on_every_page(reader, channels, status, when):
    offset = timedelta(days=-1) if when == "past" else timedelta(days=1)
    article = ArticleFactory(
        title="网格测试文章", channel=channels["work-city"], status=status,
        published_at=timezone.now() + offset, is_headline=True, is_pinned=True,
    )
    visible = status == Article.Status.PUBLISHED and when == "past"

    home = reader.get("/")
    parent_list = reader.get("/news/work/")
    channel_list = reader.get("/news/work-city/")
    detail = reader.get(f"/news/work-city/{article.pk}/")

    for response in (home, parent_list, channel_list):
        assert response.status_code == 200
        assert ("网格测试文章" in response.text) is visible
    assert detail.status_code == (200 if visible else 404)
    if not visible:
        assert "页面不存在" in detail.text


# --- Home ---------------------------------------------------------------------------------

def test_home_shows_headlines_pinned_channels_and_notices(reader, channels):
    ArticleFactory(title="头条文章", channel=channels["org"], is_headline=True)
    ArticleFactory(title="置顶文章", channel=channels["org"], is_pinned=True)
    ArticleFactory(title="市会文章", channel=channels["work-city"])
    ArticleFactory(title="一则通知", channel=channels["notices"])
    response = reader.get("/")
    html = response.text
    assert response.status_code == 200
    assert html.index("头条文章") < html.index("置顶文章")
    assert "工作动态" in html and "市会文章" in html  # a child's article under its parent
    assert 'id="notices-title"' in html and "一则通知" in html
    assert "县区老促会" in html and "品牌项目" in html


def test_home_query_count_does_not_grow(reader, channels, django_assert_max_num_queries, django_assert_num_queries):
    ArticleFactory.create_batch(5, channel=channels["org"], is_headline=True)
    cache.clear()
    with django_assert_num_queries(QUERIES["home"]):
        reader.get("/")
    ArticleFactory.create_batch(100, channel=channels["work-city"], is_pinned=True)
    ArticleFactory.create_batch(100, channel=channels["notices"])
    cache.clear()
    with django_assert_num_queries(QUERIES["home"]):
        reader.get("/")


# --- Channel list -------------------------------------------------------------------------

def test_channel_list_newest_first_with_pinned_on_top_and_20_per_page(reader, channels):
    now = timezone.now()
    for number in range(25):
        ArticleFactory(title=f"普通文章{number:02d}", channel=channels["org"], published_at=now - timedelta(hours=number + 1))
    ArticleFactory(title="很早的置顶文章", channel=channels["org"], is_pinned=True, published_at=now - timedelta(days=300))

    first = reader.get("/news/org/").text
    titles = re.findall(r">(?:<span class=\"badge\">置顶</span> )?(很早的置顶文章|普通文章\d\d)</a>", first)
    assert titles[0] == "很早的置顶文章"
    assert titles[1:4] == ["普通文章00", "普通文章01", "普通文章02"]
    assert len(titles) == 20
    assert "共 26 条" in first and "第 1 / 2 页" in first
    assert 'aria-current="page"' in first

    second = reader.get("/news/org/?page=2").text
    assert "普通文章24" in second and "普通文章00" not in second


def test_parent_channel_lists_its_childrens_articles(reader, channels):
    ArticleFactory(title="子栏目的文章", channel=channels["work-city"])
    html = reader.get("/news/work/").text
    assert "子栏目的文章" in html
    assert "市会动态" in html  # the sub-navigation


def test_channel_breadcrumb(reader, channels):
    html = reader.get("/news/work-city/").text
    crumbs = re.search(r'<nav class="breadcrumb.*?</nav>', html, re.S).group(0)
    assert "网站首页" in crumbs and "工作动态" in crumbs and "市会动态" in crumbs


def test_channel_query_count_does_not_grow(reader, channels, django_assert_num_queries):
    ArticleFactory.create_batch(5, channel=channels["work-city"])
    cache.clear()
    with django_assert_num_queries(QUERIES["channel"]):
        reader.get("/news/work/")
    ArticleFactory.create_batch(495, channel=channels["work-city"])
    cache.clear()
    with django_assert_num_queries(QUERIES["channel"]):
        reader.get("/news/work/?page=3")


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1.5", "x" * 10_000, "%00", "1;DROP TABLE"])
def test_channel_bad_page_is_a_clear_404(reader, channels, page):
    ArticleFactory.create_batch(3, channel=channels["org"])
    response = reader.get("/news/org/", {"page": page})
    assert response.status_code == 404
    assert "页面不存在" in response.text


def test_unknown_channel_is_404(reader, channels):
    response = reader.get("/news/no-such-channel/")
    assert response.status_code == 404
    assert "返回网站首页" in response.text


# --- Article page -------------------------------------------------------------------------

@pytest.fixture
def article(channels):
    return ArticleFactory(
        title="陕西延安:不断加强自身建设",
        channel=channels["work-city"],
        published_at=timezone.datetime(2024, 12, 2, 2, 27, 43, tzinfo=timezone.UTC),
        source="延安市老促会",
        responsible_editor="李韵",
        views=63,
        body="<h2>一、牢记初心</h2><p>第一段。</p>",
    )


def test_article_page_shows_everything_a_reader_expects(reader, article):
    AttachmentFactory(article=article, name="附件一.pdf")
    response = reader.get(f"/news/work-city/{article.pk}/")
    html = response.text
    assert response.status_code == 200
    assert "<h1>陕西延安:不断加强自身建设</h1>" in html
    assert "发布时间:<time" in html and "2024-12-02 10:27:43" in html  # Asia/Shanghai
    assert "来源:延安市老促会" in html
    assert "浏览量:64" in html  # this view counted
    assert "(责任编辑:李韵)" in html
    assert "<h2>一、牢记初心</h2>" in html
    assert re.search(r"附件一\.pdf</a> <span class=\"file-meta\">\(PDF,15\xa0字节\)</span>", html)
    assert "扫码分享文章" in html and '<img class="qr" src="data:image/png;base64,' in html
    assert "更新时间" not in html
    crumbs = re.search(r'<nav class="breadcrumb.*?</nav>', html, re.S).group(0)
    assert "网站首页" in crumbs and "工作动态" in crumbs and "市会动态" in crumbs
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{article.get_absolute_url()}">' in html


def test_article_text_size_switch_uses_the_headers_names(reader, article):
    tools = re.search(r'<div class="article-tools".*?</div>', reader.get(article.get_absolute_url()).text, re.S).group(0)
    assert re.findall(r'aria-label="字号(\w+)"', tools) == ["标准", "大", "特大"]
    assert re.search(r'size=md[^>]*aria-current="true"', tools)
    reader.cookies["textsize"] = "xl"
    tools = re.search(r'<div class="article-tools".*?</div>', reader.get(article.get_absolute_url()).text, re.S).group(0)
    assert re.search(r'size=xl[^>]*aria-current="true">特大</a>', tools)


def test_article_shows_update_time_separately(reader, article):
    article.content_updated_at = timezone.datetime(2025, 1, 3, 1, 0, 0, tzinfo=timezone.UTC)
    article.save()
    html = reader.get(article.get_absolute_url()).text
    assert "2024-12-02 10:27:43" in html and "更新时间" in html and "2025-01-03 09:00:00" in html


def test_previous_and_next_stay_in_the_channel(reader, channels, article):
    older = ArticleFactory(title="更早的一篇", channel=channels["work-city"], published_at=article.published_at - timedelta(days=1))
    newer = ArticleFactory(title="更新的一篇", channel=channels["work-city"], published_at=article.published_at + timedelta(days=1))
    ArticleFactory(title="别的栏目", channel=channels["org"], published_at=article.published_at - timedelta(hours=1))
    ArticleFactory(title="未发布的", channel=channels["work-city"], status=Article.Status.DRAFT, published_at=article.published_at - timedelta(hours=1))
    html = reader.get(article.get_absolute_url()).text
    assert f'上一篇:<a href="{newer.get_absolute_url()}">更新的一篇</a>' in html
    assert f'下一篇:<a href="{older.get_absolute_url()}">更早的一篇</a>' in html
    assert "别的栏目" not in html and "未发布的" not in html


def test_previous_and_next_order_ties_by_id_and_skip_scheduled_articles(reader, channels, article):
    same_time_before = ArticleFactory(title="同一时刻先发", channel=channels["work-city"], published_at=article.published_at)
    same_time_after = ArticleFactory(title="同一时刻后发", channel=channels["work-city"], published_at=article.published_at)
    ArticleFactory(title="定时发布的", channel=channels["work-city"], published_at=timezone.now() + timedelta(days=1))
    assert same_time_before.id < same_time_after.id and article.id < same_time_before.id
    # Equal times: the higher id is the newer one.
    html = reader.get(same_time_before.get_absolute_url()).text
    assert f'上一篇:<a href="{same_time_after.get_absolute_url()}">同一时刻后发</a>' in html
    assert f'下一篇:<a href="{article.get_absolute_url()}">{article.title}</a>' in html
    html = reader.get(same_time_after.get_absolute_url()).text
    assert "上一篇:没有了" in html and "定时发布的" not in html
    html = reader.get(article.get_absolute_url()).text
    assert "下一篇:没有了" in html
    # The selector alone (the channel joined instead of taken from the page's channels).
    from news import selectors

    previous_article, next_article = selectors.neighbours(same_time_before)
    assert (previous_article, next_article) == (same_time_after, article)
    assert previous_article.channel.slug == "work-city"


def test_qr_code_encodes_the_absolute_url(reader, article, settings):
    """A picture (WeChat's long press recognises QR codes in pictures only, not in inline SVG)
    of the canonical address, drawn at twice the size it is shown."""
    settings.SITE_URL = "https://www.example.cn"
    html = reader.get(article.get_absolute_url()).text
    assert '<svg class="qr"' not in html
    qr = re.search(r'<img class="qr" src="data:image/png;base64,([^"]+)" width="(\d+)" height="\2" alt="本文二维码[^"]+">', html)
    assert qr and base64.b64decode(qr.group(1)).startswith(b"\x89PNG")
    expected = segno.make(f"https://www.example.cn{article.get_absolute_url()}", error="m")
    assert qr.group(1) == expected.png_data_uri(scale=8, border=2, dark="#000", light="#fff").split(",", 1)[1]
    assert int(qr.group(2)) == expected.symbol_size(scale=4, border=2)[0]


def test_article_under_wrong_channel_redirects_permanently(reader, channels, article):
    response = reader.get(f"/news/org/{article.pk}/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.parametrize("path", ["/news/work-city/abc/", "/news/work-city/99999999/", "/news/work-city/9999999999999999999999999/", "/news/work-city/-1/"])
def test_bad_article_ids_are_404(reader, article, path):
    response = reader.get(path)
    assert response.status_code == 404
    assert "页面不存在" in response.text


def test_the_news_address_itself_leads_to_the_home_page(reader):
    """A reader who trims an article's address to /news/ finds the channels, not a 404."""
    response = reader.get("/news/", {"from": "singlemessage"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_id_with_leading_zeros_is_not_a_second_address(reader, article):
    """One address per article: /news/work-city/01/ showed the article of /news/work-city/1/."""
    assert reader.get(article.get_absolute_url()).status_code == 200
    for zeros in ("0", "00"):
        response = reader.get(f"/news/work-city/{zeros}{article.pk}/")
        assert response.status_code == 404 and "页面不存在" in response.text


def test_article_query_count_does_not_grow(reader, channels, article, django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(QUERIES["article"]):
        reader.get(article.get_absolute_url())
    ArticleFactory.create_batch(200, channel=channels["work-city"])
    AttachmentFactory.create_batch(5, article=article)
    cache.clear()
    with django_assert_num_queries(QUERIES["article"]):
        reader.get(article.get_absolute_url())


def test_views_are_counted_for_readers_not_crawlers(client, article):
    client.get(article.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 (compatible; Baiduspider/2.0)")
    client.get(article.get_absolute_url(), HTTP_USER_AGENT="")
    article.refresh_from_db()
    assert article.views == 63
    client.get(article.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 13) MicroMessenger/8.0")
    article.refresh_from_db()
    assert article.views == 64


# --- Reader preferences -------------------------------------------------------------------

def test_text_size_is_remembered_and_rendered_by_the_server(reader, article):
    response = reader.get("/preferences/", {"size": "xl", "next": article.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert response.cookies["textsize"].value == "xl"
    html = reader.get(article.get_absolute_url()).text
    assert '<html lang="zh-Hans" class="text-xl contrast-normal">' in html


@pytest.mark.parametrize(
    "params",
    [{"size": "huge"}, {"size": "x" * 10_000}, {"contrast": "<script>"}, {"next": "https://evil.example/"},
     {"next": "//evil.example/"}, {"next": "javascript:alert(1)"}, {}],
)
def test_bad_preferences_are_ignored_safely(reader, channels, params):
    response = reader.get("/preferences/", params)
    assert response.status_code == 302
    assert response["Location"] == "/" or response["Location"].startswith("/")
    assert "evil" not in response["Location"]
    assert "textsize" not in response.cookies or response.cookies["textsize"].value in {"md", "lg", "xl"}


def test_unknown_text_size_cookie_falls_back_to_standard(reader, channels):
    reader.cookies["textsize"] = "<b>"
    assert 'class="text-md contrast-normal"' in reader.get("/").text


# --- Site-wide ----------------------------------------------------------------------------

def test_404_page_is_chinese_with_the_header_and_a_way_home(reader, channels):
    response = reader.get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in response.text and 'href="/"' in response.text
    assert "延安市老区建设促进会" in response.text  # the site header


def test_robots_txt_points_to_the_sitemap(reader):
    text = reader.get("/robots.txt").text
    assert "Sitemap: " in text and "/sitemap.xml" in text
    assert "Disallow: /news/preview/" in text
    assert "admin" not in text  # a secret ADMIN_URL stays secret


def test_health_check(reader):
    assert reader.get("/healthz").json() == {"status": "ok"}


# Each page's queries with the footer's cache cold: the channels (1), the footer's names and
# contacts (1), and the page's own reads. The channels are read once per request for the navigation, the
# home page's blocks and a channel list's channel and sub-channels (news.selectors.channel_tree).
QUERIES = {"home": 10, "channel": 4, "article": 6}
