"""The 无障碍说明 page and the server-rendered reading preferences (issue 8), without a browser."""

from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from news.tests.factories import ArticleFactory, ChannelFactory


@pytest.mark.django_db
def test_accessibility_page_explains_what_the_site_supports(reader, django_assert_num_queries):
    ChannelFactory(name="组织建设", slug="org", show_in_nav=True)
    cache.clear()
    with django_assert_num_queries(2):  # the navigation's channels and the footer
        response = reader.get("/accessibility/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and "<h1>无障碍说明</h1>" in html
    for feature in ("标准", "特大", "高对比度", "朗读", "跳到正文", "Tab", "读屏软件", "320 像素"):
        assert feature in html
    assert "当前字号:<strong>标准</strong>" in html
    assert '<span aria-current="page">无障碍说明</span>' in html


@pytest.mark.django_db
def test_accessibility_page_query_count_does_not_grow_with_channels(reader, django_assert_num_queries):
    for number in range(30):
        ChannelFactory(slug=f"c{number}", show_in_nav=True)
    cache.clear()
    with django_assert_num_queries(2):
        reader.get("/accessibility/")


@pytest.mark.django_db
def test_accessibility_page_shows_the_chosen_size_and_ignores_a_bad_cookie(reader):
    reader.cookies["textsize"] = "xl"
    response = reader.get("/accessibility/")
    assert "当前字号:<strong>特大</strong>" in response.content.decode()
    assert 'class="text-xl contrast-normal"' in response.content.decode()
    reader.cookies["textsize"] = "x" * 5000
    reader.cookies["contrast"] = "<script>"
    response = reader.get("/accessibility/")
    assert response.status_code == 200
    assert 'class="text-md contrast-normal"' in response.content.decode()
    assert "当前字号:<strong>标准</strong>" in response.content.decode()


@pytest.mark.django_db
def test_every_page_links_to_the_accessibility_page_from_the_footer(reader):
    response = reader.get("/")
    footer = response.content.decode().split('<footer class="site-footer">', 1)[1]
    assert f'<a href="{reverse("accessibility")}">无障碍说明</a>' in footer


@pytest.mark.django_db
def test_preferences_set_cookies_and_refuse_bad_values(reader):
    response = reader.get("/preferences/", {"size": "xl", "contrast": "high", "next": "/accessibility/"})
    assert response.status_code == 302 and response["Location"] == "/accessibility/"
    assert response.cookies["textsize"].value == "xl"
    assert response.cookies["contrast"].value == "high"
    assert response.cookies["textsize"]["samesite"] == "Lax"

    response = reader.get("/preferences/", {"size": "huge", "contrast": "x" * 10_000, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "textsize" not in response.cookies and "contrast" not in response.cookies
    assert reader.post("/preferences/", {"size": "xl"}).status_code == 405


@pytest.mark.django_db
def test_navigation_marks_the_page_itself_and_the_section_of_a_deeper_page(reader):
    parent = ChannelFactory(name="工作动态", slug="work", show_in_nav=True)
    child = ChannelFactory(name="市会动态", slug="work-city", parent=parent, show_in_nav=False)
    article = ArticleFactory(channel=child)

    html = reader.get("/news/work/").content.decode()
    assert '<a href="/news/work/" aria-current="page">工作动态</a>' in html
    for url in ("/news/work-city/", article.get_absolute_url()):
        html = reader.get(url).content.decode()
        assert '<a href="/news/work/" aria-current="true">工作动态</a>' in html
    html = reader.get("/branches/").content.decode()
    assert 'aria-current="page">县区老促会</a>' in html


@pytest.mark.django_db
def test_article_page_offers_read_aloud_controls_hidden_until_a_voice_is_found(reader):
    article = ArticleFactory()
    html = reader.get(article.get_absolute_url()).content.decode()
    assert '<div class="read-aloud" role="group" aria-label="朗读" data-read-aloud hidden>' in html
    assert 'role="switch" aria-checked="false"' in html
    for label in ("播放", "暂停", "停止"):
        assert f">{label}</button>" in html
    assert "<script>" not in html  # the behaviour lives in static/js/site.js (CSP: no inline script)


@pytest.mark.django_db
def test_time_elements_carry_a_valid_machine_readable_datetime(reader):
    article = ArticleFactory()  # published an hour ago, with microseconds
    html = reader.get(article.get_absolute_url()).content.decode()
    local = article.published_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f'datetime="{local:%Y-%m-%dT%H:%M:%S}+08:00"' in html
