"""In Chromium with the CSP enforced: stored payloads run nothing, the admin editor works."""

import re

import pytest
from django.contrib.auth.models import User

from news.tests.factories import ArticleFactory
from news.tests.roles import put_cursor_at_end

from .test_stored_xss import CORPUS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INJECTED = (
    "script:not([src^='/static/']):not([nonce]), iframe, object, embed, base, "
    "[onerror], [onload], [onclick], [onmouseover], [onfocus], [ontoggle], "
    "a[href^='javascript' i], a[href^='data' i]"
)


def watch_console(page):
    """Console errors other than the 404s of images the payloads point at (and the favicon)."""
    errors = []

    def on_console(message):
        url = message.location.get("url", "")
        if message.type == "error" and not ("/media/" in url or url.endswith("/favicon.ico")):
            errors.append(f"{message.text} {url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def watch_dialogs(page):
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


def test_stored_payloads_run_nothing_on_the_public_page(phone_page):
    article = ArticleFactory(title="安全测试", body=CORPUS)
    dialogs = watch_dialogs(phone_page)
    errors = watch_console(phone_page)
    response = phone_page.goto(article.get_absolute_url())
    assert "script-src 'self'" in response.headers["content-security-policy"]
    phone_page.wait_for_timeout(500)
    body = phone_page.locator(".article-body")
    assert "安全的正文段落" in body.inner_text()
    assert body.locator(INJECTED).count() == 0
    phone_page.mouse.move(100, 300)
    phone_page.locator(".article-body a").first.hover()
    assert dialogs == []
    # No inline script at all; the JSON-LD data block is never executed.
    assert phone_page.evaluate("document.querySelectorAll('script:not([src]):not([type=\"application/ld+json\"])').length") == 0
    assert errors == []


def test_admin_and_rich_text_editor_work_under_the_enforced_csp(desktop_page, live_server):
    User.objects.create_superuser("guanli", password="延安-宝塔山-1937-春")
    # Without the corpus's images: the editor's form rightly refuses an image without 替代文字.
    article = ArticleFactory(title="编辑器测试", body=re.sub(r"<img\b[^>]*>", "", CORPUS, flags=re.I))
    page = desktop_page
    dialogs = watch_dialogs(page)
    errors = watch_console(page)
    response = page.goto("/admin/login/")
    csp = response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in csp and "script-src 'self'" in csp
    page.fill("#id_username", "guanli")
    page.fill("#id_password", "延安-宝塔山-1937-春")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto(f"/admin/news/article/{article.pk}/change/")
    editor = page.locator(".prose-editor .ProseMirror[contenteditable]").first
    editor.wait_for()
    assert editor.get_attribute("contenteditable") == "true"
    assert "安全的正文段落" in editor.inner_text()
    assert page.locator(f".ProseMirror :is({INJECTED})").count() == 0
    put_cursor_at_end(page, editor)
    page.keyboard.type("在编辑器中新加的一段")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    article.refresh_from_db()
    assert "在编辑器中新加的一段" in article.body
    assert "安全的正文段落" in article.body
    assert dialogs == []
    # A CSP violation would be reported here as a console error.
    assert errors == [], errors
