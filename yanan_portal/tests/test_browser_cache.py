"""The page cache as a reader's browser sees it: cached copies, text size, no console errors."""

import pytest
from playwright.sync_api import expect

from news.tests.factories import ArticleFactory, ChannelFactory


@pytest.mark.browser
@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_cached_article_page_in_chromium(phone_page):
    article = ArticleFactory(channel=ChannelFactory(slug="work", name="工作动态"), title="缓存中的文章")
    first = phone_page.goto(article.get_absolute_url())
    assert first.headers.get("x-page-cache") == "miss"
    # The browser revalidates its own copy (ETag → 304); ask without it to see the shared cache.
    again = phone_page.request.get(article.get_absolute_url())
    assert again.headers.get("x-page-cache") == "hit"
    assert "content-security-policy" in again.headers
    phone_page.goto(article.get_absolute_url())
    assert phone_page.locator("h1").inner_text() == "缓存中的文章"
    assert phone_page.evaluate("document.documentElement.className") == "text-md contrast-normal"
    # The 字号 特大 link sets the cookie and comes back: a separate cached copy, larger text.
    phone_page.get_by_role("group", name="文章工具").get_by_role("link", name="字号特大").click()
    phone_page.wait_for_load_state()
    assert phone_page.url.endswith(article.get_absolute_url())
    assert phone_page.evaluate("document.documentElement.className") == "text-xl contrast-normal"
    phone_page.reload()
    assert phone_page.evaluate("document.documentElement.className") == "text-xl contrast-normal"
    # A cached page's CSP (stored with it) still allows everything the page loads.
    # (A missing /favicon.ico 404 is not this feature's.)
    assert [e for e in phone_page.console_errors if "404" not in e] == []


@pytest.mark.browser
@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_an_old_article_takes_the_new_text_size_and_contrast_at_once(phone_page):
    """An article last changed weeks ago: the browser may not show its own old copy (it
    used to, for a tenth of the article's age) after the reader picks 特大 or 高对比度."""
    from datetime import timedelta

    from django.utils import timezone

    from news.models import Article

    article = ArticleFactory(channel=ChannelFactory(slug="work", name="工作动态"), title="上个月的文章")
    long_ago = timezone.now() - timedelta(days=60)
    Article.objects.filter(pk=article.pk).update(published_at=long_ago, updated_at=long_ago)
    phone_page.goto(article.get_absolute_url())
    assert phone_page.evaluate("document.documentElement.className") == "text-md contrast-normal"

    tools = phone_page.get_by_role("group", name="阅读设置")
    tools.get_by_role("link", name="字号特大").click()
    expect(phone_page.locator("html")).to_have_class("text-xl contrast-normal")
    assert phone_page.url.endswith(article.get_absolute_url())
    tools.get_by_role("link", name="高对比度").click()
    expect(phone_page.locator("html")).to_have_class("text-xl contrast-high")
