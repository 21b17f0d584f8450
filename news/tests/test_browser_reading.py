"""A reader on a phone reads the association's news (issue 2, browser part)."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PHONE, new_checked_page
from yanan_portal.tests.browser_checks import (
    assert_axe_clean,
    assert_html_valid,
    assert_no_broken_subresources,
    assert_no_console_errors,
)

SEED_TITLE = "陕西延安:不断加强自身建设 努力提升为老区发展服务能力"


def body_font_px(page) -> float:
    return page.eval_on_selector(".article-body p", "p => parseFloat(getComputedStyle(p).fontSize)")


def check_page(page, served: dict[str, str]) -> None:
    assert_axe_clean(page)
    assert_no_console_errors(page)
    assert_no_broken_subresources(page)
    # The HTML as the server sent it, not the browser's repaired DOM.
    served[page.url] = page.request.get(page.url).text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_reader_goes_from_home_to_seed_article_and_keeps_font_size(chromium, live_server, a11y_tools, demo_content):
    page = new_checked_page(chromium, live_server, **PHONE)
    served: dict[str, str] = {}

    page.goto("/")
    expect(page.locator("h1")).to_have_count(1)
    check_page(page, served)

    # On a phone the channels sit behind the 栏目导航 menu button.
    navigation = page.get_by_role("navigation", name="主导航")
    channel_link = navigation.locator(".nav-menu").get_by_role("link", name="组织建设", exact=True)
    expect(channel_link).to_be_hidden()
    navigation.get_by_text("栏目导航").click()
    channel_link.click()
    expect(page).to_have_url(re.compile(r"/news/org/$"))
    expect(page.locator("h1")).to_have_text("组织建设")
    expect(navigation.locator(".nav-menu a[aria-current]")).to_have_text("组织建设")
    check_page(page, served)

    page.get_by_role("link", name=SEED_TITLE).click()
    expect(page).to_have_url(re.compile(r"/news/org/\d+/$"))
    expect(page.locator("h1")).to_have_text(SEED_TITLE)
    expect(page.locator(".article-meta")).to_contain_text("发布时间:2024-12-02 10:27:43")
    expect(page.locator(".editor")).to_contain_text("李韵")
    page.wait_for_load_state()  # the stylesheet applied, not the browser's 16 px
    assert body_font_px(page) >= 18
    # The QR code is a picture the page's policy lets load (long press in WeChat: 识别图中二维码).
    qr = page.get_by_role("img", name=re.compile("^本文二维码"))
    qr.scroll_into_view_if_needed()
    expect(qr).to_have_js_property("complete", True)
    assert qr.evaluate("img => img.naturalWidth") == 2 * qr.evaluate("img => img.width") > 100
    check_page(page, served)

    # The article's 字号 switch: 特大 is the largest size, and it stays after a reload.
    page.locator(".article-tools").get_by_role("link", name="字号特大").click()
    expect(page.locator("h1")).to_have_text(SEED_TITLE)
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-xl\b"))
    page.wait_for_load_state()
    assert body_font_px(page) >= 30
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-xl\b"))
    assert body_font_px(page) >= 30
    expect(page.locator(".article-tools").get_by_role("link", name="字号特大")).to_have_attribute("aria-current", "true")
    assert {"name": "textsize", "value": "xl"}.items() <= next(
        c for c in page.context.cookies() if c["name"] == "textsize"
    ).items()
    check_page(page, served)

    assert_html_valid(served)
    page.context.close()
