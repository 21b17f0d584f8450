"""Media storage is the local folder by default and S3-compatible storage when configured."""

import importlib.util
import json
import os
import subprocess
import sys
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.conf import settings

from news.models import Article
from news.tests.factories import ArticleFactory, AttachmentFactory, PublicationFactory

PDF = b"%PDF-1.4\n%object-storage\n%%EOF\n"


def _settings_with(show: str = "settings.STORAGES['default']", **env):
    """Start the settings in a new process with ``env`` and print the expression ``show``."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "yanan_portal.settings", "PORTAL_LOCAL": "1", **env}
    code = f"import json, django; django.setup(); from django.conf import settings; print({show})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
    )


def test_local_folder_by_default():
    result = _settings_with(MEDIA_S3_BUCKET="")
    assert result.returncode == 0, result.stderr
    assert "yanan_portal.storage.TransactionalFileSystemStorage" in result.stdout  # local files, cleaned up on rollback


def test_attachments_never_share_the_public_folder_of_the_bucket():
    for prefixes in ({"MEDIA_S3_PROTECTED_PREFIX": "media"}, {"MEDIA_S3_PROTECTED_PREFIX": "media/private"},
                     {"MEDIA_S3_PREFIX": "", "MEDIA_S3_PROTECTED_PREFIX": "protected"}, {"MEDIA_S3_PROTECTED_PREFIX": "/"}):
        result = _settings_with(MEDIA_S3_BUCKET="portal-media", **prefixes)
        assert result.returncode != 0, prefixes
        assert "MEDIA_S3_PROTECTED_PREFIX" in result.stderr


def test_s3_when_a_bucket_is_configured():
    result = _settings_with(
        MEDIA_S3_BUCKET="portal-media",
        MEDIA_S3_ENDPOINT_URL="https://s3.example.cn",
        MEDIA_S3_CUSTOM_DOMAIN="media.example.cn",
    )
    if importlib.util.find_spec("boto3") is None:
        # Without boto3 the site refuses to start and says what to install.
        assert result.returncode != 0
        assert 'pip install "django-storages[s3]"' in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert "storages.backends.s3.S3Storage" in result.stdout
        assert "'bucket_name': 'portal-media'" in result.stdout
        assert "'custom_domain': 'media.example.cn'" in result.stdout
        # Photos from the CDN's address are allowed by the pages' CSP.
        csp = _settings_with("settings.SECURE_CSP['img-src']", MEDIA_S3_BUCKET="portal-media", MEDIA_S3_CUSTOM_DOMAIN="media.example.cn")
        assert "https://media.example.cn" in csp.stdout, csp.stderr


# --- Object storage, end to end (moto's in-process S3) ------------------------------------------


@pytest.fixture
def object_storage(settings):
    """STORAGES exactly as settings.py builds them for MEDIA_S3_BUCKET, against moto's S3."""
    if importlib.util.find_spec("boto3") is None or importlib.util.find_spec("moto") is None:
        if os.environ.get("CI"):
            pytest.fail("boto3 and moto are missing: .ci/run installs requirements-s3-test.txt")
        pytest.skip("pip install -r requirements-s3-test.txt")
    import boto3
    from moto import mock_aws

    result = _settings_with(
        "json.dumps(settings.STORAGES)", MEDIA_S3_BUCKET="portal-media", MEDIA_S3_REGION="us-east-1",
        MEDIA_S3_ACCESS_KEY_ID="test-key", MEDIA_S3_SECRET_ACCESS_KEY="test-secret",
    )
    assert result.returncode == 0, result.stderr
    storages = json.loads(result.stdout.splitlines()[-1])
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="portal-media")
        settings.STORAGES = {**settings.STORAGES, "default": storages["default"], "protected": storages["protected"]}
        yield s3


def _object_keys(s3) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket="portal-media").get("Contents", [])]


@pytest.mark.django_db
def test_with_object_storage_attachments_are_reached_only_through_short_signed_addresses(reader, object_storage):
    import requests

    published = AttachmentFactory(file__filename="公开通知.pdf", file__data=PDF, name="公开通知.pdf")
    draft = AttachmentFactory(
        article=ArticleFactory(status=Article.Status.DRAFT, published_at=None),
        file__filename="内部通知.pdf", file__data=PDF, name="内部通知.pdf",
    )
    keys = _object_keys(object_storage)
    # Under the private prefix, not under media/ (the only prefix the bucket policy makes public).
    assert {published.file.name, draft.file.name} <= {key.removeprefix("protected/") for key in keys}
    assert all(key.startswith("protected/attachments/") for key in keys)

    response = reader.get(f"/news/attachments/{published.pk}/")
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    address = urlsplit(response["Location"])
    query = parse_qs(address.query)
    assert unquote(address.path).endswith("/protected/" + published.file.name)
    assert "X-Amz-Signature" in query and query["X-Amz-Expires"] == ["3600"]
    assert query["response-content-disposition"][0].startswith("attachment;")
    downloaded = requests.get(response["Location"], timeout=10)
    assert downloaded.status_code == 200 and downloaded.content == PDF
    assert "filename*=utf-8''%E5%85%AC%E5%BC%80%E9%80%9A%E7%9F%A5.pdf" in downloaded.headers["Content-Disposition"]
    # Written private, whatever the bucket's own ACL says.
    acl = object_storage.get_object_acl(Bucket="portal-media", Key="protected/" + published.file.name)
    assert not [grant for grant in acl["Grants"] if grant["Grantee"].get("URI", "").endswith("AllUsers")]

    # An unpublished article's attachment: no address at all. Nor a file gone from the bucket.
    assert reader.get(f"/news/attachments/{draft.pk}/").status_code == 404
    object_storage.delete_object(Bucket="portal-media", Key="protected/" + published.file.name)
    assert reader.get(f"/news/attachments/{published.pk}/").status_code == 404


@pytest.mark.django_db
def test_with_object_storage_a_publication_pdf_opens_inline_and_photos_stay_public(reader, object_storage):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    publication = PublicationFactory()
    response = reader.get(publication.get_read_url())
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["response-content-disposition"][0].startswith("inline;")
    assert query["response-content-type"] == ["application/pdf"]
    # Photos and covers: public objects under media/ with a stable unsigned address.
    name = default_storage.save("photos/p.jpg", ContentFile(b"\xff\xd8\xff\xe0jpeg"))
    assert "media/" + name in _object_keys(object_storage)
    assert "X-Amz-Signature" not in default_storage.url(name)


@pytest.mark.django_db
def test_with_object_storage_an_editor_puts_a_photo_in_the_body(client, reader, object_storage):
    """The photo picker hands the editor the bucket's address of the photo: the body keeps it,
    and the public page serves it as a responsive picture from the bucket."""
    import html
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from django.utils import timezone

    from news.tests.roles import EDITOR, make_staff
    from news.tests.test_admin_workflow import form_data
    from news.tests.test_uploads import jpeg_bytes

    client.force_login(make_staff("editor", EDITOR))
    picked = client.post(
        reverse("admin:news_article_photo_picker"),
        {"image": SimpleUploadedFile("a.jpg", jpeg_bytes((1200, 800))), "alt": "走访农户", "caption": ""},
    )
    assert picked.status_code == 200
    address = html.unescape(re.search(r'data-url="([^"]+)"', picked.text)[1])
    assert address.startswith("https://portal-media.s3.amazonaws.com/media/photos/")

    body = f'<figure><img src="{address}" alt="走访农户"><figcaption>图注</figcaption></figure>'
    saved = client.post(reverse("admin:news_article_add"), form_data(title="有照片", body=body))
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    article = Article.objects.get(title="有照片")
    assert f'<img src="{address}" alt="走访农户">' in article.body  # kept, not dropped as a foreign image
    editing = client.get(reverse("admin:news_article_change", args=[article.pk])).text
    assert address in editing  # the editor shows it from the bucket

    # A bucket address of a photo that is not there, or of an attachment: refused.
    for missing in (address.replace("photos/", "photos/x"), address.split("/media/")[0] + "/media/attachments/a.pdf"):
        refused = client.post(reverse("admin:news_article_add"), form_data(title="缺图", body=body.replace(address, missing)))
        assert "找不到" in " ".join(refused.context["adminform"].form.errors["body"])

    Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED, published_at=timezone.now())
    page = reader.get(article.get_absolute_url()).text
    assert "<picture>" in page and "https://portal-media.s3.amazonaws.com/media/photos/" in page
    assert 'alt="走访农户"' in page
