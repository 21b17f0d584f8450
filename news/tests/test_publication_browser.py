"""A reader on a phone browses the magazine shelf, opens an issue and downloads its PDF."""

import io

import pytest
from playwright.sync_api import expect
from django.core.files.base import ContentFile
from PIL import Image

from .factories import MINIMAL_PDF, PublicationFactory, PublicationStatFactory, TableOfContentsEntryFactory


def _cover(colour: str) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), colour).save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name="cover.jpg")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_reader_browses_the_shelf_and_downloads_an_issue(phone_page):
    PublicationStatFactory()
    older = PublicationFactory(title="《延安老区建设》总第62期", number=62, month=8, cover=_cover("navy"))
    issue = PublicationFactory(
        title="《延安老区建设》总第63期", number=63, month=12, cover=_cover("darkred"),
        cover_alt="《延安老区建设》总第63期封面",
    )
    TableOfContentsEntryFactory(publication=issue, title="卷首语", author="编辑部", page=1)
    page = phone_page
    missing = []
    page.on("response", lambda response: response.status >= 400 and missing.append(response.url))
    # Chromium asks for /favicon.ico on its own; the site has none yet (not this feature's).
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=b""))

    page.goto("/")
    page.get_by_role("link", name="出版物").last.click()
    page.wait_for_url("**/publications/")
    page.get_by_role("link", name="《延安老区建设》书架").click()
    page.wait_for_url("**/publications/magazine/")

    covers = page.locator(".shelf img")
    assert covers.count() == 2
    assert [covers.nth(i).get_attribute("alt") for i in range(2)] == ["《延安老区建设》总第63期封面", f"{older.title} 封面"]
    # Two covers side by side on a 390 px phone, each a comfortable tap target.
    first, second = (page.locator(".shelf a").nth(i).bounding_box() for i in range(2))
    assert first["y"] == second["y"] and first["width"] >= 140 and first["height"] >= 44
    for i in range(2):
        expect(covers.nth(i)).to_have_js_property("complete", True)  # loading="lazy": after the page's load
        assert covers.nth(i).evaluate("img => img.naturalWidth > 0")

    page.get_by_role("link", name="《延安老区建设》总第63期封面").click()
    page.wait_for_url(f"**{issue.get_absolute_url()}")
    assert page.get_by_role("heading", level=1).inner_text() == "《延安老区建设》总第63期"
    assert page.get_by_role("cell", name="卷首语").is_visible()

    assert missing == []
    assert page.console_errors == []

    download_link = page.get_by_role("link", name="下载 PDF")
    assert "字节" in download_link.inner_text()
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == "延安老区建设总第63期.pdf"
    assert open(download.path(), "rb").read() == MINIMAL_PDF

    for link_name in ["下载 PDF", "在线阅读 PDF"]:
        href = page.get_by_role("link", name=link_name).get_attribute("href")
        response = page.request.get(href)
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF-")
