import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from members.models import CountyBranch
from news.models import Article
from news.tests.factories import ArticleFactory
from projects import demo, selectors
from projects.models import Figure, ReadingRoom

from .factories import (
    AwardFactory,
    FigureFactory,
    KeyVillageFactory,
    MilestoneFactory,
    ProgrammeFactory,
    ReadingRoomFactory,
    county,
)

pytestmark = pytest.mark.django_db

# Pinned query counts (anonymous reader): navigation channels + the page's own reads.
INDEX_QUERIES = 4  # navigation, footer, programmes, latest figures
SOURCE_QUERIES = 1  # the headline figures' source articles, when any names one
PROGRAMME_QUERIES = 11  # partner units, footer, navigation, programme, figures, milestones, rooms, villages, awards, articles, publications
COUNTY_BLOCK_QUERIES = 3  # rooms, villages, awards


@pytest.fixture
def seafarers():
    programme = ProgrammeFactory(slug="seafarers", name="延安海员培训", headline_measure="累计培训海员")
    FigureFactory(programme=programme, year=2021, value=5200, is_sample=True, source_text="")
    FigureFactory(programme=programme, year=2024, value=6000, at_least=True)
    FigureFactory(programme=programme, measure="就业率", unit="%", year=2024, value=100, is_cumulative=False)
    return programme


def _more_rows(programme, n: int, offset: int = 0):
    for i in range(n):
        FigureFactory(programme=programme, measure=f"指标{offset + i}", year=2024)
        MilestoneFactory(programme=programme)
        ReadingRoomFactory(programme=programme, county=county(["ansai", "wuqi", "fuxian"][i % 3]))
        KeyVillageFactory(programme=programme)
        AwardFactory(programme=programme, year=2020 + i)
        ArticleFactory().programmes.add(programme)


# --- index ------------------------------------------------------------------------------

def test_index_shows_each_programme_with_its_latest_headline_figure(reader, seafarers):
    other = ProgrammeFactory(name="富硒功能农业", slug="selenium")
    FigureFactory(programme=other, measure="示范面积", unit="亩", year=2018, value=150)
    FigureFactory(programme=other, measure="示范面积", unit="亩", year=2024, value=14000)
    ProgrammeFactory(name="没有数据的项目", slug="empty")
    ProgrammeFactory(name="已停用项目", slug="hidden", is_active=False)

    response = reader.get(reverse("projects:programme-list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1>") == 1
    assert "累计培训海员" in html and "6,000+" in html and "截至2024年" in html
    assert "5,200" not in html  # an older (sample) figure is not the headline
    assert "示范面积" in html and "14,000" in html and "150<" not in html
    assert "没有数据的项目" in html and "暂无数据" in html
    assert "已停用项目" not in html
    assert "来源:测试来源" in html


def test_index_query_count_does_not_grow_with_rows(reader, seafarers, django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(INDEX_QUERIES):
        reader.get(reverse("projects:programme-list"))
    _more_rows(seafarers, 5)
    for n in range(3):
        _more_rows(ProgrammeFactory(), 3, offset=10 * n)
    cache.clear()
    with django_assert_num_queries(INDEX_QUERIES):
        response = reader.get(reverse("projects:programme-list"))
    assert response.content.decode().count('class="programme-card"') == 4


def test_cards_link_a_published_source_article_only_and_read_sources_in_one_query(
    reader, seafarers, django_assert_num_queries
):
    published = ArticleFactory(title="海员座谈会报道")
    Figure.objects.filter(programme=seafarers, year=2024, measure="累计培训海员").update(source_article=published)
    cache.clear()
    with django_assert_num_queries(INDEX_QUERIES + SOURCE_QUERIES):
        index = reader.get(reverse("projects:programme-list")).content.decode()
    home = reader.get(reverse("home")).content.decode()
    for html in (index, home):
        assert f'来源:<a href="{published.get_absolute_url()}">海员座谈会报道</a>' in html

    # More programmes whose headline figures name sources: still one query for all of them,
    # and a draft or scheduled source is never linked (the text source shows instead).
    draft = ArticleFactory(title="草稿来源", status=Article.Status.DRAFT, published_at=None)
    scheduled = ArticleFactory(title="定时来源", published_at=timezone.now() + timedelta(days=1))
    for source in (draft, scheduled, ArticleFactory(title="另一篇来源")):
        FigureFactory(programme=ProgrammeFactory(), year=2024, source_article=source)
    cache.clear()
    with django_assert_num_queries(INDEX_QUERIES + SOURCE_QUERIES):
        index = reader.get(reverse("projects:programme-list")).content.decode()
    home = reader.get(reverse("home")).content.decode()
    other = Article.objects.get(title="另一篇来源")
    for html in (index, home):
        assert "海员座谈会报道" in html and f'来源:<a href="{other.get_absolute_url()}">另一篇来源</a>' in html
        assert "草稿来源" not in html and "定时来源" not in html
        assert html.count("来源:测试来源") == 2


# --- programme page ------------------------------------------------------------------------

def test_programme_page_shows_figures_with_source_and_date_chart_and_table(reader, seafarers):
    source = ArticleFactory(title="座谈会报道")
    Figure.objects.filter(programme=seafarers, year=2024, measure="累计培训海员").update(source_article=source)
    MilestoneFactory(programme=seafarers, year=2007, title="海员培训项目启动", text="与天津海事局合作。")
    MilestoneFactory(programme=seafarers, year=2023, month=10, title="签署合作协议", article=source)
    seafarers.partners = "天津海事局\n延安职业技术学院"
    seafarers.start_year = 2007
    seafarers.save()

    response = reader.get(seafarers.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1>") == 1
    # Headline figures with their date and source (a link to the published article).
    assert "6,000+" in html and "截至2024年" in html
    assert f'来源:<a href="{source.get_absolute_url()}">座谈会报道</a>' in html
    # One chart per measure: a line for the cumulative total, a bar for the rate.
    assert html.count('<svg class="chart ') == 2
    assert 'class="chart chart-line"' in html and 'class="chart chart-bar"' in html
    assert html.count('class="chart-point') == 2
    # The same data as a table, the sample row marked.
    assert "累计培训海员历年数据表" in html
    assert re.search(r'<th scope="row">2021年</th>\s*<td data-label="数值">', html)
    assert "示例" in html and "标注“示例”" in html
    # The note describes the marks the chart draws: hollow points, dashed lines, no value.
    note = re.search(r'<p class="sample-note">(.*?)</p>', html).group(1)
    assert "空心的点" in note and "虚线" in note and "*" not in note
    assert 'class="chart-point is-sample"' in html and 'class="chart-line is-sample"' in html
    # Timeline, partners, start year.
    assert '<time datetime="2023-10">2023年10月</time>' in html
    assert "相关报道:座谈会报道" in html
    assert "<li>天津海事局</li>" in html and "项目开始于 2007 年" in html


def test_unpublished_articles_never_leak_through_sources_milestones_or_related(reader, seafarers):
    draft = ArticleFactory(title="草稿文章", status=Article.Status.DRAFT, published_at=None)
    scheduled = ArticleFactory(title="定时文章", published_at=timezone.now() + timedelta(days=1))
    Figure.objects.filter(programme=seafarers).update(source_article=draft)
    MilestoneFactory(programme=seafarers, article=scheduled)
    draft.programmes.add(seafarers)
    scheduled.programmes.add(seafarers)
    ArticleFactory(title="已发布的相关文章").programmes.add(seafarers)

    html = reader.get(seafarers.get_absolute_url()).content.decode()

    assert "草稿文章" not in html and "定时文章" not in html
    assert "已发布的相关文章" in html
    assert "来源:测试来源" in html  # the text source stands in for the hidden article


def test_programme_without_figures_says_no_data(reader):
    programme = ProgrammeFactory()
    html = reader.get(programme.get_absolute_url()).content.decode()
    assert "<svg" not in html
    assert '<p class="chart-empty">暂无数据</p>' in html


def test_programme_page_query_count_does_not_grow_with_rows(reader, seafarers, django_assert_num_queries):
    url = seafarers.get_absolute_url()
    cache.clear()
    with django_assert_num_queries(PROGRAMME_QUERIES):
        reader.get(url)
    _more_rows(seafarers, 6)
    cache.clear()
    with django_assert_num_queries(PROGRAMME_QUERIES):
        response = reader.get(url)
    html = response.content.decode()
    assert html.count('<svg class="chart ') == 8
    assert html.count('<ol class="timeline">') == 1


@pytest.mark.parametrize("path", ["/programmes/unknown/", "/programmes/UPPER/", "/programmes/%E6%B5%B7/", "/programmes/a.b/"])
def test_unknown_or_malformed_slug_is_404(reader, seafarers, path):
    response = reader.get(path)
    assert response.status_code == 404


def test_inactive_programme_is_404(reader):
    programme = ProgrammeFactory(is_active=False)
    assert reader.get(programme.get_absolute_url()).status_code == 404


# --- reading rooms, villages, awards ------------------------------------------------------------

def test_reading_room_counts_by_county_add_up_to_the_total_and_the_bar(reader):
    programme = ProgrammeFactory(slug="reading-rooms", goal=10, goal_label="计划建成10个")
    for slug, kind in [("baota", "rural"), ("baota", "campus"), ("baota", "rural"), ("wuqi", "campus")]:
        ReadingRoomFactory(programme=programme, county=county(slug), kind=kind)
    ReadingRoomFactory(programme=programme, county=county("fuxian"), status=ReadingRoom.Status.PLANNED, name="筹建书社")

    response = reader.get(programme.get_absolute_url())
    html = response.content.decode()
    summary = response.context["page"].rooms

    assert [(r.county.slug, r.rural, r.campus, r.total) for r in summary.by_county] == [
        ("baota", 2, 1, 3),
        ("wuqi", 0, 1, 1),
    ]
    assert sum(r.total for r in summary.by_county) == summary.launched == 4
    assert '<progress id="rooms-progress" class="progress" max="10" value="4">4 / 10</progress>' in html
    assert '<td data-label="合计" class="rooms-total">4</td>' in html
    assert "完成 40%" in html
    assert "筹建书社" in html and "筹建中" in html  # listed but not counted


def test_demo_data_shows_35_of_100_reading_rooms_in_13_counties(reader):
    counties = {c.slug: c for c in CountyBranch.objects.all()}
    programmes = demo.load()
    demo.load_details(counties)

    response = reader.get(programmes["reading-rooms"].get_absolute_url())
    html = response.content.decode()
    summary = response.context["page"].rooms

    assert '<progress id="rooms-progress" class="progress" max="100" value="35">35 / 100</progress>' in html
    assert "已启动 <strong>35</strong> 个 / 目标 100 个" in html
    assert len(summary.by_county) == 13
    assert sum(r.total for r in summary.by_county) == summary.rural + summary.campus == 35
    assert '<td data-label="合计" class="rooms-total">35</td>' in html
    # The headline figure (from the Figure table) agrees with the rows.
    assert selectors.programme_cards()[2].headline.value == 35


def test_villages_by_county_and_awards_by_year(reader):
    villages = ProgrammeFactory(slug="ten-towns")
    KeyVillageFactory(programme=villages, county=county("wuqi"), name="吴起村", story="中央红军长征落脚点")
    KeyVillageFactory(programme=villages, county=county("baota"), name="宝塔村", sites_restored="旧址一\n旧址二")
    selenium = ProgrammeFactory(slug="selenium")
    for product in ["富硒苹果", "富硒小米", "富硒红薯"]:
        AwardFactory(programme=selenium, year=2023, product=product)
    AwardFactory(programme=selenium, year=2024, product="示例获奖产品1", event="第七届中国富硒农业发展大会", place="济南", is_sample=True)

    html = reader.get(villages.get_absolute_url()).content.decode()
    assert html.index("宝塔区") < html.index("吴起县")  # counties in the city's order
    assert "中央红军长征落脚点" in html and "修复的革命旧址:旧址一、旧址二" in html

    html = reader.get(selenium.get_absolute_url()).content.decode()
    assert html.index("2024年度(共 1 个)") < html.index("2023年度(共 3 个)")
    assert "第六届中国富硒农业发展大会(合肥)" in html
    assert "“中国富硒好产品”:富硒苹果" in html


# --- one number, every page ----------------------------------------------------------------

def test_changing_a_figure_changes_home_index_and_programme_page(reader, seafarers):
    pages = [reverse("home"), reverse("projects:programme-list"), seafarers.get_absolute_url()]
    for url in pages:
        assert "6,000+" in reader.get(url).content.decode(), url

    Figure.objects.filter(programme=seafarers, measure="累计培训海员", year=2024).update(value=Decimal(6500))
    for url in pages:
        html = reader.get(url).content.decode()
        assert "6,500+" in html and "6,000+" not in html, url

    # A new year's figure becomes the headline everywhere.
    FigureFactory(programme=seafarers, year=2025, value=7000)
    for url in pages:
        assert "7,000" in reader.get(url).content.decode(), url


def test_home_page_shows_programme_cards(reader, seafarers):
    response = reader.get(reverse("home"))
    html = response.content.decode()
    assert 'aria-labelledby="programmes-title"' in html
    assert f'<a href="{seafarers.get_absolute_url()}">延安海员培训</a>' in html


def test_home_query_count_does_not_grow_with_programme_rows(reader, seafarers, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ArticleFactory()  # the home page's news blocks query only once a channel exists
    cache.clear()
    with CaptureQueriesContext(connection) as before:
        reader.get(reverse("home"))
    _more_rows(seafarers, 4)
    ProgrammeFactory()
    cache.clear()
    with django_assert_num_queries(len(before.captured_queries)):
        reader.get(reverse("home"))


# --- county block ----------------------------------------------------------------------------

def test_county_block_lists_rooms_villages_and_awards_of_that_county(django_assert_num_queries):
    baota = county("baota")
    ReadingRoomFactory(county=baota, name="宝塔书社", kind="campus", place="某小学")
    ReadingRoomFactory(county=county("wuqi"), name="吴起书社")
    KeyVillageFactory(county=baota, name="宝塔重点村")
    AwardFactory(county=baota, product="宝塔富硒小米")
    AwardFactory(county=None, product="无县区产品")
    hidden = ProgrammeFactory(slug="hidden", is_active=False)
    ReadingRoomFactory(programme=hidden, county=baota, name="停用项目书社")

    with django_assert_num_queries(COUNTY_BLOCK_QUERIES):
        data = selectors.for_county(baota)
        html = render_to_string("projects/includes/county_block.html", {"county_projects": data})

    assert "宝塔书社" in html and "某小学" in html and "1 个校园书社" in html
    assert "宝塔重点村" in html and "宝塔富硒小米" in html
    assert "吴起书社" not in html and "无县区产品" not in html and "停用项目书社" not in html

    # Adding rows does not add queries.
    for i in range(5):
        ReadingRoomFactory(county=baota)
        KeyVillageFactory(county=baota)
        AwardFactory(county=baota)
    with django_assert_num_queries(COUNTY_BLOCK_QUERIES):
        render_to_string("projects/includes/county_block.html", {"county_projects": selectors.for_county(baota)})

    # A change in the database is what the county block shows next time.
    ReadingRoom.objects.filter(name="宝塔书社").update(name="宝塔新书社")
    html = render_to_string("projects/includes/county_block.html", {"county_projects": selectors.for_county(baota)})
    assert "宝塔新书社" in html


def test_county_block_is_empty_for_a_county_without_data():
    html = render_to_string("projects/includes/county_block.html", {"county_projects": selectors.for_county(county("huanglong"))})
    assert html.strip() == ""


def test_partners_that_are_council_units_link_to_the_directory(reader):
    from members.models import CouncilUnit
    from members.tests.factories import CouncilUnitFactory

    programme = ProgrammeFactory(partners="天津海事局\n延安职业技术学院")
    college = CouncilUnitFactory(name="延安职业技术学院", category=CouncilUnit.Category.ACADEMIC)
    former = CouncilUnitFactory(name="已退出的单位", is_active=False)
    programme.partner_units.set([college, former])
    html = reader.get(programme.get_absolute_url()).content.decode()
    assert "<li>天津海事局</li>" in html
    assert f'<a href="/about/council/?category={college.category}">延安职业技术学院</a>' in html
    assert html.count("延安职业技术学院") == 1  # linked once, not repeated as text
    assert "已退出的单位" not in html  # inactive units vanish from public pages


@pytest.mark.django_db
def test_the_scroll_hint_of_a_one_year_chart_promises_no_other_years(client):
    one_year = FigureFactory(measure="已启动书社", year=2024)
    FigureFactory(programme=one_year.programme, measure="累计培训海员", year=2020)
    FigureFactory(programme=one_year.programme, measure="累计培训海员", year=2024)
    html = client.get(one_year.programme.get_absolute_url()).content.decode()
    hints = re.findall(r'<p class="scroll-hint">(.*?)</p>', html)
    assert sorted(hints) == ["图表较宽,可左右滑动查看。", "图表较宽,可左右滑动查看全部年份。"]
