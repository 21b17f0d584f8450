"""A reader's journey on a phone: from the home page to 延安海员培训, its chart, then the
high-contrast and large-text modes that the header offers."""

import re

import pytest
from playwright.sync_api import expect
from django.core.management import call_command

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def axe_violations(page) -> str:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return results.generate_report() if results.violations_count else ""


def chart_style(page) -> dict:
    return page.evaluate(
        """() => {
            const svg = document.querySelector('svg.chart');
            const text = svg.querySelector('text.chart-value');
            const line = svg.querySelector('.chart-line');
            const box = svg.getBoundingClientRect();
            return {
                width: box.width,
                text: getComputedStyle(text).fill,
                textSize: parseFloat(getComputedStyle(text).fontSize),
                background: getComputedStyle(svg).backgroundColor,
                line: getComputedStyle(line).stroke,
                scrollWidth: document.documentElement.scrollWidth,
                viewport: window.innerWidth,
            };
        }"""
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_reader_opens_seafarers_sees_chart_in_high_contrast_and_large_text(phone_page):
    call_command("load_demo", verbosity=0)
    page = phone_page
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(r.url))

    page.goto("/")
    page.locator(".programme-block").get_by_role("link", name="延安海员培训").click()
    page.wait_for_url(re.compile(r"/programmes/seafarers/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "延安海员培训"
    assert "6,000+" in page.locator(".key-figures").inner_text()

    chart = page.get_by_role("img", name=re.compile("累计培训海员"))
    chart.scroll_into_view_if_needed()
    assert chart.is_visible()
    style = chart_style(page)
    assert style["width"] >= 300  # fills the phone's column
    assert style["scrollWidth"] <= style["viewport"]
    assert page.locator("table.data-table").first.is_visible()
    assert axe_violations(page) == ""

    # High contrast, as the header offers it: the chart follows the page's colours.
    page.get_by_role("link", name="高对比度").click()
    page.wait_for_url(re.compile(r"/programmes/seafarers/$"))
    assert "contrast-high" in page.locator("html").get_attribute("class")
    style = chart_style(page)
    assert style["background"] == "rgb(0, 0, 0)"
    assert style["text"] == "rgb(255, 255, 255)"
    assert style["line"] == "rgb(255, 255, 0)"
    assert page.get_by_role("img", name=re.compile("累计培训海员")).is_visible()
    assert axe_violations(page) == ""

    # Largest text: labels grow, nothing runs off the side of the phone.
    page.get_by_role("link", name="字号特大").click()
    page.wait_for_url(re.compile(r"/programmes/seafarers/$"))
    classes = page.locator("html").get_attribute("class")
    assert "text-xl" in classes and "contrast-high" in classes
    style = chart_style(page)
    assert style["textSize"] >= 18
    assert style["scrollWidth"] <= style["viewport"]
    assert page.get_by_role("img", name=re.compile("累计培训海员")).is_visible()
    assert axe_violations(page) == ""
    # The base has no favicon yet (a 404 the browser asks for by itself); nothing else may fail.
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []
    assert [e for e in page.console_errors if not e.startswith("Failed to load resource")] == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_programme_page_passes_axe_in_both_colour_modes(phone_page, live_server):
    call_command("load_demo", verbosity=0)
    paths = ["/programmes/"] + [
        f"/programmes/{slug}/" for slug in ["seafarers", "selenium", "reading-rooms", "ten-towns", "elderly-care"]
    ]
    for contrast in ["normal", "high"]:
        phone_page.context.add_cookies([{"name": "contrast", "value": contrast, "url": live_server.url}])
        for path in paths:
            phone_page.goto(path)
            assert f"contrast-{contrast}" in phone_page.locator("html").get_attribute("class")
            assert axe_violations(phone_page) == "", (contrast, path)


@pytest.fixture
def programme_keeper(transactional_db):
    """The demo content and 项目 staff who may change programmes (and nothing else), logged
    in as "xiangmu" by the tests; returns 红色乡村(校园)书社 and its admin page."""
    from django.contrib.auth.models import Permission

    from news.tests.roles import make_staff
    from projects.models import Programme

    call_command("load_demo", verbosity=0)
    keeper = make_staff("xiangmu", None)
    keeper.is_staff = True
    keeper.save()
    keeper.user_permissions.add(*Permission.objects.filter(codename__in=["view_programme", "change_programme"]))
    programme = Programme.objects.get(slug="reading-rooms")
    return programme, f"/admin/projects/programme/{programme.pk}/change/"


def add_to_the_programme_text(page, change_url, text):
    """As the programme keeper: open the programme, write ``text`` at the end of its text and
    wait until 草稿保护 has kept a copy of it."""
    from news.tests.roles import log_in, put_cursor_at_end, wait_for_kept_copy

    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    log_in(page, "xiangmu")
    page.goto(change_url)
    put_cursor_at_end(page, page.locator(".tiptap.ProseMirror").first)
    page.keyboard.type(text)
    wait_for_kept_copy(page, text)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_programme_introduction_gets_a_photo_as_an_article_does(desktop_page, programme_keeper, tmp_path):
    """Not only articles: whoever keeps a programme's page writes it in the same editor, in
    Chinese, uploads a photo from inside it and writes on below the photo."""
    from PIL import Image

    from news.tests.roles import insert_photo, log_in, put_cursor_at_end

    programme, change_url = programme_keeper
    photo = tmp_path / "书社.jpg"
    Image.new("RGB", (1200, 900), (200, 120, 40)).save(photo)
    page = desktop_page
    log_in(page, "xiangmu")
    page.goto(change_url)
    # The 段落 dropdown's arrow is drawn, not the character ⏷ that office PCs' fonts lack (a box).
    arrow = page.locator(".prose-menubar__selected").first.evaluate("e => getComputedStyle(e, '::after').content")
    assert arrow == '""'
    put_cursor_at_end(page, page.locator(".tiptap.ProseMirror").first)
    insert_photo(page, photo, alt="孩子们在书社里读书")
    # No caption: the editor selects the whole photo, and Enter still starts a paragraph below it.
    page.keyboard.press("Enter")
    page.keyboard.type("书社每周开放五天。")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/change/$"))
    programme.refresh_from_db()
    assert re.search(r'<img src="/media/photos/[^"]+" alt="孩子们在书社里读书"[^>]*>.*</figure>\s*<p>书社每周开放五天。</p>$',
                     programme.body, re.S), programme.body
    # Readers see it on the programme's page at once (the page cache is cleared by the save).
    page.goto("/programmes/reading-rooms/")
    photo_on_page = page.get_by_role("img", name="孩子们在书社里读书")
    expect(photo_on_page).to_be_visible()
    expect(photo_on_page).to_have_js_property("complete", True)  # loading="lazy": after the page's load
    assert photo_on_page.evaluate("img => img.naturalWidth > 0")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_programme_text_typed_while_the_login_ran_out_is_restored_after_logging_in_again(desktop_page, programme_keeper):
    """草稿保护 is not the article's alone: a programme's introduction written for longer than
    the login lasts is kept on the computer and offered again after logging in."""
    from django.conf import settings

    from news.tests.roles import PASSWORD

    programme, change_url = programme_keeper
    page = desktop_page
    add_to_the_programme_text(page, change_url, "今年新建书社十个。")

    # The login ends (two hours without a request): 保存 leads to the login page, and back.
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r"/admin/login/"))
    page.fill("#id_username", "xiangmu")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(re.escape(change_url) + "$"))
    programme.refresh_from_db()
    assert "今年新建书社十个。" not in programme.body
    expect(page.locator(".tiptap.ProseMirror").first).not_to_contain_text("今年新建书社十个。")

    notice = page.locator(".draft-notice")
    expect(notice).to_contain_text("这台电脑上保存着本页")
    notice.get_by_role("button", name="恢复这些内容").click()
    expect(page.locator(".tiptap.ProseMirror").first).to_contain_text("今年新建书社十个。")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(re.escape(change_url) + "$"))
    expect(page.locator(".messagelist .success")).to_be_visible()
    programme.refresh_from_db()
    assert programme.body.endswith("今年新建书社十个。</p>"), programme.body
    # Saved: the copy is gone, and the page opens with no offer.
    page.goto(change_url)
    page.wait_for_load_state("load")
    expect(page.locator(".draft-notice")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_form_left_open_is_saved_after_logging_in_again_in_another_tab(desktop_page, programme_keeper):
    """A login changes the CSRF token: a programme form opened before logging out and in again
    in another tab carried the old one, and its 保存 was refused as expired (403). Back at the
    page it takes the new login's token, but only its own user's: a colleague logged in on the
    same computer cannot save it under their name."""
    from django.contrib.auth.models import Permission

    from news.tests.roles import log_in, make_staff, put_cursor_at_end

    programme, change_url = programme_keeper
    colleague = make_staff("tongshi", None)
    colleague.is_staff = True
    colleague.save()
    colleague.user_permissions.add(*Permission.objects.filter(codename__in=["view_programme", "change_programme"]))
    page = desktop_page
    log_in(page, "xiangmu")
    page.goto(change_url)
    opened_with = page.input_value("input[name=csrfmiddlewaretoken]")

    def log_in_again_in_another_tab(username):
        other_tab = page.context.new_page()
        other_tab.goto("/admin/")
        other_tab.get_by_role("button", name="注销").click()
        other_tab.wait_for_load_state("load")
        log_in(other_tab, username)
        other_tab.close()

    # A colleague logs in on this computer: the page does not take their token.
    log_in_again_in_another_tab("tongshi")
    put_cursor_at_end(page, page.locator(".tiptap.ProseMirror").first)
    expect(page.locator(".draft-notice")).to_contain_text("现在这台电脑上登录的是另一个账号")
    assert page.input_value("input[name=csrfmiddlewaretoken]") == opened_with

    # The page's own user logs in again: back at the page, it takes the new token and saves.
    log_in_again_in_another_tab("xiangmu")
    page.wait_for_timeout(3_500)  # the page asks at most every 3 s
    put_cursor_at_end(page, page.locator(".tiptap.ProseMirror").first)
    page.wait_for_function("token => document.querySelector('input[name=csrfmiddlewaretoken]').value !== token", arg=opened_with)
    expect(page.locator(".draft-notice")).to_have_count(0)
    page.keyboard.type("另一个标签页重新登录以后写的。")
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(re.escape(change_url) + "$"))
    expect(page.locator(".messagelist .success")).to_be_visible()
    programme.refresh_from_db()
    assert programme.body.endswith("另一个标签页重新登录以后写的。</p>"), programme.body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 820])
def test_every_field_of_a_programmes_figures_is_in_sight(desktop_page, width):
    """历年数据 as a ten-column table was 1,700 px wide: 来源说明 (required for real figures),
    备注 and 删除 sat beyond the edge of the box, even on a desktop."""
    from django.contrib.auth.models import User

    from news.tests.roles import PASSWORD, log_in
    from projects.models import Programme

    call_command("load_demo", verbosity=0)
    User.objects.create_superuser("guanli", password=PASSWORD)
    page = desktop_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "guanli")
    programme = Programme.objects.get(slug="reading-rooms")
    page.goto(f"/admin/projects/programme/{programme.pk}/change/")
    figures = page.locator("#figures-group")
    assert figures.evaluate("group => group.scrollWidth <= group.clientWidth + 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    first = page.locator("#figures-0")
    box = figures.bounding_box()
    for name in ("source_text", "note", "DELETE"):
        field = first.locator(f"[name=figures-0-{name}]").bounding_box()
        assert field["x"] >= box["x"] and field["x"] + field["width"] <= box["x"] + box["width"] + 1, name


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_after_an_edit_conflict_the_kept_text_is_shown_to_merge_by_hand(desktop_page, programme_keeper):
    """The conflict message says to copy one's changes and reopen the page; reopened, the kept
    copy was offered for 恢复, which put back the colleague's fields and was refused again."""
    from news.tests.roles import open_a_copy_older_than_a_colleagues_save
    from projects.models import Programme

    programme, change_url = programme_keeper
    page = desktop_page
    add_to_the_programme_text(page, change_url, "我写的新段落。")
    Programme.objects.filter(pk=programme.pk).update(summary="同事刚改过的简介")  # a colleague saves
    page.click("input[name=_continue]")
    page.wait_for_load_state("load")
    expect(page.locator(".messagelist .error")).to_contain_text("已被他人修改")

    page.goto(change_url)
    kept = open_a_copy_older_than_a_colleagues_save(page)
    expect(kept).to_contain_text("我写的新段落。")
    expect(kept).not_to_contain_text("<p>")
    assert page.locator("#id_summary").input_value() == "同事刚改过的简介"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_date_pickers_month_reads_as_chinese_writes_it(desktop_page):
    """Django's date picker titled its month “十二月 2026” (month name, space, year, joined in
    its code); static/js/admin-calendar.js writes it “2026年12月”, also after turning the month."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from news.tests.roles import PASSWORD, log_in

    User.objects.create_superuser("guanli", password=PASSWORD)
    page = desktop_page
    log_in(page, "guanli")
    page.goto("/admin/projects/readingroom/add/")
    page.locator("#calendarlink0").click()
    caption = page.locator("#calendarin0 caption")
    today = timezone.localdate()
    expect(caption).to_have_text(f"{today.year}年{today.month}月")
    page.locator("#calendarbox0 .calendarnav-next").click()
    following = (today.replace(day=1) + timezone.timedelta(days=31)).replace(day=1)
    expect(caption).to_have_text(f"{following.year}年{following.month}月")
    # Choosing a day still fills the field as Django's picker does (zh_Hans writes 2027/01/15).
    page.locator("#calendarin0 a", has_text=re.compile(r"^15$")).click()
    assert page.locator("#id_opened").input_value() == following.replace(day=15).strftime("%Y/%m/%d")
