"""A reader on a phone searches from the header and opens a result."""

import re

import pytest

from news.tests.factories import ArticleFactory, ChannelFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_reader_searches_from_the_header(phone_page):
    channel = ChannelFactory(slug="work-city", name="市会动态")
    ArticleFactory(
        channel=channel,
        title="西部海员培养基地座谈会召开",
        summary="签署推进西部海员高质量发展合作协议。",
        body="<p>延安海员培训项目共培训海员6000余人。</p>",
    )
    ArticleFactory(channel=channel, title="富硒苹果获奖", body="<p>与海员无关的正文</p>", status="draft")
    page = phone_page
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    page.goto("/")
    box = page.get_by_role("searchbox", name="站内搜索")
    box.fill("海员")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert page.locator(".search-count").inner_text().startswith("找到 1 篇")
    first = page.locator(".search-results h3 a").first
    assert first.locator("mark").first.inner_text() == "海员"
    assert page.locator(".search-excerpt mark").count() >= 1
    # the highlight is visible and the results fit the phone's width
    assert page.locator("mark").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box_height = page.locator("#search-page-q").bounding_box()["height"]
    assert box_height >= 44
    page.screenshot(path="test-artifacts/search-phone.png", full_page=True) if _artifacts() else None
    first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "西部海员培养基地座谈会召开"
    # The browser asks for /favicon.ico by itself; the site has none yet (not this feature's).
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    assert [e for e in page.console_errors if "Failed to load resource" not in e] == []


def _artifacts() -> bool:
    import os

    return os.path.isdir("test-artifacts")
