"""Sharing cards and structured data on the article page."""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from news.tests.factories import ArticleFactory

SITE = "https://www.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def jsonld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def meta(html: str, prop: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)">', html)
    return found.group(1) if found else None


@pytest.mark.django_db
def test_article_page_has_title_description_canonical_and_open_graph(reader):
    article = ArticleFactory(title="富硒苹果获奖", summary="三个产品获评中国富硒好产品。", author="李四")
    html = reader.get(article.get_absolute_url()).content.decode()
    url = f"{SITE}{article.get_absolute_url()}"
    assert "<title>富硒苹果获奖 - 延安市老促会</title>" in html
    assert '<meta name="description" content="三个产品获评中国富硒好产品。">' in html
    assert f'<link rel="canonical" href="{url}">' in html
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == "富硒苹果获奖"
    assert meta(html, "og:description") == "三个产品获评中国富硒好产品。"
    assert meta(html, "og:url") == url
    published = timezone.localtime(article.published_at)
    assert meta(html, "article:published_time").startswith(published.strftime("%Y-%m-%dT%H:%M:%S"))
    assert meta(html, "article:published_time").endswith("+08:00")
    assert meta(html, "og:image") is None  # no cover, no image tag
    data = jsonld(html)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "富硒苹果获奖"
    assert data["url"] == url and data["mainEntityOfPage"]["@id"] == url
    assert data["datePublished"].endswith("+08:00")
    assert data["datePublished"] == meta(html, "article:published_time")  # one spelling of the time
    assert data["author"] == {"@type": "Person", "name": "李四"}
    assert data["publisher"]["name"] == "延安市老区建设促进会"


@pytest.mark.django_db
def test_cover_becomes_the_share_image(reader):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    cover = SimpleUploadedFile("cover.jpg", buffer.getvalue(), content_type="image/jpeg")
    article = ArticleFactory(cover=cover, cover_alt="获奖的苹果")
    html = reader.get(article.get_absolute_url()).content.decode()
    image = f"{SITE}{article.cover.url}"
    assert meta(html, "og:image") == image
    assert meta(html, "og:image:alt") == "获奖的苹果"
    assert jsonld(html)["image"] == [image]


@pytest.mark.django_db
def test_jsonld_cannot_break_out_of_its_script_element(reader):
    article = ArticleFactory(title='</script><script>alert(1)</script>"&', summary="<!-- x -->")
    html = reader.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    data = jsonld(html)
    assert data["headline"] == '</script><script>alert(1)</script>"&'
    assert data["description"] == "<!-- x -->"
    assert meta(html, "og:title") == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;"


@pytest.mark.django_db
def test_jsonld_is_a_data_block_without_a_nonce(reader):
    # Data blocks are never executed, so CSP does not need to allow them; a nonce would
    # make every article page unique and defeat the page cache.
    article = ArticleFactory()
    html = reader.get(article.get_absolute_url()).content.decode()
    assert '<script type="application/ld+json">' in html
    assert "nonce=" not in html


@pytest.mark.django_db
def test_a_pipeline_cover_shares_its_jpeg_rendition(reader):
    from yanan_portal import images

    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1200), "red").save(buffer, "JPEG")
    stored = images.store_image(SimpleUploadedFile("cover.jpg", buffer.getvalue(), content_type="image/jpeg"), folder="covers")
    article = ArticleFactory(cover_alt="封面")
    article.cover = stored.name
    article.save()
    html = reader.get(article.get_absolute_url()).content.decode()
    stem = stored.name.rsplit(".", 1)[0]
    # Not the 2000 px master nor WebP: the largest JPEG rendition a card needs.
    assert meta(html, "og:image") == f"{SITE}/media/{stem}-960.jpg"
    assert jsonld(html)["image"] == [f"{SITE}/media/{stem}-960.jpg"]
