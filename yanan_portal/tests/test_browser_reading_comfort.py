"""Reading comfort for older readers, measured in Chromium (issue 8, 适老化)."""

import re

import pytest
from playwright.sync_api import expect

from conftest import NARROW_PHONE, PHONE, new_checked_page
from news.models import Article
from yanan_portal.tests.browser_checks import assert_axe_clean, assert_no_console_errors, horizontal_overflow

SEED_PREFIX = "陕西延安:不断加强自身建设"

# Every control a reader taps, as (selector, what to call it). Links inside running text
# (display: inline) are exempt, as WCAG 2.5.5 exempts inline targets.
TARGETS_JS = """(minimum) => {
    const small = [];
    for (const el of document.querySelectorAll("a[href], button, summary, input, select, textarea")) {
        const style = getComputedStyle(el);
        if (style.display === "inline" || el.closest("[hidden]") || el.classList.contains("skip-link")) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;  // inside a closed menu
        if (box.width < minimum || box.height < minimum) {
            small.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 20)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
        }
    }
    return small;
}"""


def seed_url():
    return Article.objects.get(title__startswith=SEED_PREFIX).get_absolute_url()


def measure(page, selector):
    return page.eval_on_selector(
        selector,
        """el => { const s = getComputedStyle(el); return {
            size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight),
            after: parseFloat(s.marginBottom), align: s.textAlign}; }""",
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "size, minimum_text, minimum_target",
    [("md", 18, 44), ("lg", 24, 44), ("xl", 30, 60)],
)
def test_text_sizes_line_height_and_tap_targets(chromium, live_server, a11y_tools, demo_content, settings, size, minimum_text, minimum_target):
    settings.NEWS_PAGE_SIZE = 5  # so that the channel page has page links to measure
    page = new_checked_page(chromium, live_server, cookies={"textsize": size}, **PHONE)
    for path in ["/", "/news/org/", seed_url(), "/accessibility/"]:
        page.goto(path)
        expect(page.locator("html")).to_have_class(re.compile(rf"\btext-{size}\b"))
        text = measure(page, ".article-body p" if "/news/org/" in path and path != "/news/org/" else "main p")
        assert text["size"] >= minimum_text, f"{path}: body text {text['size']}px at {size}"
        assert text["line"] / text["size"] >= 1.5, f"{path}: line height {text['line']}/{text['size']}"
        # Paragraph spacing larger than the gap between lines.
        assert text["after"] > text["line"] - text["size"], f"{path}: paragraph spacing {text['after']}px"
        justified = page.evaluate(
            "() => [...document.querySelectorAll('body *')].filter(el => getComputedStyle(el).textAlign === 'justify').length"
        )
        assert justified == 0, f"{path}: justified text"
        page.locator(".nav-menu > summary").click()  # open the phone menu so that its links are measured
        small = page.evaluate(TARGETS_JS, minimum_target)
        assert not small, f"{path} at {size}: targets under {minimum_target}px: {small}"
        # The footer has no running text: each of its links is a target, so none is exempt.
        inline = page.evaluate(
            "() => [...document.querySelectorAll('footer a[href]')]"
            ".filter(a => getComputedStyle(a).display === 'inline').map(a => a.textContent.trim())"
        )
        assert not inline, f"{path}: footer links measured as running text: {inline}"
        page.set_viewport_size({"width": 320, "height": 740})
        assert horizontal_overflow(page) <= 0, f"{path} scrolls sideways at 320px in size {size}"
        page.set_viewport_size(PHONE["viewport"])
    assert_no_console_errors(page)
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_size_and_contrast_switches_are_server_rendered_and_work_without_javascript(chromium, live_server, a11y_tools, demo_content):
    page = new_checked_page(chromium, live_server, java_script_enabled=False, **PHONE)
    page.goto("/accessibility/")
    tools = page.get_by_role("group", name="阅读设置")
    tools.get_by_role("link", name="字号特大").click()
    expect(page).to_have_url(re.compile(r"/accessibility/$"))
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-xl\b"))
    expect(tools.get_by_role("link", name="字号特大")).to_have_attribute("aria-current", "true")
    tools.get_by_role("link", name="高对比度").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bcontrast-high\b"))
    page.wait_for_load_state()  # the stylesheet applied, not the browser's transparent default
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    tools.get_by_role("link", name="标准配色").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bcontrast-normal\b"))
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-xl\b"))
    expect(page.locator("main")).to_contain_text("当前字号:特大")
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", ["lg", "xl"])
def test_on_a_phone_in_large_text_the_article_starts_on_the_first_screen(chromium, live_server, a11y_tools, demo_content, size):
    """At 特大 the header grew with the text: 550 of a 390×844 phone's 844 px, the title at 679 px
    and the first line of the article at 1,568 px. It keeps about its 标准 size there now."""
    page = new_checked_page(chromium, live_server, cookies={"textsize": size}, **PHONE)
    page.goto(seed_url())
    expect(page.locator("html")).to_have_class(re.compile(rf"\btext-{size}\b"))
    header = page.locator(".site-header").bounding_box()
    title = page.locator(".article-header h1").bounding_box()
    assert header["y"] + header["height"] <= 300, f"header ends at {header['y'] + header['height']} px"
    assert title["y"] <= 844 / 2, f"the title starts at {title['y']} px"
    # Every control of the header still on the screen's width and as large as the size asks.
    controls = page.locator(".site-header .header-top").locator("a, input, button")
    minimum = 60 if size == "xl" else 44
    for box in [control.bounding_box() for control in controls.all()]:
        assert box["height"] >= minimum and box["x"] + box["width"] <= 390
    assert horizontal_overflow(page) <= 0
    # On every width the promise covers, the search button stays beside its box.
    for width in (390, 360, 320):
        page.set_viewport_size({"width": width, "height": 740})
        box, button = page.locator("#header-search-q").bounding_box(), page.locator(".header-search button").bounding_box()
        assert abs(box["y"] - button["y"]) < 2 and button["x"] + button["width"] <= width, width
        assert horizontal_overflow(page) <= 0, width
    assert_no_console_errors(page)
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_changing_the_text_size_leaves_back_to_the_page_before(chromium, live_server, a11y_tools, demo_content):
    """字号 comes back to the same page in place of it in the history: 返回 then goes to the list
    the reader came from, not to the same article at the size before."""
    page = new_checked_page(chromium, live_server, **PHONE)
    page.goto("/news/org/")
    page.get_by_role("link", name=re.compile(SEED_PREFIX)).first.click()
    expect(page.locator("h1")).to_have_text(re.compile(SEED_PREFIX))
    page.get_by_role("group", name="阅读设置").get_by_role("link", name="字号大").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-lg\b"))
    page.get_by_role("group", name="文章工具").get_by_role("link", name="字号特大").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-xl\b"))
    expect(page).to_have_url(re.compile(re.escape(seed_url()) + "$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/news/org/$"))
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-xl\b"))
    assert_no_console_errors(page)
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_page_back_from_the_back_forward_cache_takes_the_size_chosen_since(chromium, live_server, a11y_tools, demo_content):
    """Phones' browsers (iOS Safari, WeChat, Chrome on Android) show the list 返回 goes to as it was
    drawn, at the size before. Playwright's Chromium runs without that cache, so the browser's
    restoring event is sent by hand: the page is drawn again only when 字号 or 配色 changed."""
    page = new_checked_page(chromium, live_server, **PHONE)
    page.goto("/news/org/")
    page.evaluate("window.drawnOnce = true")
    restored = "() => window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))"
    page.evaluate(restored)  # nothing changed: the same page stays
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: false}))")
    assert page.evaluate("window.drawnOnce") is True
    page.context.add_cookies([{"name": "textsize", "value": "xl", "url": live_server.url}])
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: false}))")
    assert page.evaluate("window.drawnOnce") is True  # a page loaded anew is drawn as it is
    with page.expect_navigation():
        page.evaluate(restored)
    expect(page.locator("html")).to_have_class(re.compile(r"\btext-xl\b"))
    page.context.add_cookies([{"name": "contrast", "value": "high", "url": live_server.url}])
    with page.expect_navigation():
        page.evaluate(restored)
    expect(page.locator("html")).to_have_class(re.compile(r"\bcontrast-high\b"))
    assert_no_console_errors(page)
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_print_button_inside_wechat(chromium, live_server, a11y_tools, demo_content):
    """WeChat's own browser cannot print: 打印 would do nothing there."""
    wechat = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47"
    page = new_checked_page(chromium, live_server, user_agent=wechat, **PHONE)
    page.goto(seed_url())
    expect(page.get_by_role("group", name="文章工具").get_by_role("link", name="字号特大")).to_be_visible()
    expect(page.locator("[data-print]")).to_be_hidden()
    other = new_checked_page(chromium, live_server, **PHONE)
    other.goto(seed_url())
    expect(other.get_by_role("button", name="打印")).to_be_visible()
    page.context.close()
    other.context.close()


FOCUS_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    return {
        name: el.tagName.toLowerCase() + " " + (el.textContent || "").trim().slice(0, 15),
        outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
        shadow: s.boxShadow !== "none",
    };
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_keyboard_alone_skip_link_menu_focus_visible_and_no_trap(chromium, live_server, a11y_tools, demo_content):
    page = new_checked_page(chromium, live_server, **NARROW_PHONE)
    page.goto(seed_url())

    # The first Tab lands on the skip link, visible; Enter moves focus to the main content.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # The phone menu opens with the keyboard, and its links come next in the Tab order.
    page.locator(".nav-menu > summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".nav-menu")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.locator(".nav-menu .nav-list a").first).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".nav-menu")).not_to_have_attribute("open", "")

    # Tab through the whole page: every stop shows its focus, and focus leaves the page at the end.
    page.goto(seed_url())
    stops = []
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_JS)
        if focused is None:
            break
        stops.append(focused)
    else:
        pytest.fail("focus never left the page: a keyboard trap")
    assert len(stops) > 10
    unmarked = [stop["name"] for stop in stops if not (stop["outline"] or stop["shadow"])]
    assert not unmarked, f"no visible focus on {unmarked}"
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_current_page_is_marked_in_navigation_and_pagination(chromium, live_server, a11y_tools, demo_content, settings):
    settings.NEWS_PAGE_SIZE = 3
    page = new_checked_page(chromium, live_server, viewport={"width": 1366, "height": 900})
    page.goto("/news/work/?page=2")
    navigation = page.locator(".nav-wide")
    expect(navigation.locator("a[aria-current]")).to_have_text("工作动态")
    expect(navigation.locator("a[aria-current]")).to_have_attribute("aria-current", "page")
    expect(page.locator(".pagination a[aria-current='page']")).to_have_text("2")
    page.goto("/news/work-city/")
    # A child channel: its section is marked, but it is not the page itself.
    expect(navigation.locator("a[aria-current]")).to_have_attribute("aria-current", "true")
    page.goto(seed_url())
    expect(navigation.locator("a[aria-current]")).to_have_text("组织建设")
    expect(navigation.locator("a[aria-current]")).to_have_attribute("aria-current", "true")
    page.goto("/branches/")
    expect(navigation.locator("a[aria-current]")).to_have_text("县区老促会")
    page.context.close()


# A stand-in for the browser's speech engine: headless Chromium on Linux has no voices.
FAKE_SPEECH = """(() => {
    window.__speech = {spoken: [], calls: []};
    class FakeUtterance { constructor(text) { this.text = text; } }
    const engine = {
        speaking: false, paused: false, pending: false,
        getVoices: () => [{name: "测试普通话", lang: "zh-CN", default: true, localService: true, voiceURI: "test"}],
        speak(u) { window.__speech.spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.lang}); window.__speech.calls.push("speak"); },
        cancel() { window.__speech.calls.push("cancel"); },
        pause() { window.__speech.calls.push("pause"); },
        resume() { window.__speech.calls.push("resume"); },
        addEventListener() {},
    };
    Object.defineProperty(window, "speechSynthesis", {value: engine, configurable: true});
    Object.defineProperty(window, "SpeechSynthesisUtterance", {value: FakeUtterance, configurable: true});
})();"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_read_aloud_speaks_the_article_in_a_chinese_voice(chromium, live_server, a11y_tools, demo_content):
    page = new_checked_page(chromium, live_server, **PHONE)
    page.context.add_init_script(FAKE_SPEECH)
    page.goto(seed_url())
    box = page.get_by_role("group", name="朗读")
    switch = box.get_by_role("switch", name="朗读")
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(box.get_by_role("button", name="播放")).to_be_hidden()

    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    assert_axe_clean(page)
    box.get_by_role("button", name="播放").click()
    spoken = page.evaluate("() => window.__speech.spoken")
    assert spoken[0]["text"].startswith(SEED_PREFIX)
    assert all(item["lang"] == "zh-CN" and item["voice"] == "zh-CN" for item in spoken)
    assert all(len(item["text"]) <= 400 for item in spoken)
    full_text = "".join(item["text"] for item in spoken)
    assert "一、" in full_text and "市老促会" in full_text
    expect(box.get_by_role("status")).to_have_text("正在朗读")

    box.get_by_role("button", name="暂停").click()
    expect(box.get_by_role("button", name="继续")).to_be_enabled()
    box.get_by_role("button", name="继续").click()
    box.get_by_role("button", name="停止").click()
    expect(box.get_by_role("button", name="停止")).to_be_disabled()
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(box.get_by_role("button", name="播放")).to_be_hidden()
    calls = page.evaluate("() => window.__speech.calls")
    assert calls.index("pause") < calls.index("resume") < len(calls) - 1 and calls[-1] == "cancel"
    assert_no_console_errors(page)
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_read_aloud_stays_hidden_without_a_chinese_voice(chromium, live_server, a11y_tools, demo_content):
    page = new_checked_page(chromium, live_server, **PHONE)
    page.context.add_init_script("Object.defineProperty(window.speechSynthesis, 'getVoices', {value: () => []});")
    page.goto(seed_url())
    expect(page.locator("[data-read-aloud]")).to_be_hidden()
    page.context.close()


# Elements whose text must stay on one line: a number split as "10,00 / 0+" or a county
# as "宝塔 / 区" is misread. A second line is a text box that starts below another one ends
# (a smaller unit such as <small>人</small> on the same line overlaps it vertically).
SPLIT_JS = """(selector) => [...document.querySelectorAll(selector)].filter(el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const boxes = [...range.getClientRects()].filter(r => r.width > 0);
    return boxes.some(a => boxes.some(b => b.top >= a.bottom - 1));
}).map(el => el.textContent.trim())"""

FIGURE_PAGES = ["/", "/about/", "/about/leadership/", "/branches/"]

# Every cell of the table lies inside the box it scrolls in, and nothing is left to scroll to.
TABLE_FITS_JS = """(table) => {
    const box = table.closest(".table-scroll").getBoundingClientRect();
    return table.closest(".table-scroll").scrollWidth <= box.width + 1
        && [...table.querySelectorAll("th, td")].every(cell => cell.getBoundingClientRect().right <= box.right + 1);
}"""
LABEL_JS = "(cell) => getComputedStyle(cell, '::before').content.split(' / ')[0]"
SAME_SIZE_UPRIGHT_JS = """(cell) => [...cell.closest("table").querySelectorAll("th, td")].every(each =>
    getComputedStyle(each).fontSize === getComputedStyle(document.body).fontSize
    && getComputedStyle(each).fontStyle === "normal")"""


CHART_LABEL_PX_JS = """() => Math.min(...[...document.querySelectorAll("svg.chart text")].map(t => {
    const svg = t.closest("svg");
    return parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
}))"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chart_labels_stay_readable_on_a_phone_at_standard_size(chromium, live_server, demo_content):
    from projects.models import Programme

    page = new_checked_page(chromium, live_server, **NARROW_PHONE)
    for programme in Programme.objects.visible():
        page.goto(programme.get_absolute_url())
        assert page.locator("svg.chart").count() > 0
        # The chart fits the screen (no sideways scrolling at 标准) and its labels stay at 12 px or more.
        assert horizontal_overflow(page) <= 0
        for region in page.locator(".chart-scroll").all():
            assert region.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
        smallest = page.evaluate(CHART_LABEL_PX_JS)
        assert smallest >= 12, f"{programme.get_absolute_url()}: chart labels {smallest:.1f} px"
    assert_no_console_errors(page)
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", ["lg", "xl"])
def test_large_text_keeps_numbers_and_names_whole_and_tables_inside_the_page(chromium, live_server, demo_content, size):
    from projects.models import Programme

    page = new_checked_page(chromium, live_server, cookies={"textsize": size}, **NARROW_PHONE)
    programmes = [programme.get_absolute_url() for programme in Programme.objects.visible()]
    assert len(programmes) == 5
    page.goto("/search/?q=%25")
    assert page.evaluate(SPLIT_JS, ".search-form button") == []  # 搜索 on one line
    for url in FIGURE_PAGES + programmes:
        page.goto(url)
        expect(page.locator("html")).to_have_class(re.compile(rf"\btext-{size}\b"))
        assert horizontal_overflow(page) <= 0, f"{url} scrolls sideways at 字号 {size}"
        assert page.evaluate(SPLIT_JS, ".figure-value, .county-grid a") == [], url
        # Chart labels keep the size the reader chose (the chart scrolls in its box instead).
        smallest = page.evaluate(CHART_LABEL_PX_JS)
        assert smallest >= 17 or url not in programmes, f"{url}: chart labels {smallest:.1f} px"
        if url in programmes:
            # "全部年份" only where there are several (a chart of one year has nothing more to show).
            expect(page.locator(".scroll-hint").first).to_have_text(re.compile(r"^图表较宽,可左右滑动查看(全部年份)?。$"))
            expect(page.locator(".scroll-hint").first).to_be_visible()
        # A wide chart scrolls inside its own box, which the keyboard can reach.
        for region in page.locator(".table-scroll, .chart-scroll").all():
            assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")
            assert region.evaluate("el => el.getBoundingClientRect().right") <= 360
        # A table does not: its rows stack as cards, no column is cut off at the screen's edge and
        # each cell shows its column's name.
        for table in page.locator("table.stacked-table").all():
            assert table.evaluate(TABLE_FITS_JS), f"{url}: a table is cut off at 字号 {size}"
            cell = table.locator("td[data-label]").first
            assert cell.evaluate(LABEL_JS) == f'"{cell.get_attribute("data-label")}:"', url
            # At the size the reader chose, upright (Chinese has no italics: slanted is hard to read).
            assert cell.evaluate(SAME_SIZE_UPRIGHT_JS), url
        if url == "/about/leadership/":
            # Stacked, it is still a table to a screen reader: rows, row headers and cells.
            table = page.get_by_role("table", name="延安市老促会领导班子")
            row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="会长"))
            expect(row.get_by_role("cell", name="杨霄")).to_be_visible()
    assert_no_console_errors(page)
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_page_printed_in_high_contrast_keeps_its_table_lines(chromium, live_server, demo_content):
    """Printing turns the page black on white, the lines of tables and cards included (they
    were white on white paper when the reader had chosen 高对比度)."""
    page = new_checked_page(chromium, live_server, cookies={"contrast": "high"}, **NARROW_PHONE)
    page.goto("/about/leadership/")
    page.emulate_media(media="print")
    colours = page.evaluate("""() => {
        const row = document.querySelector('.stacked-table tbody tr');
        return [getComputedStyle(row).borderTopColor, getComputedStyle(document.body).backgroundColor];
    }""")
    assert colours[1] == "rgb(255, 255, 255)" and colours[0] != colours[1], colours
    page.context.close()
