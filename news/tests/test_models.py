from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from news.models import Article
from yanan_portal.richtext import sanitize_html

from .factories import ArticleFactory, ChannelFactory

NOW = timezone.now


GRID = [
    (status, when)
    for status in Article.Status
    for when in ["past", "future", "none"]
    # A published article without a time is refused by the database (tested below).
    if not (status == Article.Status.PUBLISHED and when == "none")
]


@pytest.mark.django_db
@pytest.mark.parametrize("status, when", GRID)
def test_published_queryset_and_is_published_agree(status, when):
    published_at = {"past": NOW() - timedelta(days=1), "future": NOW() + timedelta(days=1), "none": None}[when]
    article = ArticleFactory(status=status, published_at=published_at)
    expected = status == Article.Status.PUBLISHED and when == "past"
    assert Article.objects.published().filter(pk=article.pk).exists() is expected
    assert article.is_published is expected
    assert article.is_scheduled is (status == Article.Status.PUBLISHED and when == "future")


@pytest.mark.django_db
def test_published_article_needs_a_time():
    with pytest.raises(IntegrityError):
        ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)


@pytest.mark.django_db
def test_scheduled_article_shows_as_定时发布():
    article = ArticleFactory(published_at=NOW() + timedelta(hours=2))
    assert article.get_status_display_full() == "定时发布"


@pytest.mark.django_db
def test_body_is_sanitised_whatever_door_it_comes_through():
    article = ArticleFactory(body='<p onclick="x()">正文<script>alert(1)</script></p>')
    article.refresh_from_db()
    assert article.body == "<p>正文</p>"


@pytest.mark.django_db
def test_count_view_is_one_atomic_update(django_assert_num_queries):
    article = ArticleFactory(views=5)
    with django_assert_num_queries(1):
        article.count_view()
    article.refresh_from_db()
    assert article.views == 6


@pytest.mark.parametrize(
    "dirty, clean",
    [
        ("<p>前<script>alert(1)</script>后</p>", "<p>前后</p>"),
        ('<p><img src="/media/a.jpg" alt="图" onerror="alert(1)"></p>', '<p><img src="/media/a.jpg" alt="图"></p>'),
        ('<a href="javascript:alert(1)">链接</a>', '<a rel="noopener noreferrer">链接</a>'),
        ('<p>视频<iframe src="https://example.com"></iframe></p>', "<p>视频</p>"),
        ('<p style="font-size:9px;color:red"><span style="font-family:宋体">字</span></p>', "<p>字</p>"),
        ("<p><font face=\"仿宋\" size=\"2\">文</font></p><p>&nbsp;</p><p></p>", "<p>文</p>"),
        ('<p>图<img src="https://other.example/x.png" alt="外链"></p>', "<p>图</p>"),
        ('<p>图<img src="data:image/png;base64,AAAA" alt="粘贴"></p>', "<p>图</p>"),
        ('<svg><script>alert(1)</script></svg><math><mi>x</mi></math><p>留</p>', "<p>留</p>"),
        # Our own photos only, stored at their plain address; nothing outside the public media.
        ('<p><img src="/media/photos/a.jpg?sig=1#x" alt="图"></p>', '<p><img src="/media/photos/a.jpg" alt="图"></p>'),
        ('<p>图<img src="/media/photos%5C..%5Cattachments%5Ca.pdf" alt="反斜杠"></p>', "<p>图</p>"),
        ('<p>图<img src="/media/photos/%2e%2e/%2e%2e/x_10x10.jpg" alt="上级"></p>', "<p>图</p>"),
        ('<p>图<img src="/media/./attachments/2026/a.pdf" alt="附件"></p>', "<p>图</p>"),
        ('<p>图<img src="/media/attachments/2026/a.pdf" alt="附件"></p>', "<p>图</p>"),
        ('<p>图<img src="//other.example/media/a.jpg" alt="外链"></p>', "<p>图</p>"),
    ],
)
def test_sanitiser_removes_dangerous_and_foreign_markup(dirty, clean, settings):
    assert sanitize_html(dirty) == clean


def test_sanitiser_keeps_the_allowed_formatting():
    html = (
        "<h2>标题</h2><h3>小标题</h3><p><strong>粗</strong><em>斜</em></p>"
        "<ul><li>一</li></ul><ol><li>二</li></ol><blockquote><p>引</p></blockquote>"
        '<p><a href="https://www.gov.cn/" rel="noopener noreferrer">政府网</a></p>'
        "<table><tbody><tr><th>年</th><td>2024</td></tr></tbody></table>"
        '<figure><img src="/media/uploads/a.jpg" alt="书社"><figcaption>红色书社</figcaption></figure>'
    )
    assert sanitize_html(html) == html


@pytest.mark.django_db
def test_channel_may_not_be_three_levels_deep():
    from django.core.exceptions import ValidationError

    top = ChannelFactory(slug="work")
    child = ChannelFactory(slug="work-city", parent=top)
    grandchild = ChannelFactory.build(slug="deep", parent=child)
    with pytest.raises(ValidationError):
        grandchild.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["preview", "attachments"])
def test_channel_slugs_used_by_the_site_are_refused(slug):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        ChannelFactory.build(slug=slug, name="栏目").full_clean()
    assert "已被网站占用" in str(error.value)


@pytest.mark.django_db
def test_addresses_are_what_reverse_gives_also_under_a_script_prefix():
    # get_absolute_url builds an article's address from its channel's, reversed once per
    # slug (perf, issue 9): it must agree with the URLconf, also when the site is mounted
    # under a path (SCRIPT_NAME), and follow a renamed channel.
    from django.urls import reverse, set_script_prefix

    article = ArticleFactory()
    channel = article.channel
    try:
        for prefix in ("/", "/portal/"):
            set_script_prefix(prefix)
            assert channel.get_absolute_url() == reverse("news:channel", kwargs={"slug": channel.slug})
            assert article.get_absolute_url() == reverse(
                "news:article", kwargs={"channel": channel.slug, "pk": article.pk}
            )
        assert article.get_absolute_url().startswith("/portal/news/")
    finally:
        set_script_prefix("/")
    channel.slug = "renamed"
    channel.save()
    assert article.get_absolute_url() == f"/news/renamed/{article.pk}/"


def test_date_filters_show_the_local_day_and_an_iso_time():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from yanan_portal.templatetags.site_tags import day, iso_datetime

    late_evening_utc = datetime(2026, 11, 29, 17, 30, 5, 123456, tzinfo=ZoneInfo("UTC"))
    assert day(late_evening_utc) == "2026-11-30"  # already the next day in Yan'an
    assert iso_datetime(late_evening_utc) == "2026-11-30T01:30:05+08:00"
    assert day(None) == iso_datetime(None) == ""


@pytest.mark.django_db
def test_links_take_their_channel_from_the_channels_already_read(django_assert_num_queries):
    from news.models import Channel

    article = ArticleFactory()
    known = {channel.id: channel for channel in Channel.objects.all()}
    with django_assert_num_queries(1):
        links = list(Article.objects.published().for_links(known).order_by("-published_at"))
        assert links[0].channel is known[article.channel_id]
        assert links[0].get_absolute_url() == article.get_absolute_url()
    # A channel the page has not read (say, created meanwhile) is read when first used.
    links = list(Article.objects.published().for_links({}))
    with django_assert_num_queries(1):
        assert links[0].channel.name == article.channel.name
    # Without known channels: joined, as before.
    with django_assert_num_queries(1):
        assert list(Article.objects.published().for_links())[0].channel.slug == article.channel.slug


@pytest.mark.parametrize(
    "paragraph, summary",
    [
        ("短短一句。", "短短一句。"),
        ("第一句。" + "长" * 130 + "。", "第一句。"),
        ("没有句号的长句," + "长" * 130, "没有句号的长句," + "长" * 111 + "…"),
        ("长" * 118 + ",后面的话", "长" * 118 + "…"),
    ],
)
def test_demo_summaries_end_with_a_whole_sentence_or_an_ellipsis(paragraph, summary):
    from news.demo import _summary

    assert _summary(paragraph) == summary and len(_summary(paragraph)) <= 120
