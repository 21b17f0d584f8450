"""Attachments and publication PDFs follow the publication rule, not their media address."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from news.models import Article
from news.publications import Publication
from news.tests.factories import ArticleFactory, AttachmentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%protected\n%%EOF\n"


@pytest.fixture
def draft_attachment():
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    return AttachmentFactory(article=article, file__filename="内部通知.pdf", file__data=PDF, name="内部通知.pdf")


@pytest.fixture
def published_attachment():
    return AttachmentFactory(file__filename="公开通知.pdf", file__data=PDF, name="公开通知.pdf")


def test_media_addresses_of_protected_files_are_404(reader, draft_attachment, published_attachment):
    for attachment in (draft_attachment, published_attachment):
        assert attachment.file.name.startswith("attachments/")
        response = reader.get("/media/" + attachment.file.name)
        assert response.status_code == 404
    pdf = default_storage.save("publications/pdf/abc/报告.pdf", ContentFile(PDF))
    assert reader.get("/media/" + pdf).status_code == 404


def test_images_are_still_served_from_media(reader):
    name = default_storage.save("photos/2026/11/a.gif", ContentFile(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
    assert reader.get("/media/" + name).status_code == 200


def test_attachments_only_of_published_articles(reader, draft_attachment, published_attachment):
    assert reader.get(reverse("news:attachment", args=[draft_attachment.pk])).status_code == 404
    response = reader.get(reverse("news:attachment", args=[published_attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_behind_nginx_the_view_answers_with_x_accel_redirect(reader, settings, draft_attachment, published_attachment):
    settings.MEDIA_ACCEL_REDIRECT = True
    response = reader.get(reverse("news:attachment", args=[published_attachment.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + quote(published_attachment.file.name)
    assert response["Content-Type"] == "application/pdf" and response.content == b""
    assert reader.get(reverse("news:attachment", args=[draft_attachment.pk])).status_code == 404


def test_publication_pdf_behind_nginx(reader, settings):
    from news.tests.factories import PublicationFactory

    settings.MEDIA_ACCEL_REDIRECT = True
    published = PublicationFactory()
    draft = PublicationFactory(status=Publication.Status.DRAFT, published_at=timezone.now() + timedelta(days=1))
    response = reader.get(reverse("publications:read", args=[published.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + quote(published.pdf.name)
    assert published.pdf.name.startswith("publications/pdf/")
    assert reader.get(reverse("publications:download", args=[draft.pk])).status_code == 404


def test_every_protected_file_field_saves_under_a_folder_that_nginx_and_django_refuse():
    """PROTECTED_PREFIXES and nginx's 404 locations are written out by hand: a new
    ProtectedFileField, or a changed upload_to, must land under one of them."""
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings

    from yanan_portal.protected_media import PROTECTED_PREFIXES, ProtectedFileField, is_protected

    nginx = (Path(settings.BASE_DIR) / "deploy" / "nginx" / "portal.conf").read_text()
    fields = [f for model in apps.get_models() for f in model._meta.fields if isinstance(f, ProtectedFileField)]
    assert {f"{f.model.__name__}.{f.name}" for f in fields} == {"Attachment.file", "Publication.pdf"}
    for field in fields:
        name = field.generate_filename(field.model(), "样例.pdf")
        assert is_protected(name), f"{field} saves to {name}, outside {PROTECTED_PREFIXES}"
    for prefix in PROTECTED_PREFIXES:
        assert re.search(rf"^\s*location /media/{re.escape(prefix)} {{ return 404; }}", nginx, re.M), prefix


def test_a_file_gone_from_the_folder_is_the_sites_404_not_an_empty_download(reader, settings, published_attachment):
    settings.MEDIA_ACCEL_REDIRECT = True  # behind nginx, which would send its own 404 as the download
    default_storage.delete(published_attachment.file.name)
    response = reader.get(reverse("news:attachment", args=[published_attachment.pk]))
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response
