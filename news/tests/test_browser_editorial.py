"""The newsroom journey in Chromium: an editor writes, a publisher reviews and publishes."""

import re

import pytest
from django.conf import settings as django_settings
from django.urls import re_path
from django.views.static import serve

from news.models import Article, ArticleEvent
from news.tests.factories import ChannelFactory
from news.tests.roles import EDITOR, PASSWORD, PUBLISHER, make_staff
from yanan_portal.urls import urlpatterns as site_patterns

# The live server serves uploaded media as nginx does in production.
urlpatterns = site_patterns + [
    re_path(r"^media/(?P<path>.*)$", lambda request, path: serve(request, path, document_root=django_settings.MEDIA_ROOT)),
]


def log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))


def assert_no_publish_button(page):
    assert page.locator("a.workflow-publish, a.workflow-schedule, a.workflow-republish").count() == 0
    assert page.get_by_role("link", name="发布", exact=True).count() == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_writes_publisher_publishes(desktop_page, settings, tmp_path):
    settings.ROOT_URLCONF = __name__
    page = desktop_page
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    channel = ChannelFactory(name="工作动态", slug="work")
    make_staff("editor", EDITOR)
    make_staff("publisher", PUBLISHER)
    photo = tmp_path / "走访.jpg"
    from PIL import Image

    Image.new("RGB", (1600, 1200), (40, 120, 200)).save(photo)
    pdf = tmp_path / "通知.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%test\n")

    # The editor writes the article with a photo uploaded from inside the editor.
    log_in(page, "editor")
    page.goto("/admin/news/article/add/")
    page.fill("#id_title", "老促会走访安塞农户")
    page.select_option("#id_channel", str(channel.pk))
    body = page.locator(".tiptap.ProseMirror")
    body.click()
    page.keyboard.type("老促会工作人员走访农户,了解产业发展情况。")
    page.click(".prose-menubar button[title=插入图片]")
    dialog = page.locator("dialog[open]")
    with page.expect_popup() as popup_info:
        dialog.get_by_text("浏览…").click()
    popup = popup_info.value
    popup.set_input_files("#id_image", str(photo))
    popup.fill("#id_alt", "工作人员在农户家中交谈")
    popup.fill("#id_caption", "走访现场")
    popup.click("input[type=submit]")
    popup.wait_for_event("close")
    assert dialog.locator("input[name=altText]").input_value() == "工作人员在农户家中交谈"
    dialog.get_by_role("button", name="插入").click()
    page.set_input_files("#id_attachments-0-file", str(pdf))
    assert_no_publish_button(page)
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/change/$"))
    article = Article.objects.get(title="老促会走访安塞农户")
    assert article.status == Article.Status.DRAFT and "<figure" in article.body

    assert_no_publish_button(page)
    page.click("a.workflow-submit")
    page.click("input[type=submit][value=确认提交审核]")
    page.wait_for_url(re.compile(r"/change/$"))
    assert "当前状态:待审核" in page.content()
    assert_no_publish_button(page)
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW
    assert page.console_errors == []
    page.context.clear_cookies()

    # The publisher sees it waiting, previews it, publishes it.
    log_in(page, "publisher")
    page.goto("/admin/news/article/?mine=1")
    page.get_by_role("link", name="老促会走访安塞农户").click()
    preview_url = page.get_by_role("link", name="预览").get_attribute("href")
    page.goto(preview_url)
    assert "预览:此页面仅供工作人员查看" in page.locator(".preview-banner").inner_text()
    page.goto(f"/admin/news/article/{article.pk}/change/")
    page.click("a.workflow-publish")
    page.click("input[type=submit][value=确认发布]")
    page.wait_for_url(re.compile(r"/change/$"))
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.published_by.username == "publisher"
    assert list(article.events.values_list("action", flat=True).order_by("id")) == [
        ArticleEvent.Action.CREATE, ArticleEvent.Action.SUBMIT, ArticleEvent.Action.PUBLISH]
    assert page.console_errors == []
    page.context.clear_cookies()

    # A reader sees the article with the photo's rendition and the attachment.
    page.goto(article.get_absolute_url())
    assert page.locator("h1").inner_text() == "老促会走访安塞农户"
    image = page.locator(".article-body picture img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.get_attribute("loading") == "lazy" and image.get_attribute("width") == "1600"
    current = image.evaluate("img => img.currentSrc")
    assert current.endswith(".webp"), current
    link = page.get_by_role("link", name="通知.pdf")
    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename == "通知.pdf"
    assert page.console_errors == []
