"""Public pages of the publications library: content, filters, bad input, query counts."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from members.models import CountyBranch
from news.publication_views import PublicationIndexView
from news.publications import Publication
from projects.models import Programme

from .factories import ArticleFactory, MINIMAL_PDF, PublicationFactory, PublicationStatFactory, TableOfContentsEntryFactory

pytestmark = pytest.mark.django_db

INDEX = "/publications/"


@pytest.fixture
def programme():
    return Programme.objects.create(name="富硒功能农业", slug="selenium")


@pytest.fixture
def library(programme):
    baota = CountyBranch.objects.get(slug="baota")
    issue = PublicationFactory(title="《延安老区建设》总第63期", number=63, year=2024, month=12)
    report = PublicationFactory(
        kind=Publication.Kind.REPORT, title="《陕北小杂粮生产发展的现状与对策》", number=None, year=2022, rating="优秀调研报告"
    )
    report.programmes.add(programme)
    history = PublicationFactory(kind=Publication.Kind.COUNTY_HISTORY, title="《革命老区县发展史·宝塔区卷》", number=None, year=2021)
    history.counties.add(baota)
    PublicationStatFactory()
    return {"issue": issue, "report": report, "history": history}


def text(response) -> str:
    return response.content.decode()


def test_index_shows_sections_by_kind_and_the_figures_from_the_database(reader, library):
    response = reader.get(INDEX)
    assert response.status_code == 200
    html = text(response)
    assert html.count("<h1") == 1 and "<h1>出版物</h1>" in html
    # Sections in the order of the kinds, each with its newest items.
    assert html.index('id="kind-magazine"') < html.index('id="kind-report"') < html.index('id="kind-county-history"')
    assert 'id="kind-compilation"' not in html  # no empty sections
    for publication in library.values():
        assert publication.title in html and publication.get_absolute_url() in html
    assert "<strong>63</strong>期" in html and "《延安老区建设》已出版" in html
    assert "优秀调研报告" in html
    # The figure is data: staff change it, the page follows.
    from news.publications import PublicationStat

    PublicationStat.objects.filter(key="magazine-issues").update(value=64)
    assert "<strong>64</strong>期" in text(reader.get(INDEX))


def test_index_sections_are_newest_first_and_capped(reader):
    for number in range(1, 9):
        PublicationFactory(title=f"《延安老区建设》总第{number}期", number=number, year=2015 + number)
    html = text(reader.get(INDEX))
    assert html.index("总第8期") < html.index("总第7期") < html.index("总第3期")
    assert "总第2期" not in html  # six per section; the rest behind “查看全部”
    assert "查看全部 8 种期刊" in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?kind=report", ["小杂粮"], ["总第63期", "宝塔区卷"]),
        ("?year=2024", ["总第63期"], ["小杂粮", "宝塔区卷"]),
        ("?county=baota", ["宝塔区卷"], ["总第63期", "小杂粮"]),
        ("?programme=selenium", ["小杂粮"], ["总第63期", "宝塔区卷"]),
        ("?kind=magazine&year=2022", [], ["总第63期", "小杂粮"]),
    ],
)
def test_filters(reader, library, query, shown, hidden):
    response = reader.get(INDEX + query)
    assert response.status_code == 200
    html = text(response)
    for title in shown:
        assert title in html
    for title in hidden:
        assert title not in html
    assert 'aria-current="true"' in html


@pytest.mark.parametrize(
    "query",
    [
        "?kind=unknown",
        "?kind=<script>",
        "?year=abc",
        "?year=99999",
        "?year=-1",
        "?county=atlantis",
        "?programme=nope",
        "?kind=magazine&page=-1",
        "?kind=magazine&page=abc",
        "?kind=magazine&page=999",
        "?kind=magazine&page=0",
    ],
)
def test_bad_filters_are_404_never_500(reader, library, query):
    response = reader.get(INDEX + query)
    assert response.status_code == 404
    assert "页面" in text(response)  # the Chinese 404 page


@pytest.mark.parametrize("query", ["?page=-1", "?page=abc", "?kind=", "?year=", "?foo=bar"])
def test_meaningless_parameters_on_the_overview_show_the_unfiltered_list(reader, library, query):
    response = reader.get(INDEX + query)
    assert response.status_code == 200
    assert library["issue"].title in text(response) and library["history"].title in text(response)


def test_kind_list_paginates(reader, monkeypatch):
    monkeypatch.setattr(PublicationIndexView, "page_size", 2)
    for number in range(1, 6):
        PublicationFactory(title=f"《延安老区建设》总第{number}期", number=number, year=2020)
    first = text(reader.get(INDEX + "?kind=magazine"))
    assert "总第5期" in first and "总第4期" in first and "总第3期" not in first
    assert "第 1 / 3 页" in first and "?kind=magazine&amp;page=2" in first
    last = text(reader.get(INDEX + "?kind=magazine&page=3"))
    assert "总第1期" in last and "总第5期" not in last


def _pin_queries(reader, django_assert_num_queries, url, expected, grow):
    # Counted with the footer's cache cold (members' footer adds its queries then).
    cache.clear()
    with django_assert_num_queries(expected):
        assert reader.get(url).status_code == 200
    grow()
    cache.clear()
    with django_assert_num_queries(expected):
        assert reader.get(url).status_code == 200


# Queries: navigation channels, footer, stats, years, counties, programmes, sections, totals.
INDEX_QUERIES = 8


def test_index_query_count_does_not_grow(reader, library, django_assert_num_queries):
    def grow():
        for number in range(20):
            p = PublicationFactory(kind=Publication.Kind.REPORT, number=None, year=2000 + number)
            p.counties.add(CountyBranch.objects.first())

    _pin_queries(reader, django_assert_num_queries, INDEX, INDEX_QUERIES, grow)
    _pin_queries(reader, django_assert_num_queries, INDEX + "?county=baota", INDEX_QUERIES, grow)


def test_kind_list_query_count_does_not_grow(reader, library, django_assert_num_queries):
    # navigation, stats, years, counties, programmes, count, page
    _pin_queries(
        reader, django_assert_num_queries, INDEX + "?kind=magazine", 8,
        lambda: PublicationFactory.create_batch(15, year=2019),
    )


def test_shelf_shows_covers_with_alt_text(reader, library, django_assert_num_queries):
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (600, 800), "red").save(buffer, format="JPEG")
    issue = library["issue"]
    issue.cover = ContentFile(buffer.getvalue(), name="63.jpg")
    issue.cover_alt = "《延安老区建设》总第63期封面:红色底,刊名竖排"
    issue.save()
    response = reader.get(reverse("publications:shelf"))
    html = text(response)
    assert f'src="{issue.cover_thumb.url}" alt="《延安老区建设》总第63期封面:红色底,刊名竖排" width="320" height="427"' in html
    assert library["report"].title not in html  # the shelf is the magazine only
    assert reverse("publications:index") + "?kind=magazine" in html  # and its list view
    # navigation, stats, count, page
    _pin_queries(reader, django_assert_num_queries, reverse("publications:shelf"), 5,
                 lambda: PublicationFactory.create_batch(10))


def test_detail_page(reader, library, django_assert_num_queries):
    issue = library["issue"]
    issue.counties.add(CountyBranch.objects.get(slug="yanchuan"))
    public_article = ArticleFactory(title="富硒苹果获评中国富硒好产品")
    draft_article = ArticleFactory(title="草稿文章", status="draft", published_at=None)
    TableOfContentsEntryFactory(publication=issue, title="富硒苹果获奖", author="本刊编辑部", page=3, article=public_article, order=1)
    TableOfContentsEntryFactory(publication=issue, title="未发布的篇目", page=9, article=draft_article, order=2)
    TableOfContentsEntryFactory(publication=issue, title="卷首语", page=1, order=0)
    issue.related_articles.add(draft_article)
    sibling = PublicationFactory(title="《延安老区建设》总第62期", number=62)

    response = reader.get(issue.get_absolute_url())
    html = text(response)
    assert html.count("<h1") == 1 and "总第63期</h1>" in html
    assert "总第 63 期" in html and "2024年12月" in html and "延川县" in html
    assert html.index("卷首语") < html.index("富硒苹果获奖") < html.index("未发布的篇目")
    assert '<th scope="col">页码</th>' in html
    assert f'href="{public_article.get_absolute_url()}">富硒苹果获奖</a>' in html
    assert f'href="{draft_article.get_absolute_url()}"' not in html  # a draft is never linked
    assert "草稿文章" not in html
    assert public_article.title in html  # related through the table of contents
    assert sibling.title in html  # related publication of the same kind
    assert f'href="{issue.get_read_url()}"' in html
    assert f'href="{issue.get_download_url()}" download="延安老区建设总第63期.pdf"' in html
    assert f"下载 PDF<span class=\"file-size\">({len(MINIMAL_PDF)}\xa0字节)" in html

    # navigation, publication, counties, programmes, toc, related articles, related publications
    def grow():
        for n in range(10):
            TableOfContentsEntryFactory(publication=issue, article=ArticleFactory())
            PublicationFactory(year=2010 + n).counties.add(CountyBranch.objects.get(slug="yanchuan"))

    _pin_queries(reader, django_assert_num_queries, issue.get_absolute_url(), 8, grow)


def test_detail_without_pdf_says_so(reader):
    publication = PublicationFactory(pdf=None)
    html = text(reader.get(publication.get_absolute_url()))
    assert "暂无电子版" in html and "下载 PDF" not in html
    assert reader.get(publication.get_download_url()).status_code == 404


def test_detail_names_only_programmes_shown_on_the_site(reader, library, programme):
    hidden = Programme.objects.create(name="尚未公开的试点项目", slug="pilot", is_active=False)
    report = library["report"]
    report.programmes.add(hidden)
    html = text(reader.get(report.get_absolute_url()))
    assert "相关项目" in html and f"?programme={programme.slug}" in html and programme.name in html
    assert "尚未公开的试点项目" not in html and "?programme=pilot" not in html
    programme.is_active = False
    programme.save()
    html = text(reader.get(report.get_absolute_url()))
    assert "相关项目" not in html and programme.name not in html


def test_pdf_is_served_as_pdf_inline_and_as_download(reader, library):
    issue = library["issue"]
    read = reader.get(issue.get_read_url())
    assert read.status_code == 200
    assert read["Content-Type"] == "application/pdf"
    assert read["Content-Disposition"].startswith("inline;")
    assert b"".join(read.streaming_content) == MINIMAL_PDF
    download = reader.get(issue.get_download_url())
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "%E5%BB%B6%E5%AE%89" in download["Content-Disposition"]  # 延安…, UTF-8 file name
    assert download["X-Content-Type-Options"] == "nosniff"


def test_pdf_missing_from_storage_is_404(reader, library):
    issue = library["issue"]
    issue.pdf.storage.delete(issue.pdf.name)
    assert reader.get(issue.get_download_url()).status_code == 404


@pytest.mark.parametrize("url", ["/publications/0/", "/publications/9999999999999999999999/", "/publications/abc/",
                                 "/publications/archive/1800/", "/publications/archive/20245/", "/publications/1/download/x"])
def test_bad_addresses_are_404(reader, url):
    assert reader.get(url).status_code == 404


def test_year_archive_groups_by_kind(reader, library, django_assert_num_queries):
    PublicationFactory(kind=Publication.Kind.REPORT, title="《2024年的报告》", number=None, year=2024)
    response = reader.get(reverse("publications:year", kwargs={"year": 2024}))
    html = text(response)
    assert "<h1>2024年出版物</h1>" in html
    assert html.index("<h2") < html.index("期刊") < html.index("调研报告") < html.index("《2024年的报告》")
    assert "小杂粮" not in html
    assert 'href="/publications/archive/2022/"' in html
    _pin_queries(reader, django_assert_num_queries, reverse("publications:year", kwargs={"year": 2024}), 4,
                 lambda: PublicationFactory.create_batch(5, year=2024))
    archive = text(reader.get(reverse("publications:archive")))
    assert "2024年" in archive and "2021年" in archive


def test_county_and_programme_pages_list_their_publications(reader, library, programme):
    county_page = text(reader.get(reverse("members:branch", kwargs={"slug": "baota"})))
    assert "相关出版物" in county_page and library["history"].title in county_page
    assert "/publications/?county=baota" in county_page
    programme_page = text(reader.get(reverse("projects:programme", kwargs={"slug": "selenium"})))
    assert library["report"].title in programme_page and library["issue"].title not in programme_page
    empty = text(reader.get(reverse("members:branch", kwargs={"slug": "wuqi"})))
    assert "相关出版物" not in empty


def test_home_and_navigation_link_to_the_library(reader):
    html = text(reader.get("/"))
    assert html.count('href="/publications/"') >= 3  # two navigation menus and 更多栏目
    nav = text(reader.get(INDEX))
    assert 'href="/publications/" aria-current="page">出版物' in nav


def test_scheduled_publication_appears_when_its_time_comes(reader, time_machine):
    publication = PublicationFactory(published_at=timezone.now() + timedelta(days=1), title="《定时发布的期刊》")
    assert reader.get(publication.get_absolute_url()).status_code == 404
    time_machine.move_to(timezone.now() + timedelta(days=2))
    assert reader.get(publication.get_absolute_url()).status_code == 200
    assert "《定时发布的期刊》" in text(reader.get(reverse("publications:shelf")))


def test_missing_month_and_number_sort_after_known_ones_on_every_database(reader):
    PublicationFactory(title="《无月份》", month=None, number=None, year=2024)
    PublicationFactory(title="《十二月》", month=12, number=5, year=2024)
    PublicationFactory(title="《一月》", month=1, number=None, year=2024)
    PublicationFactory(title="《去年》", month=12, number=9, year=2023)
    html = text(reader.get(INDEX + "?kind=magazine"))
    assert html.index("《十二月》") < html.index("《一月》") < html.index("《无月份》") < html.index("《去年》")
    overview = text(reader.get(INDEX))
    assert overview.index("《十二月》") < overview.index("《一月》") < overview.index("《无月份》") < overview.index("《去年》")


def test_admin_links_the_current_pdf_and_attachment_through_the_views_that_let_staff_in(reader, settings):
    """Their media addresses answer 404 to everyone (protected_media), so the admin's
    "目前:" link went nowhere; it now goes to the checking view, which lets staff in."""
    from django.test import Client

    from news.models import Article
    from news.tests.factories import AttachmentFactory
    from news.tests.roles import ADMINISTRATOR, make_staff

    draft_issue = PublicationFactory(status=Publication.Status.DRAFT, published_at=None)
    draft_article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    attachment = AttachmentFactory(article=draft_article)
    client = Client()
    client.force_login(make_staff("admin", ADMINISTRATOR))

    admin = f"/{settings.ADMIN_URL}"
    html = client.get(f"{admin}news/publication/{draft_issue.pk}/change/").content.decode()
    assert f'href="{draft_issue.get_read_url()}"' in html and "/media/publications/pdf/" not in html
    html = client.get(f"{admin}news/article/{draft_article.pk}/change/").content.decode()
    assert f'href="{attachment.get_absolute_url()}"' in html and "/media/attachments/" not in html

    # Staff open them, and no cache may keep them; readers still get 404 while they are unpublished.
    pdf = client.get(draft_issue.get_read_url())
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "private, no-store"
    staff_copy = client.get(attachment.get_absolute_url())
    assert staff_copy.status_code == 200 and staff_copy["Cache-Control"] == "private, no-store"
    assert reader.get(draft_issue.get_read_url()).status_code == 404
    assert reader.get(draft_issue.get_download_url()).status_code == 404
    assert reader.get(attachment.get_absolute_url()).status_code == 404


def test_a_read_only_attachment_links_the_checking_view_too(reader, settings):
    """An editor sees a published article read-only: Django's own read-only display linked
    the attachment's media address, a 404."""
    from django.test import Client

    from news.tests.factories import AttachmentFactory
    from news.tests.roles import EDITOR, make_staff

    attachment = AttachmentFactory()  # of a published article, which an editor may not change
    editor = Client()
    editor.force_login(make_staff("editor", EDITOR))
    html = editor.get(f"/{settings.ADMIN_URL}news/article/{attachment.article.pk}/change/").content.decode()
    assert f'<a href="{attachment.get_absolute_url()}">' in html and "/media/attachments/" not in html
    published = reader.get(attachment.get_absolute_url())
    assert published.status_code == 200 and "private" not in published.get("Cache-Control", "")
