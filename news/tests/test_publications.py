"""The publications library's rules: the publication rule grid, PDF checks, derived fields."""

import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from members.models import CountyBranch
from news.publication_selectors import search_publications
from news.publication_services import publish_publications, withdraw_publications
from news.publications import Publication, validate_pdf
from news.sitemaps_publications import PublicationPagesSitemap, PublicationSitemap

from .factories import MINIMAL_PDF, PublicationFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now
STATUSES = list(Publication.Status)
TIMES = {"past": timedelta(hours=-1), "future": timedelta(hours=1), "none": None}


def make(status, when, **kwargs):
    offset = TIMES[when]
    if status == Publication.Status.PUBLISHED and offset is None:
        pytest.skip("a published publication always has a time (database constraint)")
    return PublicationFactory(
        status=status, published_at=None if offset is None else NOW() + offset, title="《规则网格测试》", **kwargs
    )


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("when", TIMES)
def test_publication_rule_grid(reader, status, when):
    """Status × time × every public door: only published-and-due is visible anywhere."""
    county = CountyBranch.objects.get(slug="baota")
    publication = make(status, when, year=2023)
    publication.counties.add(county)
    visible = status == Publication.Status.PUBLISHED and when == "past"

    assert publication.is_published is visible
    assert Publication.objects.published().filter(pk=publication.pk).exists() is visible

    pages = [
        reverse("publications:index"),
        reverse("publications:index") + "?kind=magazine",
        reverse("publications:index") + "?county=baota",
        reverse("publications:shelf"),
        reverse("members:branch", kwargs={"slug": "baota"}),
    ]
    for url in pages:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert ("《规则网格测试》" in response.content.decode()) is visible, url

    year_page = reader.get(reverse("publications:year", kwargs={"year": 2023}))
    assert year_page.status_code == (200 if visible else 404)

    expected = 200 if visible else 404
    assert reader.get(publication.get_absolute_url()).status_code == expected
    assert reader.get(publication.get_read_url()).status_code == expected
    assert reader.get(publication.get_download_url()).status_code == expected

    assert (publication in list(PublicationSitemap().items())) is visible
    assert (publication in list(search_publications("规则网格"))) is visible


def test_sitemap_locations_and_pages():
    publication = PublicationFactory()
    sitemap = PublicationSitemap()
    assert sitemap.location(sitemap.items().get()) == publication.get_absolute_url()
    pages = PublicationPagesSitemap()
    assert [pages.location(item) for item in pages.items()] == [
        "/publications/", "/publications/magazine/", "/publications/archive/", f"/publications/archive/{publication.year}/"
    ]


def test_sitemap_lists_each_archive_year_with_something_published(client):
    PublicationFactory(year=2024)
    PublicationFactory(year=2024)
    PublicationFactory(year=2021)
    PublicationFactory(year=2019, status=Publication.Status.DRAFT)
    PublicationFactory(year=2018, published_at=timezone.now() + timedelta(days=1))  # scheduled
    locations = client.get("/sitemap-publication-pages.xml").content.decode()
    years = re.findall(r"/publications/archive/(\d{4})/</loc>", locations)
    assert years == ["2024", "2021"]
    for year in years:
        assert client.get(f"/publications/archive/{year}/").status_code == 200
    assert client.get("/publications/archive/2019/").status_code == 404
    assert client.get("/publications/archive/2018/").status_code == 404


def test_search_matches_every_word_in_title_toc_and_number():
    issue = PublicationFactory(title="《延安老区建设》总第63期", number=63, year=2024)
    issue.toc_entries.create(title="富硒苹果获奖", author="王某", page=3)
    PublicationFactory(title="《调研报告》第16卷", kind=Publication.Kind.COMPILATION, number=16, year=2023)
    assert list(search_publications("老区建设 63")) == [issue]
    assert list(search_publications("富硒苹果")) == [issue]
    assert list(search_publications("王某")) == [issue]
    assert list(search_publications("   ")) == []
    assert [p.title for p in search_publications("2023")] == ["《调研报告》第16卷"]


# --- PDF checks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"<!DOCTYPE html><html><body>not a pdf</body></html>", "这不是 PDF 文件"),
        ("report.pdf", b"", "文件是空的"),
        ("report.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", "PDF 文件不完整"),
        ("report.docx", MINIMAL_PDF, "只能上传 PDF 文件"),
    ],
)
def test_bad_pdf_is_refused_in_chinese(name, data, message):
    with pytest.raises(ValidationError) as error:
        validate_pdf(SimpleUploadedFile(name, data, content_type="application/pdf"))
    assert message in error.value.messages[0]


def test_good_pdf_passes_and_size_is_recorded():
    validate_pdf(SimpleUploadedFile("issue.PDF", MINIMAL_PDF))
    publication = PublicationFactory()
    assert publication.pdf_size == len(MINIMAL_PDF)
    assert Publication.objects.get(pk=publication.pk).pdf_size == len(MINIMAL_PDF)


def test_html_renamed_pdf_is_refused_by_the_admin_form(admin_client):
    upload = SimpleUploadedFile("期刊.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = admin_client.post(
        reverse("admin:news_publication_add"),
        {
            "kind": "magazine",
            "title": "《延安老区建设》上传测试",
            "year": "2024",
            "status": "draft",
            "publisher": "延安市老促会",
            "pdf": upload,
            "toc_entries-TOTAL_FORMS": "0",
            "toc_entries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "这不是 PDF 文件" in response.content.decode()
    assert not Publication.objects.exists()


def test_admin_saves_a_good_upload_with_cover_and_toc(admin_client):
    cover = io.BytesIO()
    Image.new("RGB", (600, 800), (200, 0, 0)).save(cover, format="PNG")
    response = admin_client.post(
        reverse("admin:news_publication_add"),
        {
            "kind": "magazine",
            "title": "《延安老区建设》总第64期",
            "number": "64",
            "year": "2025",
            "month": "3",
            "status": "published",
            "publisher": "延安市老促会",
            "pdf": SimpleUploadedFile("64.pdf", MINIMAL_PDF),
            "cover": SimpleUploadedFile("64.png", cover.getvalue()),
            "toc_entries-TOTAL_FORMS": "1",
            "toc_entries-INITIAL_FORMS": "0",
            "toc_entries-0-title": "卷首语",
            "toc_entries-0-author": "编辑部",
            "toc_entries-0-page": "1",
            "toc_entries-0-order": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    publication = Publication.objects.get()
    # Published without a time in the form: the time is now, so the rule's constraint holds.
    assert publication.is_published
    assert publication.pdf_size == len(MINIMAL_PDF)
    assert publication.cover_thumb_width == 320 and publication.cover_thumb_height == 427
    assert publication.toc_entries.get().title == "卷首语"


def test_thumbnail_follows_a_new_cover():
    def png(colour):
        buffer = io.BytesIO()
        Image.new("RGB", (400, 400), colour).save(buffer, format="PNG")
        return ContentFile(buffer.getvalue(), name="cover.png")

    publication = PublicationFactory(cover=png("red"))
    first = publication.cover_thumb.name
    publication.save()
    assert publication.cover_thumb.name == first  # not regenerated on every save
    publication.cover = png("blue")
    publication.save()
    assert publication.cover_thumb.name != first
    publication.cover = None
    publication.save()
    assert not publication.cover_thumb


def test_month_and_published_time_are_database_constraints():
    with pytest.raises(IntegrityError):
        PublicationFactory(month=13)


def test_published_without_time_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        PublicationFactory(published_at=None)


def test_labels():
    issue = PublicationFactory.build(number=63, year=2024, month=12, title="《延安老区建设》总第63期")
    volume = PublicationFactory.build(kind=Publication.Kind.COMPILATION, number=16, month=None, year=2023)
    assert issue.number_label == "总第 63 期"
    assert volume.number_label == "第 16 卷"
    assert issue.date_label == "2024年12月" and volume.date_label == "2023年"
    assert issue.pdf_filename == "延安老区建设总第63期.pdf"
    assert issue.alt_text == "《延安老区建设》总第63期 封面"


def test_publish_and_withdraw_services_keep_the_first_time():
    earlier = NOW() - timedelta(days=3)
    draft = PublicationFactory(status=Publication.Status.DRAFT, published_at=None)
    withdrawn = PublicationFactory(status=Publication.Status.WITHDRAWN, published_at=earlier)
    assert publish_publications(queryset=Publication.objects.all()) == 2
    draft.refresh_from_db()
    withdrawn.refresh_from_db()
    assert draft.is_published and withdrawn.published_at == earlier and withdrawn.is_published
    assert withdraw_publications(queryset=Publication.objects.filter(pk=draft.pk)) == 1
    assert not Publication.objects.published().filter(pk=draft.pk).exists()


def test_demo_is_idempotent_and_keeps_staff_edits(settings):
    from news import demo_publications
    from news.publications import PublicationStat

    counties = {c.slug: c for c in CountyBranch.objects.all()}
    demo_publications.load(counties, {})
    count = Publication.objects.count()
    assert count >= 12
    issue = Publication.objects.get(title="《延安老区建设》总第63期")
    assert issue.is_sample and issue.is_published and issue.pdf_size > 0
    with issue.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]
    issue.summary = "工作人员改过的简介"
    issue.save()
    PublicationStat.objects.filter(key="magazine-issues").update(value=64)
    demo_publications.load(counties, {})
    assert Publication.objects.count() == count
    assert Publication.objects.get(pk=issue.pk).summary == "工作人员改过的简介"
    assert PublicationStat.objects.get(key="magazine-issues").value == 64
    titles = set(Publication.objects.values_list("title", flat=True))
    for survey in [
        "《革命老区县域(乡村)基本公共服务设施建设情况报告》",
        "《延安市革命老区乡村振兴领域有关政策执行情况及效果分析报告》",
        "《延安红色资源保护利用和巩固脱贫成果工作报告》",
        "《陕北小杂粮生产发展的现状与对策》",
        "《延安市富硒农业示范推广情况调研》",
    ]:
        assert survey in titles


def test_admin_pages_render_and_actions_publish_and_withdraw(admin_client):
    from .factories import PublicationStatFactory, TableOfContentsEntryFactory

    draft = PublicationFactory(status=Publication.Status.DRAFT, published_at=None, title="《草稿期刊》")
    TableOfContentsEntryFactory(publication=draft, title="卷首语")
    PublicationStatFactory()
    changelist = admin_client.get(reverse("admin:news_publication_changelist"))
    assert changelist.status_code == 200 and "《草稿期刊》" in changelist.content.decode()
    change = admin_client.get(reverse("admin:news_publication_change", args=[draft.pk]))
    assert change.status_code == 200 and "卷首语" in change.content.decode()
    stats = admin_client.get(reverse("admin:news_publicationstat_changelist"))
    assert "《延安老区建设》已出版" in stats.content.decode()

    url = reverse("admin:news_publication_changelist")
    admin_client.post(url, {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published
    admin_client.post(url, {"action": "withdraw", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Publication.Status.WITHDRAWN
