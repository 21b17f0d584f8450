"""Search: relevance on the FACTS.md demo content, the publication rule, the index kept
current on save, bad input, the page's content and query count, PostgreSQL specifics."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.html import escape

from members.models import CountyBranch
from news import demo as news_demo
from news.demo_content.articles import ARTICLES
from news.models import Article
from news.search import highlight, match_articles, parse_query, search_articles, tsquery_literal
from news.tests.factories import ArticleFactory, ChannelFactory
from projects import demo as projects_demo

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def postgres_only(test):
    return pytest.mark.postgres(pytest.mark.skipif(not ON_POSTGRES, reason="需要 PostgreSQL")(test))


@pytest.fixture(autouse=True)
def counties(db):
    """The 13 counties of the data migration, again: a transactional test (the browser
    tests) empties the database that --reuse-db then keeps."""
    from members.tests.factories import ensure_counties

    ensure_counties()


@pytest.fixture
def demo():
    """The demo site's real articles (written from FACTS.md), by their key."""
    programmes = projects_demo.load()
    counties = {c.slug: c for c in CountyBranch.objects.all()}
    channels = news_demo.load_channels()
    news_demo.load_articles(channels, counties, programmes)
    by_title = {a.title: a for a in Article.objects.all()}
    articles = {item["key"]: by_title[item["title"]] for item in ARTICLES}
    articles["seed"] = by_title[news_demo.parse_seed_article()["title"]]
    return articles


def top_titles(query: str, n: int = 3) -> list[str]:
    found = search_articles(parse_query(query), Article.objects.published())
    return [a.title for a in found[:n]]


# query → the article (key) that must be among the first three results
RELEVANCE = [
    ("海员", "seafarer-symposium-2023"),
    ("海员", "seafarer-city-talk"),
    ("海员培训", "seafarer-city-talk"),
    ("富硒苹果", "selenium-awards-2023"),
    ("2023 富硒", "selenium-awards-2023"),
    ("2023", "selenium-awards-2023"),
    ("宝塔区", "elderly-care-hospital"),
    ("书社", "reading-rooms-35"),
    ("老促会", "presidents-training"),
    ("十镇百村", "ten-towns"),
    ("养老", "elderly-care-hospital"),
    ("支树平", "zhi-shuping-visit"),
    ("换届", "county-reelection"),
    ("调研报告", "research-reports"),
    ("义诊", "free-clinics"),
    ("书画", "exhibition-30"),
    ("杂志", "magazine-63"),
    # one character
    ("硒", "selenium-awards-2023"),
    ("社", "reading-rooms-35"),
    # full-width digits and a tsquery operator in the query
    ("２０２３ & 富硒", "selenium-awards-2023"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "key"), RELEVANCE)
def test_relevance_table(demo, query, key):
    assert demo[key].title in top_titles(query), f"{query!r}: {top_titles(query)}"


@pytest.mark.django_db
def test_seafarer_articles_come_first(demo):
    assert set(top_titles("海员", 2)) == {demo["seafarer-symposium-2023"].title, demo["seafarer-city-talk"].title}


@pytest.mark.django_db
def test_title_match_outranks_body_match_then_newest_first():
    channel = ChannelFactory()
    now = timezone.now()
    body_old = ArticleFactory(channel=channel, title="工作会议", body="<p>讨论了书社建设</p>", published_at=now - timedelta(days=9))
    body_new = ArticleFactory(channel=channel, title="工作简报", body="<p>书社开放</p>", published_at=now - timedelta(days=1))
    in_title = ArticleFactory(channel=channel, title="书社开放日", body="<p>活动</p>", published_at=now - timedelta(days=30))
    found = list(search_articles(parse_query("书社"), Article.objects.published()))
    assert found == [in_title, body_new, body_old]


@pytest.mark.django_db
def test_broad_queries_rank_their_newest_matches(reader, monkeypatch):
    """Past CANDIDATE_LIMIT matches only the newest are ranked, and the page says so."""
    from news import search

    now = timezone.now()
    oldest_title = ArticleFactory(title="书社开放日", published_at=now - timedelta(days=30))
    body_new = ArticleFactory(title="简报", summary="", body="<p>书社</p>", published_at=now - timedelta(days=1))
    summary = ArticleFactory(title="简讯", summary="书社开放", published_at=now - timedelta(days=5))
    title_new = ArticleFactory(title="新书社", published_at=now - timedelta(days=2))
    found, total, capped = search.find_articles(parse_query("书社"), Article.objects.published(), limit=3)
    assert (total, capped) == (3, True)
    assert list(found) == [title_new, summary, body_new]  # the oldest fell outside the limit
    assert oldest_title not in found
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 3)
    html = reader.get("/search/", {"q": "书社"}).content.decode()
    assert "找到 <strong>3</strong> 多篇" in html and "最新的 3 篇" in html


@pytest.mark.django_db
def test_tags_are_searchable_counties_and_programmes(demo):
    article = ArticleFactory(title="读书活动", summary="", body="<p>活动</p>")
    assert "黄陵县" not in " ".join(top_titles("黄陵县", 50))
    article.counties.set(CountyBranch.objects.filter(name="黄陵县"))
    from news.search import reindex_article

    reindex_article(article)
    assert top_titles("黄陵") == ["读书活动"]


# --- Publication rule ------------------------------------------------------------------


def grid_articles():
    now = timezone.now()
    cases = {}
    for status in Article.Status.values:
        for when, at in (("past", now - timedelta(hours=2)), ("future", now + timedelta(days=1))):
            cases[(status, when)] = ArticleFactory(
                title=f"琥珀{status}{when}", status=status, published_at=at
            )
    return cases


@pytest.mark.django_db
def test_publication_rule_grid_in_search():
    cases = grid_articles()
    found = set(search_articles(parse_query("琥珀"), Article.objects.published()))
    for (status, when), article in cases.items():
        assert (article in found) == (status == "published" and when == "past"), (status, when)
        assert (article in found) == article.is_published


@pytest.mark.django_db
def test_search_page_shows_only_published(reader):
    cases = grid_articles()
    html = reader.get("/search/", {"q": "琥珀"}).content.decode()
    for (status, when), article in cases.items():
        assert (f"/{article.pk}/" in html) == (status == "published" and when == "past"), (status, when)


@pytest.mark.django_db
def test_scheduled_article_appears_when_its_time_comes(reader):
    import time_machine

    at = timezone.now() + timedelta(days=2)
    article = ArticleFactory(title="定时发布的琥珀消息", published_at=at)
    assert article.pk not in [a.pk for a in search_articles(parse_query("琥珀"), Article.objects.published())]
    assert "定时发布的" not in reader.get("/search/", {"q": "琥珀"}).content.decode()
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        assert "定时发布的" in reader.get("/search/", {"q": "琥珀"}).content.decode()


# --- The index is current on save --------------------------------------------------------


@pytest.mark.django_db
def test_saving_updates_the_index_at_once():
    article = ArticleFactory(title="旧标题", summary="", body="<p>旧的正文</p>")
    assert top_titles("玛瑙") == []
    article.body = "<p>新增了玛瑙的内容</p>"
    article.save()
    assert top_titles("玛瑙") == ["旧标题"]
    article.title = "翡翠新标题"
    article.save(update_fields=["title"])  # a partial save still re-indexes
    article.refresh_from_db()
    assert "翡翠新标题" in article.search_text
    assert top_titles("翡翠") == ["翡翠新标题"]


@pytest.mark.django_db
def test_index_strips_markup_and_keeps_fields_apart():
    article = ArticleFactory(title="标题", summary="摘要文字", body="<p>第一段</p><p>第二段<b>加粗</b></p>")
    title, summary, body, tags = article.search_text.split("\n")
    assert (title, summary) == ("标题", "摘要文字")
    assert "<" not in body and "第一段 第二段加粗" == body
    assert tags == article.channel.name


@pytest.mark.django_db
def test_rebuild_search_index_command():
    article = ArticleFactory(title="珊瑚报道")
    Article.objects.filter(pk=article.pk).update(search_text="", search_vector=None)
    assert top_titles("珊瑚") == []
    call_command("rebuild_search_index", verbosity=0)
    assert top_titles("珊瑚") == ["珊瑚报道"]


# --- Query parsing and highlighting ------------------------------------------------------


def test_parse_query_keeps_words_and_drops_syntax():
    assert parse_query("  2023   富硒苹果  ").words == ["2023", "富硒苹果"]
    assert parse_query("'a' & | ! :* \"b\" ( ) <-> \\").words == ["a", "b"]
    assert parse_query("😀\x00").words == []
    long = parse_query("海" * 10_000)
    assert long.truncated and len(long.text) == 50


def test_tsquery_literal_quotes_every_lexeme():
    literal = tsquery_literal(parse_query("宝塔区 2023"))
    assert literal == "( '宝塔区' | ( '宝塔' & '塔区' ) ) & '2023'"


def test_highlight_escapes_and_marks():
    query = parse_query("富硒")
    html = highlight("<b>富硒</b> & 苹果", query)
    assert str(html) == "&lt;b&gt;<mark>富硒</mark>&lt;/b&gt; &amp; 苹果"
    excerpt = str(highlight("甲" * 200 + "富硒" + "乙" * 200, query, length=60))
    assert "<mark>富硒</mark>" in excerpt and excerpt.startswith("…") and excerpt.endswith("…")


@pytest.mark.parametrize("before", ["甲" * 5, "甲" * 11, "甲" * 13, "甲" * 14])
def test_excerpt_never_starts_or_ends_inside_a_number(before):
    query = parse_query("革命旧址")
    text = "甲" * 100 + before + "共投入800多万元对10多处革命旧址进行了修缮" + "乙" * 10 + "计2023年" + "丙" * 100
    for length in (24, 30, 36, 40):
        excerpt = str(highlight(text, query, length=length))
        assert "<mark>革命</mark><mark>旧址</mark>" in excerpt
        assert not re.match(r"…[0-9]", excerpt) and not re.search(r"[0-9]…$", excerpt), excerpt
        assert not re.search(r"…(00|0多|3年)", excerpt), excerpt


@pytest.mark.parametrize("text", ["1" * 300, "a" * 300, "甲" * 50 + "9" * 250])
def test_excerpt_of_a_long_number_or_word_is_still_an_excerpt(text):
    excerpt = str(highlight(text, parse_query("海员"), length=120))
    assert len(excerpt) == 121 and excerpt.endswith("…")


def test_excerpt_may_end_where_its_shortest_allowed_end_meets_a_number():
    # 60 characters of which the first 30 (half the excerpt) end just before a number that runs
    # past the cut: the excerpt ends before the number, not inside it.
    text = "海员" + "甲" * 28 + "1" * 40 + "乙" * 100
    excerpt = str(highlight(text, parse_query("海员"), length=60))
    assert excerpt == "<mark>海员</mark>" + "甲" * 28 + "…", excerpt


def test_excerpt_starts_after_a_clause_end_when_one_is_near():
    text = "甲" * 100 + "修缮工作,共投入800多万元对革命旧址进行了保护" + "乙" * 100
    excerpt = str(highlight(text, parse_query("革命旧址"), length=40))
    assert excerpt.startswith("…共投入800多万元对<mark>革命</mark>"), excerpt


# --- The page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_excerpt_shows_ampersands_and_angle_brackets_as_typed(reader):
    """The body stores "R&amp;D"; the excerpt showed the entity, escaped once more."""
    from news.tests.factories import ArticleFactory

    ArticleFactory(title="研发投入", body="<p>攻关项目 R&amp;D 与 5 &lt; 6,另有 &lt;script&gt; 字样</p>")
    html = reader.get("/search/", {"q": "攻关"}).content.decode()
    assert "R&amp;D 与 5 &lt; 6,另有 &lt;script&gt; 字样" in html
    assert "&amp;amp;" not in html and "&amp;lt;" not in html and "<script>" not in html
    # "R&D" is found as typed.
    assert "研发投入" in reader.get("/search/", {"q": "R&D"}).content.decode()


@pytest.mark.django_db
def test_search_page_content(reader, demo):
    response = reader.get("/search/", {"q": "海员"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "找到 <strong>3</strong> 篇" in html
    assert "西部<mark>海员</mark>培养基地" in html
    assert html.count("<h1") == 1
    assert 'name="robots" content="noindex' in html
    # grouped section: the programme whose name matches
    assert "品牌项目</h2>" in html and "延安海员培训" in html
    # filter links keep the query
    assert "?q=%E6%B5%B7%E5%91%98&amp;channel=work" in html


@pytest.mark.django_db
def test_county_branch_section(reader, demo):
    html = reader.get("/search/", {"q": "洛川"}).content.decode()
    assert "县区老促会</h2>" in html and "洛川县老促会" in html
    assert "没有找到与“洛川”相关的文章" in html  # no article mentions 洛川 yet


@pytest.mark.django_db
def test_filters(reader, demo):
    def titles(**params):
        found = reader.get("/search/", {"q": "老促会", **params}).context["articles"]
        return {a.title for a in found}

    everything = reader.get("/search/", {"q": "老促会"}).context["paginator"].count
    assert everything > 10
    theory = reader.get("/search/", {"q": "老促会", "channel": "theory"}).context["articles"]
    assert demo["research-reports"] in theory and all(a.channel.slug == "theory" for a in theory)
    # a parent channel includes its children
    work = reader.get("/search/", {"q": "老促会", "channel": "work"}).context["articles"]
    assert work and all(a.channel.parent and a.channel.parent.slug == "work" for a in work)
    # The year links run from the newest article's year to the oldest's, none that finds nothing.
    published_years = {timezone.localtime(a.published_at).year for a in Article.objects.published()}
    years = reader.get("/search/", {"q": "老促会"}).context["facets"]["years"]
    assert years == list(range(max(published_years), min(published_years) - 1, -1))
    by_year = reader.get("/search/", {"q": "老促会", "year": "2022"}).context["articles"]
    assert [a.title for a in by_year] == [demo["zhuanzhan-training"].title]
    assert titles(county="baota") == {demo["elderly-care-hospital"].title}
    assert titles(programme="seafarers") <= {demo["seafarer-symposium-2023"].title, demo["seafarer-city-talk"].title}


@pytest.mark.django_db
def test_pagination_keeps_the_query(reader):
    channel = ChannelFactory()
    ArticleFactory.create_batch(23, channel=channel, title=factory_title("玉石"))
    page1 = reader.get("/search/", {"q": "玉石"})
    assert len(page1.context["articles"]) == 10 and page1.context["paginator"].count == 23
    assert "?q=%E7%8E%89%E7%9F%B3&amp;page=2" in page1.content.decode()
    page3 = reader.get("/search/", {"q": "玉石", "page": "3"})
    assert len(page3.context["articles"]) == 3
    # An old shared link to a page the results no longer reach: the last page, with a note.
    beyond = reader.get("/search/", {"q": "玉石", "page": "9"})
    assert beyond.status_code == 200 and beyond.context["page_obj"].number == 3
    assert '<p class="notice" role="status">搜索结果没有第 9 页,下面是第 3 页。</p>' in beyond.content.decode()
    assert "搜索结果没有" not in page3.content.decode()


def factory_title(word):
    import factory

    return factory.Sequence(lambda n: f"{word}新闻{n}")


@pytest.mark.django_db
def test_empty_page_offers_suggestions(reader):
    html = reader.get("/search/").content.decode()
    assert "大家都在搜" in html and 'href="/search/?q=%E6%B5%B7%E5%91%98"' in html
    assert "找到" not in html
    html = reader.get("/search/", {"q": "不存在的词语"}).content.decode()
    assert '<div class="search-empty" role="status">' in html and "大家都在搜" in html
    assert "没有找到与“不存在的词语”相关的文章" in html
    # Not "found 0" on top of "found nothing", nor filters for nothing.
    assert "找到 <strong>0</strong>" not in html and "筛选结果" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["%", "*", "😀🇨🇳👍", "！？。……", "% _ %% \\%", "<>"])
def test_a_query_of_symbols_only_is_answered(reader, query):
    """Nothing in it can be searched for: the reader is told so instead of seeing the start page."""
    html = reader.get("/search/", {"q": query}).content.decode()
    notice = re.search(r'<p class="notice search-count" role="status">无法按“(.*?)”搜索:请输入汉字、字母或数字', html)
    assert notice and notice.group(1) == escape(parse_query(query).text)
    assert "大家都在搜" in html and "找到 <strong>" not in html
    html = reader.get("/search/", {"q": "不存在的词语"}).content.decode()
    assert "无法按" not in html


@pytest.mark.django_db
def test_what_readers_call_a_reading_room_finds_the_associations_word(reader):
    article = ArticleFactory(title="红色书社在宝塔区揭牌", body="<p>乡村书社开放。</p>")
    ArticleFactory(title="富硒苹果获奖")
    html = reader.get("/search/", {"q": "红色书屋"}).content.decode()
    assert "“书屋”按本会的叫法“书社”搜索。" in html
    assert f'href="{article.get_absolute_url()}"' in html and "<mark>红色书社</mark>在宝塔区揭牌" in html
    assert 'value="红色书屋"' in html  # the box keeps what the reader typed
    assert parse_query("书屋").aliases == [("书屋", "书社")] and parse_query("书社").aliases == []


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["红色书社", "红色书屋", "书社"])
def test_the_reading_room_programme_is_found_by_the_words_of_its_name(reader, query):
    projects_demo.load()
    html = reader.get("/search/", {"q": query}).content.decode()
    assert "品牌项目</h2>" in html and ">红色乡村(校园)书社</a>" in html
    assert ">延安海员培训</a>" not in html


@pytest.mark.django_db
def test_an_article_is_found_by_the_words_of_a_longer_query_word(reader):
    """红色书社 is one word to jieba; an article that writes 红色乡村(校园)书社 has its words apart."""
    article = ArticleFactory(title="红色乡村(校园)书社在宝塔区揭牌", body="<p>书社开放。</p>")
    ArticleFactory(title="红色旅游线路发布", body="<p>没有那个词。</p>")
    html = reader.get("/search/", {"q": "红色书社"}).content.decode()
    assert f'href="{article.get_absolute_url()}"' in html and "红色旅游线路" not in html
    assert "<mark>红色</mark>乡村(校园)<mark>书社</mark>在宝塔区揭牌" in html
    assert tsquery_literal(parse_query("红色书社")) == "( '红色书社' | ( '红色' & '色书' & '书社' ) | ( '红色' & '书社' ) )"
    assert tsquery_literal(parse_query("合作社")) == "( '合作社' | ( '合作' & '作社' ) )"  # 合作 alone leaves 社 out


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["合作社", "延安市"])
def test_a_word_is_not_found_by_a_piece_of_it_alone(reader, query):
    projects_demo.load()  # 延安海员培训's summary has 合作 and 延安, not 合作社 or 延安市
    html = reader.get("/search/", {"q": query}).content.decode()
    assert ">延安海员培训</a>" not in html


BAD_QUERIES = [
    "",
    "   ",
    "\t\n",
    "海" * 10_240,
    "a" * 10_240,
    "富硒 & 苹果",
    "富硒 | 苹果",
    "!富硒",
    "富:*",
    "'富硒'",
    '"富硒"',
    "a & | ! :* ( ) <-> <2> \\ ' \"",
    "'; DROP TABLE news_article; --",
    "1' OR '1'='1",
    "% _ %% \\%",
    "😀🇨🇳👍",
    "富\x00硒",
    "\x00",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "\u202e\u200b\ufeff",
    "𠀀𪚥",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_queries_give_a_normal_page(reader, query):
    ArticleFactory(title="富硒苹果获奖")
    response = reader.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "\x00" not in html
    assert "站内搜索</h1>" in html


@pytest.mark.django_db
def test_reflected_query_is_escaped(reader):
    html = reader.get("/search/", {"q": "<b>海员</b>"}).content.decode()
    assert 'value="&lt;b&gt;海员&lt;/b&gt;"' in html
    assert "<b>海员" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"channel": "../../etc"},
        {"channel": "不存在"},
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"year": "１９９９"},
        {"year": "-1"},
        {"county": "<x>"},
        {"programme": "0"},
        {"q": ["海员", "富硒"]},
    ],
)
def test_bad_filters_are_ignored(reader, params):
    ArticleFactory(title="海员培训")
    response = reader.get("/search/", {"q": "海员", **params})
    assert response.status_code == 200
    assert response.context["filters"] == {}
    html = response.content.decode()
    if "q" in params:
        assert "筛选条件无效" not in html
    else:
        assert "筛选条件无效或已不存在,下面是不按该条件筛选的结果。" in html
        assert "<mark>海员</mark>培训" in html  # the results, unfiltered


def test_a_year_without_articles_and_a_stale_channel_are_named_in_the_notice(reader):
    ArticleFactory(title="海员培训")
    html = reader.get("/search/", {"q": "海员", "year": "1990", "channel": "old-channel"}).content.decode()
    assert "网址中的栏目、年份筛选条件无效或已不存在,下面是不按这些条件筛选的结果。" in html
    assert "<mark>海员</mark>培训" in html
    assert "筛选条件无效" not in reader.get("/search/", {"q": "海员", "year": ""}).content.decode()
    without_query = reader.get("/search/", {"programme": "nope"}).content.decode()
    assert "网址中的品牌项目筛选条件无效或已不存在。" in without_query


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page, shown, note",
    [
        ("abc", 1, "网址中的页码“abc”无效,下面是第 1 页。"),
        ("1.5", 1, "网址中的页码“1.5”无效,下面是第 1 页。"),
        ("<b>2</b>", 1, "网址中的页码“&lt;b&gt;2&lt;/b&gt;”无效,下面是第 1 页。"),
        ("0", 1, "搜索结果没有第 0 页,下面是第 1 页。"),
        ("-1", 1, "搜索结果没有第 -1 页,下面是第 1 页。"),
        ("99999999999999999999", 2, "搜索结果没有第 99999999999999999999 页,下面是第 2 页。"),
        ("x" * 300, 1, "网址中的页码“" + "x" * 20 + "…”无效,下面是第 1 页。"),
    ],
)
def test_a_bad_page_number_shows_the_nearest_page_with_a_note(reader, page, shown, note):
    """A search is a reader's question: a page number that is not one of its pages (typed, or an
    old link) no longer loses the search to the site's 404 page."""
    ArticleFactory.create_batch(12, title=factory_title("海员培训"))
    response = reader.get("/search/", {"q": "海员", "page": page})
    html = response.content.decode()
    assert response.status_code == 200 and response.context["page_obj"].number == shown
    assert f'<p class="notice" role="status">{note}</p>' in html
    assert 'value="海员"' in html and html.count('class="search-excerpt"') >= 2


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["无此词语", "", "%"])
def test_a_page_number_is_not_spoken_of_without_results(reader, query):
    """No search, nothing found, or a query of symbols: the page's own message, no page note."""
    html = reader.get("/search/", {"q": query, "page": "3"}).content.decode()
    assert reader.get("/search/", {"q": query, "page": "3"}).status_code == 200
    assert "下面是第" not in html and "无效,下面" not in html


# --- Query counts ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_search_page_query_count_does_not_grow(reader, django_assert_num_queries, rows):
    projects_demo.load()
    channel = ChannelFactory()
    for article in ArticleFactory.create_batch(rows, channel=channel, title=factory_title("海员")):
        article.counties.set(CountyBranch.objects.all()[:2])
    # navigation, footer (then cached), 4 facet lists, count, page of results, 3 grouped sources
    with django_assert_num_queries(11):
        response = reader.get("/search/", {"q": "海员"})
    assert len(response.context["results"]) == min(rows, 10)
    with django_assert_num_queries(6):  # the facet lists and the footer now come from the cache
        reader.get("/search/", {"q": "海员", "page": "1"})


@pytest.mark.django_db
def test_search_page_query_count_with_filters_and_no_query(reader, django_assert_num_queries):
    article = ArticleFactory(title="海员")
    article.counties.set(CountyBranch.objects.filter(slug="baota"))
    with django_assert_num_queries(6):  # navigation, footer and the 4 facet lists
        reader.get("/search/")
    with django_assert_num_queries(6):  # navigation, count, results, 3 sources; facets and footer cached
        response = reader.get("/search/", {"q": "海员", "county": "baota", "year": str(timezone.localtime(article.published_at).year)})
    assert [r["article"] for r in response.context["results"]] == [article]


@pytest.mark.django_db
def test_header_has_a_labelled_search_box(reader):
    html = reader.get("/").content.decode()
    assert '<form class="header-search" action="/search/" method="get" role="search" aria-label="站内搜索">' in html
    assert '<label for="header-search-q">' in html and 'id="header-search-q" name="q"' in html


# --- PostgreSQL ---------------------------------------------------------------------------


@postgres_only
@pytest.mark.django_db
def test_postgres_stores_a_weighted_tsvector_with_a_gin_index():
    article = ArticleFactory(title="富硒苹果", summary="宝塔区", body="<p>书社</p>")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM news_article WHERE id = %s", [article.pk])
        (vector,) = cursor.fetchone()
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_vector_gin'")
        (indexdef,) = cursor.fetchone()
    assert "'富硒':1A" in vector and "'宝塔区':" in vector and re.search(r"'书社':\d+C", vector)
    assert "USING gin (search_vector)" in indexdef


@postgres_only
@pytest.mark.django_db
def test_postgres_query_uses_the_gin_index():
    ArticleFactory.create_batch(5)
    # A table this small is read sequentially; the plan shows the index can serve the match.
    query = match_articles(parse_query("海员"), Article.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        plan = query.explain()
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_indexscan")
    assert "article_search_vector_gin" in plan


@postgres_only
@pytest.mark.django_db
def test_postgres_ranks_the_candidates_passed_as_one_array_parameter(django_assert_num_queries):
    from news.search import find_articles

    articles = ArticleFactory.create_batch(12, title=factory_title("海员"))
    ArticleFactory(title="富硒苹果")
    with django_assert_num_queries(2) as queries:
        ranked, total, capped = find_articles(parse_query("海员"), Article.objects.published(), limit=10)
        page = list(ranked[:5])
    assert (total, capped, len(page)) == (10, True, 5)
    assert {a.pk for a in page} <= {a.pk for a in articles}
    ranking = queries.captured_queries[1]["sql"]
    assert "= ANY(" in ranking and ".\"id\" IN (" not in ranking  # not one placeholder per id


@postgres_only
@pytest.mark.django_db
def test_postgres_tsquery_syntax_is_inert(reader):
    ArticleFactory(title="富硒苹果获奖")
    for query in ["富硒 & !苹果", "富硒:*", "''", "'富' | '硒'", "\\'", "a:A", "<->"]:
        assert reader.get("/search/", {"q": query}).status_code == 200
    assert top_titles("富硒 & !苹果") == ["富硒苹果获奖"]  # ! is punctuation, not NOT


@pytest.mark.django_db
def test_admin_save_indexes_the_counties_set_in_the_form(admin_client):
    channel = ChannelFactory()
    county = CountyBranch.objects.get(slug="huangling")
    response = admin_client.post(
        "/admin/news/article/add/",
        {
            "title": "读书分享会",
            "channel": channel.pk,
            "summary": "",
            "body": "<p>活动</p>",
            "source": "延安市老促会",
            "counties": [county.pk],
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "attachments-MIN_NUM_FORMS": "0",
            "attachments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    # (a draft: publishing belongs to the editorial workflow; the index covers every article)
    article = Article.objects.get(title="读书分享会")
    assert article.search_text.endswith("黄陵县") and "'黄陵县'" in (article.search_vector or "'黄陵县'")
    assert match_articles(parse_query("黄陵"), Article.objects.all()).get() == article


@pytest.mark.django_db
def test_the_year_filter_follows_a_scheduled_article_into_a_new_year(reader):
    from zoneinfo import ZoneInfo

    import time_machine

    from news.selectors import search_facets

    shanghai = ZoneInfo("Asia/Shanghai")
    new_year = timezone.datetime(2031, 1, 1, tzinfo=shanghai)
    with time_machine.travel(new_year - timedelta(minutes=1), tick=False):
        ArticleFactory(title="海员年终总结", published_at=new_year - timedelta(days=30))
        ArticleFactory(title="海员新年贺词", published_at=new_year + timedelta(minutes=1))  # scheduled
        assert search_facets()["years"] == [2030]  # and now cached
    with time_machine.travel(new_year + timedelta(minutes=3), tick=False):
        assert search_facets()["years"] == [2031, 2030]
        html = reader.get("/search/", {"q": "海员", "year": "2031"}).content.decode()
        assert "筛选条件无效" not in html and "新年贺词" in html and "年终总结" not in html


@pytest.mark.django_db
def test_a_hidden_programme_leaves_the_search_filters_at_once(reader):
    from projects.models import Programme

    ArticleFactory(title="海员培训又有新学员")
    programme = Programme.objects.create(name="乡村康养试点", slug="care-pilot")
    search = {"q": "海员"}
    assert "乡村康养试点</a>" in reader.get("/search/", search).content.decode()  # the filters are now cached
    programme.is_active = False
    programme.save()
    html = reader.get("/search/", search).content.decode()
    assert "培训又有新学员" in html and "care-pilot" not in html and "乡村康养试点" not in html
    stale_link = reader.get("/search/", {**search, "programme": "care-pilot"})
    assert stale_link.status_code == 200 and "乡村康养试点" not in stale_link.content.decode()
