import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape

from members.models import CouncilUnit, Organisation
from members.tests.factories import (
    BodyFactory,
    ContactFactory,
    CouncilUnitFactory,
    HonourFactory,
    MilestoneFactory,
    OrganisationFactory,
    PositionFactory,
    RuleFactory,
)
from news.tests.factories import ArticleFactory
from yanan_portal.cache import fragment_key

pytestmark = pytest.mark.django_db

# Queries of any public page besides its own: navigation channels (1) and, with a cold
# cache, the footer's contacts with the organisation's names (1; 2 when no contact is in
# the footer).
FRAME = 2


def get(client, url, django_assert_num_queries, count):
    cache.clear()  # every count is taken with the footer's cache cold
    with django_assert_num_queries(count):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


# --- 关于我们 -------------------------------------------------------------------------


def test_about_page_shows_the_association_from_the_database(demo, reader, django_assert_num_queries):
    html = get(reader, reverse("about:index"), django_assert_num_queries, FRAME + 5)
    assert "<h1>关于我们</h1>" in html
    assert "两块牌子一套人马" in html
    assert "2021年起与延安市乡村振兴协会合署办公" in html
    # the timeline: milestones and honours by year
    for text in ["1993年", "延安市老区建设促进会成立", "2010年", "“十镇百村”", "2018年", "富硒", "2019年", "支持革命老区脱贫攻坚先进单位", "2021–2023年", "五星级离退休干部党支部"]:
        assert escape(text) in html or text in html
    assert html.index("1993年") < html.index("2010年") < html.index("2018年") < html.index("2021–2023年")
    # key figures: 17 staff, 85 units, 13 branches, 1,200+ members
    figures = re.search(r'<ul class="key-figures">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'figure-value">([\d,]+)<small>(余?)', figures) == [("17", ""), ("85", ""), ("13", ""), ("1200", "余")]
    for platform in ["延安市乡村振兴协会", "延安优质农产品品牌联盟", "延安富硒功能农业服务中心", "延安红色教育培训基地"]:
        assert platform in html


def test_key_figures_follow_the_database_not_the_template(demo, reader):
    Organisation.objects.filter(pk=1).update(staff_count=19, member_count=1350)
    CouncilUnit.objects.filter(pk__in=CouncilUnit.objects.order_by("id").values("pk")[:5]).update(is_active=False)
    html = reader.get(reverse("about:index")).content.decode()
    figures = re.search(r'<ul class="key-figures">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'figure-value">([\d,]+)', figures) == ["19", "80", "13", "1350"]


def test_about_query_count_does_not_grow_with_records(counties, reader, django_assert_num_queries):
    OrganisationFactory()
    ContactFactory()
    CouncilUnitFactory.create_batch(3)
    HonourFactory.create_batch(2)
    MilestoneFactory.create_batch(2)
    get(reader, reverse("about:index"), django_assert_num_queries, FRAME + 5)
    CouncilUnitFactory.create_batch(40)
    HonourFactory.create_batch(10)
    MilestoneFactory.create_batch(10)
    ContactFactory.create_batch(5)
    get(reader, reverse("about:index"), django_assert_num_queries, FRAME + 5)


def test_about_page_works_before_staff_create_the_record(counties, reader):
    # No Organisation row yet: defaults and counts, never a 500.
    CouncilUnitFactory.create_batch(2)
    html = reader.get(reverse("about:index")).content.decode()
    figures = re.search(r'<ul class="key-figures">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'figure-value">([\d,]+)', figures) == ["0", "2", "13", "0"]


# --- 组织机构 / 领导班子 / 规章制度 -----------------------------------------------------------


def test_structure_page_shows_every_body_with_its_duties(demo, reader, django_assert_num_queries):
    html = get(reader, reverse("about:structure"), django_assert_num_queries, FRAME + 4)
    assert "<h1>组织机构</h1>" in html
    chart = re.search(r'<div class="org-chart">(.*?)</div>', html, re.S).group(1)
    for name in ["延安市老区建设促进会", "机关党支部", "机关工会", "妇工委", "办公室", "第一工作部", "第四工作部", "延安红色教育培训基地"]:
        assert name in chart
    assert "坚持“三会一课”制度和集体学习制度" in html
    # every body in the chart links to its duties on the same page
    for anchor in re.findall(r'href="#(body-\d+)"', chart):
        assert f'id="{anchor}"' in html


def test_structure_query_count_does_not_grow(counties, reader, django_assert_num_queries):
    ContactFactory()
    BodyFactory.create_batch(2)
    get(reader, reverse("about:structure"), django_assert_num_queries, FRAME + 4)
    BodyFactory.create_batch(20)
    PositionFactory.create_batch(5)
    get(reader, reverse("about:structure"), django_assert_num_queries, FRAME + 4)


def test_leadership_page(demo, reader, django_assert_num_queries):
    html = get(reader, reverse("about:leadership"), django_assert_num_queries, FRAME + 2)
    assert "<h1>领导班子</h1>" in html
    # Each cell carries its column's name, which a phone shows before it (the table stacks there).
    assert (
        '<th scope="row">会长</th><td data-label="姓名">杨霄</td>'
        '<td data-label="说明">兼机关党支部书记</td>'
    ) in html
    assert "连续五任会长" in html
    PositionFactory.create_batch(10)
    get(reader, reverse("about:leadership"), django_assert_num_queries, FRAME + 2)


def test_rules_page(demo, reader, django_assert_num_queries):
    html = get(reader, reverse("about:rules"), django_assert_num_queries, FRAME + 2)
    names = re.findall(r"<h2>(.*?)</h2>", html)
    assert names == ["支部生活制度", "考勤制度", "财务管理制度", "项目管理制度", "车辆管理制度"]
    RuleFactory.create_batch(10, body="<p>全文</p>")
    get(reader, reverse("about:rules"), django_assert_num_queries, FRAME + 2)


def test_inactive_records_are_not_shown(counties, reader):
    OrganisationFactory()
    BodyFactory(name="已撤销机构", is_active=False)
    PositionFactory(title="已免职务", is_active=False)
    RuleFactory(name="已废止制度", is_active=False)
    HonourFactory(title="隐藏荣誉", is_active=False)
    ContactFactory(label="旧电话", is_active=False)
    pages = ["about:index", "about:structure", "about:leadership", "about:rules"]
    html = "".join(reader.get(reverse(name)).content.decode() for name in pages)
    for text in ["已撤销机构", "已免职务", "已废止制度", "隐藏荣誉", "旧电话"]:
        assert text not in html


# --- 理事单位 ---------------------------------------------------------------------------


def test_council_page_groups_units_by_role_with_counts(demo, reader, django_assert_num_queries):
    html = get(reader, reverse("about:council"), django_assert_num_queries, FRAME + 3)
    assert "本会共有理事单位 85 个" in html
    headings = re.findall(r'<h2 id="role-\d">(.*?)<span class="count">\D(\d+) 个\D</span></h2>', html)
    assert headings == [("会长单位", "1"), ("副会长单位", "11"), ("常务理事单位", "21"), ("理事单位", "52")]
    assert "全部(85)" in html and "党政部门(21)" in html and "国有企业(8)" in html
    assert html.count('class="unit-name"') == 85


def test_council_category_filter_by_plain_link(demo, reader, django_assert_num_queries):
    html = get(reader, reverse("about:council") + "?category=state-enterprise", django_assert_num_queries, FRAME + 3)
    assert html.count('class="unit-name"') == 8
    assert "其中国有企业 8 个" in html
    assert '<a href="?category=state-enterprise" aria-current="page">国有企业(8)</a>' in html
    assert "中共延安市委组织部" not in html


@pytest.mark.parametrize("query", ["?category=nope", "?category=PARTY", "?page=99", "?page=abc", "?page=0"])
def test_council_bad_input_is_a_404(counties, reader, query):
    CouncilUnitFactory()
    response = reader.get(reverse("about:council") + query)
    assert response.status_code == 404


def test_council_nul_category_is_the_unfiltered_list(counties, reader):
    # NUL characters are dropped from query values before any view (yanan_portal.middleware).
    CouncilUnitFactory.create_batch(2)
    response = reader.get(reverse("about:council") + "?category=%00")
    assert response.status_code == 200
    assert response.content.decode().count('class="unit-name"') == 2


def test_council_empty_category_is_the_unfiltered_list(counties, reader):
    CouncilUnitFactory.create_batch(3)
    html = reader.get(reverse("about:council") + "?category=").content.decode()
    assert html.count('class="unit-name"') == 3


def test_council_query_count_does_not_grow_with_units(counties, reader, django_assert_num_queries):
    ContactFactory()
    CouncilUnitFactory.create_batch(3)
    get(reader, reverse("about:council"), django_assert_num_queries, FRAME + 3)
    CouncilUnitFactory.create_batch(60, category=CouncilUnit.Category.ACADEMIC, role=CouncilUnit.Role.STANDING)
    html = get(reader, reverse("about:council"), django_assert_num_queries, FRAME + 3)
    assert html.count('class="unit-name"') == 63


def test_council_unit_website_and_logo(counties, reader):
    CouncilUnitFactory(name="有网站的单位", website="https://example.org/", logo="council/logo.png")
    html = reader.get(reverse("about:council")).content.decode()
    assert '<a href="https://example.org/" rel="noopener noreferrer">有网站的单位</a>' in html
    assert 'src="/media/council/logo.png" alt=""' in html


# --- 县区老促会 -------------------------------------------------------------------------


def test_branch_index_has_map_and_plain_list(demo, reader, django_assert_num_queries):
    html = get(reader, reverse("members:branch-list"), django_assert_num_queries, FRAME + 1)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "示意图" in svg
    tiles = re.findall(r'<a href="(/branches/[a-z]+/)" class="county-tile">.*?<text[^>]*>(.*?)</text>', svg, re.S)
    assert len(tiles) == 13 and ("/branches/luochuan/", "洛川县") in tiles
    plain = re.search(r'<ul class="county-grid">(.*?)</ul>', html, re.S).group(1)
    assert len(links(plain)) == 13
    assert "不代表行政区划界线" in html


def _tag(article, *branches):
    article.counties.set(branches)
    return article


def test_branch_page_shows_its_details_and_only_its_articles(demo, reader, django_assert_num_queries):
    baota, luochuan = demo["baota"], demo["luochuan"]
    _tag(ArticleFactory(title="宝塔区书社揭牌"), baota)
    _tag(ArticleFactory(title="洛川县苹果丰收"), luochuan)
    _tag(ArticleFactory(title="宝塔区草稿", status="draft"), baota)
    _tag(ArticleFactory(title="宝塔区定时发布", published_at="2099-01-01T00:00:00+08:00"), baota)
    html = get(reader, baota.get_absolute_url(), django_assert_num_queries, FRAME + 6)
    assert "<h1>宝塔区老促会</h1>" in html
    assert "宝塔区老区建设促进会" in html and "宝塔区乡村振兴协会" in html
    assert '<a class="tel-link" href="tel:09110000001">0911-0000001</a>' in html
    assert "示例数据" in html
    assert "宝塔区书社揭牌" in html
    for absent in ["洛川县苹果丰收", "宝塔区草稿", "宝塔区定时发布"]:
        assert absent not in html


def test_branch_page_query_count_does_not_grow_with_articles(demo, reader, django_assert_num_queries):
    baota = demo["baota"]
    for _ in range(3):
        _tag(ArticleFactory(), baota)
    get(reader, baota.get_absolute_url(), django_assert_num_queries, FRAME + 6)
    for _ in range(25):
        _tag(ArticleFactory(), baota)
    html = get(reader, baota.get_absolute_url(), django_assert_num_queries, FRAME + 6)
    assert html.count("<time ") == 10


def test_branch_page_shows_staff_details(counties, reader):
    branch = counties["yichuan"]
    branch.president = "李四"
    branch.has_establishment = True
    branch.staff_count = 6
    branch.last_election_year = 2024
    branch.intro = "<p>宜川县简介</p>"
    branch.save()
    html = reader.get(branch.get_absolute_url()).content.decode()
    for text in ["<dd>李四</dd>", "<dd>有</dd>", "<dd>6人</dd>", "<dd>2024年</dd>", "<p>宜川县简介</p>"]:
        assert text in html
    assert "示例数据" not in html


@pytest.mark.parametrize("slug", ["nope", "BAOTA", "宝塔区", "baota-1", "1"])
def test_unknown_branch_is_a_404(counties, reader, slug):
    assert reader.get(f"/branches/{slug}/").status_code == 404


# --- home block, footer ----------------------------------------------------------------


def test_home_block_lists_13_counties_and_key_figures(demo, reader):
    html = reader.get("/").content.decode()
    block = re.search(r'<section class="box home-members".*?</section>', html, re.S).group(0)
    assert len(re.findall(r'href="/branches/[a-z]+/"', block)) == 13
    assert 'href="/branches/luochuan/">洛川县</a>' in block
    figures = re.search(r'<ul class="key-figures">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'figure-value">([\d,]+)', figures) == ["17", "85", "13", "1200"]


def test_footer_shows_contacts_from_the_organisation_record(counties, reader, django_assert_num_queries):
    OrganisationFactory(name="延安市老区建设促进会", second_name="延安市乡村振兴协会")
    ContactFactory(label="办公室电话", value="0911-1234567")
    ContactFactory(label="内部电话", value="0911-7654321", in_footer=False)
    cache.clear()
    html = reader.get(reverse("members:branch-list")).content.decode()
    footer = re.search(r'<footer class="site-footer">(.*?)</footer>', html, re.S).group(1)
    assert "延安市老区建设促进会 · 延安市乡村振兴协会" in footer
    assert '办公室电话:<a href="tel:09111234567">0911-1234567</a>' in footer
    assert "内部电话" not in footer
    # cached: the next page pays nothing for the footer
    with django_assert_num_queries(FRAME - 1 + 1):
        reader.get(reverse("members:branch-list"))


def test_footer_survives_a_missing_table(reader, monkeypatch):
    from django.db import DatabaseError

    from members import selectors

    def broken(*args, **kwargs):
        raise DatabaseError("no such table")

    monkeypatch.setattr(selectors, "_footer_rows", broken)
    data = selectors.footer_contact()
    assert data["name"] == "延安市老区建设促进会" and data["contacts"] == []
    assert cache.get(fragment_key(selectors.FOOTER_CACHE_KEY)) is None


# --- inactive council unit: absent everywhere ------------------------------------------


def test_inactive_council_unit_is_absent_from_every_public_page(demo, reader):
    CouncilUnitFactory(name="已退出的理事单位", category=CouncilUnit.Category.SOCIAL, is_active=False)
    urls = [
        "/",
        reverse("about:index"),
        reverse("about:structure"),
        reverse("about:leadership"),
        reverse("about:rules"),
        reverse("about:council"),
        reverse("about:council") + "?category=social",
        reverse("members:branch-list"),
        demo["baota"].get_absolute_url(),
    ]
    for url in urls:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert "已退出的理事单位" not in response.content.decode(), url
    html = reader.get(reverse("about:council")).content.decode()
    assert "本会共有理事单位 85 个" in html and "社会组织(10)" in html


def test_footer_cost_without_any_members_data(django_assert_num_queries):
    """What other apps' pages pay for the footer on an empty database: 1 query cold, 0 warm."""
    from members.selectors import footer_contact

    with django_assert_num_queries(1):
        assert footer_contact() == {"name": "延安市老区建设促进会", "second_name": "", "contacts": []}
    with django_assert_num_queries(0):
        footer_contact()


def test_footer_reads_names_and_visible_footer_contacts_in_order(django_assert_num_queries):
    from members.models import Contact
    from members.selectors import footer_contact

    # Contacts but no organisation record yet: the default name, the contacts still shown.
    ContactFactory(label="邮箱", kind=Contact.Kind.EMAIL, value="office@example.cn", order=2)
    ContactFactory(label="电话", value="0911-1234567", order=1, is_sample=True)
    ContactFactory(label="停用的电话", is_active=False, order=0)
    ContactFactory(label="不在页脚", in_footer=False, order=0)
    cache.clear()
    with django_assert_num_queries(1):
        data = footer_contact()
    assert data == {
        "name": "延安市老区建设促进会",
        "second_name": "",
        "contacts": [
            {"label": "电话", "value": "0911-1234567", "href": "tel:09111234567", "is_sample": True},
            {"label": "邮箱", "value": "office@example.cn", "href": "mailto:office@example.cn", "is_sample": False},
        ],
    }

    # The record's names, once, however many contacts.
    OrganisationFactory(name="延安市老区建设促进会(测试)", second_name="延安市乡村振兴协会")
    cache.clear()
    data = footer_contact()
    assert (data["name"], data["second_name"]) == ("延安市老区建设促进会(测试)", "延安市乡村振兴协会")
    assert [c["label"] for c in data["contacts"]] == ["电话", "邮箱"]

    # The record without any footer contact.
    Contact.objects.update(in_footer=False)
    cache.clear()
    assert footer_contact() == {"name": "延安市老区建设促进会(测试)", "second_name": "延安市乡村振兴协会", "contacts": []}
