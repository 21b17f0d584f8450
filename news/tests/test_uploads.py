"""Uploads are judged by content: photos (editor, cover) and attachments."""

import io
import os
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from news.models import Article, Attachment
from news.tests.factories import ArticleFactory, AttachmentFactory
from news.tests.roles import EDITOR, make_staff
from news.tests.test_admin_workflow import form_data
from yanan_portal import images

pytestmark = pytest.mark.django_db


def jpeg_bytes(size=(1600, 1200), exif=None, color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", exif=exif or b"")
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def png_bytes(size) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_turned_a_quarter(size) -> bytes:
    """A JPEG of ``size`` whose EXIF says to show it turned 90° (orientation 6)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return jpeg_bytes(size, exif=exif.tobytes())


def zip_without_word_folder() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    return buffer.getvalue()


BAD_FILES = {
    "exe renamed .jpg": ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
    "truncated JPEG": ("photo.jpg", jpeg_bytes()[:400]),
    "PNG declaring 50,000 x 50,000": ("huge.png", png_declaring(50_000, 50_000)),
    "SVG with script": ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "HTML renamed .pdf": ("notice.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    "ZIP renamed .docx": ("report.docx", zip_without_word_folder()),
    "empty file": ("empty.jpg", b""),
    # Longer than WebP holds (16,383 px) once stored at most 2,000 px wide.
    "long picture 20 x 20,000": ("long.png", png_bytes((20, 20_000))),
    "long picture 1 x 70,000": ("long.png", png_bytes((1, 70_000))),
    "long picture shown turned": ("turned.jpg", jpeg_turned_a_quarter((20_000, 100))),
}


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def editor_client(client):
    client.force_login(make_staff("editor", EDITOR))
    return client


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_photo_uploads_are_refused_in_chinese_and_nothing_stored(editor_client, settings, case):
    name, data = BAD_FILES[case]
    response = editor_client.post(
        reverse("admin:news_article_photo_picker"),
        {"image": SimpleUploadedFile(name, data), "alt": "说明", "caption": ""},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["image"]
    assert errors and all(has_chinese(e) for e in errors), errors
    assert stored_files(settings) == []


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_attachments_are_refused_in_chinese_and_nothing_stored(editor_client, settings, case):
    name, data = BAD_FILES[case]
    payload = form_data(
        title="带附件的文章",
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-file": SimpleUploadedFile(name, data),
            "attachments-0-name": "",
            "attachments-0-order": "0",
        },
    )
    response = editor_client.post(reverse("admin:news_article_add"), payload)
    assert response.status_code == 200
    errors = [e for form in response.context["inline_admin_formsets"][0].formset.forms for e in form.errors.get("file", [])]
    assert errors and all(has_chinese(e) for e in errors), errors
    assert not Article.objects.exists() and not Attachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_covers_are_refused(editor_client, settings, case):
    name, data = BAD_FILES[case]
    response = editor_client.post(
        reverse("admin:news_article_add"), form_data(title="封面", cover=SimpleUploadedFile(name, data))
    )
    assert response.status_code == 200
    assert all(has_chinese(e) for e in response.context["adminform"].form.errors["cover"])
    assert not Article.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize("size", [(1000, 16_383), (2400, 16_000), (16_000, 20)])
def test_a_long_picture_that_fits_once_stored_is_accepted(size):
    from yanan_portal.uploads import validate_image

    validate_image(SimpleUploadedFile("long.png", png_bytes(size)))


def test_a_long_picture_is_refused_with_what_to_do(editor_client, settings):
    response = editor_client.post(
        reverse("admin:news_article_photo_picker"),
        {"image": SimpleUploadedFile("long.png", png_bytes((1000, 17_000))), "alt": "长图", "caption": ""},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["image"] == ["图片太长(1000×17000),网站保存不了。长图请裁成几张,分别上传。"]
    assert stored_files(settings) == []


def test_photo_is_turned_upright_stripped_and_rendered(settings):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when shown
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (36.0, 35.0, 0.0)}  # GPS position of the photographer
    upload = SimpleUploadedFile("IMG_0001.jpg", jpeg_bytes((1600, 1200), exif=exif.tobytes()))
    stored = images.store_image(upload, folder="photos")
    assert (stored.width, stored.height) == (1200, 1600)
    assert "IMG_0001" not in stored.name and stored.name.endswith("_1200x1600.jpg")
    master = settings.MEDIA_ROOT / stored.name
    with Image.open(master) as image:
        assert image.size == (1200, 1600)
        assert not image.getexif() and "exif" not in image.info
    stem = stored.name[: -len(".jpg")]
    for suffix in ["-480.jpg", "-480.webp", "-960.jpg", "-960.webp", ".webp"]:
        assert (settings.MEDIA_ROOT / f"{stem}{suffix}").exists(), suffix
    assert not (settings.MEDIA_ROOT / f"{stem}-1440.jpg").exists()  # wider than the master

    html = images.responsive_body(f'<figure><img src="{stored.url}" alt="走访农户"><figcaption>图注</figcaption></figure>')
    assert '<source type="image/webp" srcset="/media/' in html
    assert f"{stem}-480.webp 480w" in html and f"{stem}.webp 1200w" in html
    assert 'width="1200" height="1600"' in html and 'loading="lazy"' in html and 'alt="走访农户"' in html


def test_transparent_png_stays_png():
    buffer = io.BytesIO()
    Image.new("RGBA", (600, 300), (0, 0, 0, 0)).save(buffer, "PNG")
    stored = images.store_image(SimpleUploadedFile("logo.png", buffer.getvalue()), folder="photos")
    assert stored.name.endswith("_600x300.png")


def test_animated_gif_becomes_a_still_photo_of_its_first_frame(settings):
    """Pages have no auto-playing motion (DESIGN.md: older readers; WCAG 2.2.2)."""
    frames = [Image.new("RGB", (600, 300), color) for color in [(200, 30, 30), (30, 160, 60), (240, 200, 0)]]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    stored = images.store_image(SimpleUploadedFile("新春贺卡.gif", buffer.getvalue()), folder="photos")
    assert stored.name.endswith("_600x300.jpg")
    stem = stored.name[: -len(".jpg")]
    for suffix in [".jpg", ".webp", "-480.jpg", "-480.webp"]:
        with Image.open(settings.MEDIA_ROOT / f"{stem}{suffix}") as image:
            assert getattr(image, "n_frames", 1) == 1, suffix
            assert all(abs(a - b) <= 8 for a, b in zip(image.convert("RGB").getpixel((10, 10)), (200, 30, 30))), suffix


def test_photo_picker_hands_the_photo_back_to_the_editor(editor_client, settings):
    response = editor_client.post(
        reverse("admin:news_article_photo_picker") + "?CKEditorFuncNum=3",
        {"image": SimpleUploadedFile("a.jpg", jpeg_bytes()), "alt": "会议现场", "caption": "2026年会议"},
    )
    assert response.status_code == 200
    assert 'data-func-num="3"' in response.text and 'data-alt="会议现场"' in response.text
    assert "js/photo-picker.js" in response.text
    assert any(p.suffix == ".webp" for p in stored_files(settings))


def test_photo_picker_requires_alt_text(editor_client, settings):
    response = editor_client.post(
        reverse("admin:news_article_photo_picker"), {"image": SimpleUploadedFile("a.jpg", jpeg_bytes()), "alt": ""}
    )
    assert response.status_code == 400 and "alt" in response.context["form"].errors
    assert stored_files(settings) == []


def test_photo_picker_needs_a_staff_member_who_writes(client):
    url = reverse("admin:news_article_photo_picker")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_staff("viewer", None))
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    "body, message",
    [
        ('<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="x"></p>', "Word/WPS"),
        ('<p><img src="https://example.com/a.jpg" alt="x"></p>', "其他网站"),
        ('<figure><img src="{uploaded}"></figure>', "替代文字"),
        # The address of a photo that is not on the site (copied from elsewhere, or deleted).
        ('<figure><img src="/media/photos/2026/11/ab_10x10.jpg" alt="x"></figure>', "找不到"),
        ('<figure><img src="/media/photos/../../settings.py" alt="x"></figure>', "找不到"),
        ('<figure><img src="/media/" alt="y"></figure>', "找不到"),
        ('<figure><img src="/media/photos/" alt="y"></figure>', "找不到"),  # a folder
        # Attachments and PDFs are handed out by the publication rule only, however written.
        ('<figure><img src="{attachment}" alt="y"></figure>', "找不到"),
        ('<figure><img src="{attachment_dotted}" alt="y"></figure>', "找不到"),
        ('<figure><img src="{attachment_escaped}" alt="y"></figure>', "找不到"),
        ('<figure><img src="/media/photos/%2e%2e/%2e%2e/settings.py" alt="y"></figure>', "找不到"),
    ],
)
def test_pasted_images_are_refused_with_a_message(editor_client, body, message):
    uploaded = images.store_image(SimpleUploadedFile("a.jpg", jpeg_bytes()), folder="photos")
    attachment = "/media/" + AttachmentFactory().file.name  # a file that exists
    body = (
        body.replace("{uploaded}", uploaded.url)
        .replace("{attachment}", attachment)
        .replace("{attachment_dotted}", attachment.replace("/media/", "/media/./"))
        .replace("{attachment_escaped}", attachment.replace("/media/", "/media/%2E/"))
    )
    response = editor_client.post(reverse("admin:news_article_add"), form_data(title="粘贴", body=body))
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["body"])
    assert not Article.objects.filter(title="粘贴").exists()


@pytest.mark.parametrize(
    "address",
    [
        "{url}",
        "{url}?v=2#top",  # a query or fragment is not part of the file's name
        "{percent_encoded}",  # as a browser may write it
        "{entity_encoded}",  # as HTML may write it
    ],
)
def test_an_uploaded_photo_in_the_body_is_accepted(editor_client, address):
    uploaded = images.store_image(SimpleUploadedFile("走访.jpg", jpeg_bytes()), folder="photos")
    src = address.format(
        url=uploaded.url,
        percent_encoded=uploaded.url.replace("/photos/", "/photo%73/"),
        entity_encoded=uploaded.url.replace("/photos/", "/photo&#115;/"),
    )
    body = f'<figure><img src="{src}" alt="走访农户"><figcaption>图注</figcaption></figure>'
    response = editor_client.post(reverse("admin:news_article_add"), form_data(title="有照片", body=body))
    assert response.status_code == 302, response.context["adminform"].form.errors
    # Kept, without the query.
    stored = Article.objects.get(title="有照片").body
    assert uploaded.url.rsplit("/", 1)[1] + '" alt="走访农户">' in stored and "?v=" not in stored


def test_a_photo_is_accepted_when_the_storage_cannot_be_asked(editor_client, monkeypatch, caplog):
    from django.core.files.storage import storages

    def unreachable(storage, name):
        raise OSError("网络存储暂时不可用")

    monkeypatch.setattr(type(storages["default"]), "exists", unreachable)
    body = '<figure><img src="/media/photos/2026/11/ab_10x10.jpg" alt="走访"></figure>'
    response = editor_client.post(reverse("admin:news_article_add"), form_data(title="存储不可用", body=body))
    assert response.status_code == 302  # the editor's save is not lost over a check
    assert "无法检查正文图片是否存在" in caplog.text


def test_word_paste_is_cleaned(editor_client):
    body = (
        '<p class="MsoNormal" style="font-size:14pt;color:red"><span style="font-family:宋体">老区</span></p>'
        "<p>&nbsp;</p><p><font face='黑体' size='5'>建设</font></p>"
    )
    editor_client.post(reverse("admin:news_article_add"), form_data(title="粘贴", body=body))
    article = Article.objects.get(title="粘贴")
    assert "style" not in article.body and "font" not in article.body and "Mso" not in article.body
    assert "&nbsp;" not in article.body and "老区" in article.body and "建设" in article.body


def test_public_page_serves_renditions_cover_and_attachment(reader, settings, django_assert_max_num_queries):
    stored = images.store_image(SimpleUploadedFile("a.jpg", jpeg_bytes()), folder="photos")
    cover = images.store_image(SimpleUploadedFile("c.jpg", jpeg_bytes((1000, 600))), folder="covers")
    article = ArticleFactory(
        body=f'<figure><img src="{stored.url}" alt="走访"><figcaption>图注</figcaption></figure>',
        cover=cover.name,
        cover_alt="封面说明",
    )
    attachment = AttachmentFactory(article=article, name="通知.pdf")
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200
    assert 'srcset="' in response.text and 'loading="lazy"' in response.text
    assert 'alt="封面说明"' in response.text and 'width="1000" height="600"' in response.text
    assert attachment.get_absolute_url() in response.text

    download = reader.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_attachment_of_unpublished_article_is_not_served(reader):
    attachment = AttachmentFactory(article=ArticleFactory(status=Article.Status.DRAFT, published_at=None))
    assert reader.get(attachment.get_absolute_url()).status_code == 404
    assert reader.get("/news/attachments/99999999999/").status_code == 404


def test_cover_upload_goes_through_the_pipeline(editor_client, settings):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (36.0, 35.0, 0.0)}
    cover = SimpleUploadedFile("DSC_1234.jpg", jpeg_bytes((2400, 1600), exif=exif.tobytes()))
    response = editor_client.post(
        reverse("admin:news_article_add"), form_data(title="有封面", cover=cover, cover_alt="延安宝塔山")
    )
    assert response.status_code == 302
    article = Article.objects.get(title="有封面")
    assert article.cover.name.startswith("covers/") and article.cover.name.endswith("_2000x1333.jpg")
    assert "DSC_1234" not in article.cover.name
    with Image.open(article.cover.path) as image:
        assert image.size == (2000, 1333) and not image.getexif()
    assert (settings.MEDIA_ROOT / article.cover.name.replace(".jpg", "-960.webp")).exists()


def with_one_attachment(filename: str) -> dict:
    """The article form of an article with one PDF attached."""
    return form_data(
        title="带附件",
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-file": SimpleUploadedFile(filename, b"%PDF-1.7\n..."),
            "attachments-0-name": "",
            "attachments-0-order": "0",
        },
    )


def test_good_attachment_keeps_its_name_for_display(editor_client):
    payload = with_one_attachment("2026年工作要点.pdf")
    assert editor_client.post(reverse("admin:news_article_add"), payload).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "2026年工作要点.pdf" and attachment.kind == "PDF"


def test_uploads_stay_readable_by_nginx_under_the_services_umask(editor_client, settings):
    """deploy/systemd/portal@.service runs gunicorn with UMask=0027; nginx (another user) must
    still read the photos and attachments it writes, folders included."""
    previous = os.umask(0o027)
    try:
        editor_client.post(
            reverse("admin:news_article_photo_picker"),
            {"image": SimpleUploadedFile("a.jpg", jpeg_bytes()), "alt": "会议现场"},
        )
        payload = with_one_attachment("要点.pdf")
        assert editor_client.post(reverse("admin:news_article_add"), payload).status_code == 302
    finally:
        os.umask(previous)
    written = list(settings.MEDIA_ROOT.rglob("*"))
    assert any(p.suffix == ".webp" for p in written) and any(p.suffix == ".pdf" for p in written)
    for path in written:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o755 if path.is_dir() else 0o644), f"{path.relative_to(settings.MEDIA_ROOT)}: {oct(mode)}"


def test_a_cover_needs_its_description(client, settings):
    client.force_login(make_staff("bianji-cover", EDITOR))
    cover = SimpleUploadedFile("封面.jpg", jpeg_bytes((800, 600)), content_type="image/jpeg")
    response = client.post(reverse("admin:news_article_add"), form_data(title="无说明的封面", cover=cover, cover_alt=" "))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cover_alt"] == ["有封面图片时必须填写“封面图片说明”,为看不见图片的读者描述图片内容。"]
    assert not Article.objects.filter(title="无说明的封面").exists()
    # Without a cover, no description is asked for.
    assert client.post(reverse("admin:news_article_add"), form_data(title="没有封面")).status_code == 302
