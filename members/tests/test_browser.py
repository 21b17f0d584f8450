import re

import pytest

from conftest import PHONE, new_checked_page
from members import demo as members_demo
from members.tests.factories import ensure_counties
from yanan_portal.tests.browser_checks import assert_no_console_errors


@pytest.fixture
def branches(transactional_db):
    # A transactional test's database starts without the data migration's rows.
    ensure_counties()
    return members_demo.load()


def _expect_luochuan(page):
    page.wait_for_url(re.compile(r"/branches/luochuan/$"))
    assert page.locator("h1").inner_text() == "洛川县老促会"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_phone_reader_reaches_a_county_by_map_and_by_list_and_calls_it(phone_page, branches):
    page = phone_page
    failures = []
    # favicon.ico is not the members app's (no icon exists yet); anything else must load.
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and failures.append(r.url))
    page.goto("/")
    page.locator(".home-members h2 a", has_text="县区老促会").click()
    page.wait_for_url(re.compile(r"/branches/$"))
    assert page.locator("h1").inner_text() == "县区老促会"

    # by the map: the county tile is a keyboard-focusable link named by its text
    tile = page.locator("svg a.county-tile", has_text="洛川县")
    tile.focus()
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/branches/luochuan/"
    box = tile.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    tile.click()
    _expect_luochuan(page)

    # by the plain list
    page.go_back()
    page.wait_for_url(re.compile(r"/branches/$"))
    page.get_by_role("link", name="洛川县", exact=True).last.click()
    _expect_luochuan(page)

    # the phone number is a tel: link big enough to tap
    phone = page.locator("a.tel-link")
    assert phone.get_attribute("href") == "tel:09110000010"
    assert phone.bounding_box()["height"] >= 44
    phone.click()
    page.wait_for_timeout(300)
    assert page.url.endswith("/branches/luochuan/")  # the dialer opens; the page stays
    assert failures == []
    assert [e for e in page.console_errors if "status of 404" not in e] == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_map_tiles_are_reachable_by_keyboard(phone_page, branches):
    page = phone_page
    page.goto("/branches/")
    page.locator("svg a.county-tile").first.focus()
    names = []
    for _ in range(13):
        names.append(page.evaluate("document.activeElement.textContent.trim()"))
        page.keyboard.press("Tab")
    assert len(set(names)) == 13
    page.locator("svg a.county-tile", has_text="洛川县").focus()
    page.keyboard.press("Enter")
    _expect_luochuan(page)


# Each label's size as drawn (its size in the map's units times the map's scale), and whether
# its box lies inside its tile's.
MAP_LABELS_JS = """svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll("a.county-tile")].map(tile => {
        const text = tile.querySelector("text"), box = text.getBoundingClientRect();
        const rect = tile.querySelector("rect").getBoundingClientRect();
        return {
            name: tile.textContent.trim(),
            drawn: parseFloat(getComputedStyle(text).fontSize) * scale,
            inside: box.left >= rect.left && box.right <= rect.right && box.top >= rect.top && box.bottom <= rect.bottom,
        };
    });
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_map_labels_grow_with_the_readers_text_size_and_stay_inside_their_tiles(chromium, live_server, branches):
    drawn = {}
    for size in ("md", "lg", "xl"):
        page = new_checked_page(chromium, live_server, cookies={"textsize": size}, **PHONE)
        page.goto("/branches/")
        labels = page.eval_on_selector(".county-map svg", MAP_LABELS_JS)
        assert len(labels) == 13
        assert [label["name"] for label in labels if not label["inside"]] == [], f"labels outside their tiles at {size}"
        drawn[size] = labels[0]["drawn"]
        assert_no_console_errors(page)
        page.context.close()
    # On a 390 px phone: about 16 px at 标准, 19 px at 大 and 22 px at 特大 (the widest a
    # three-character name can be and keep a margin in its tile).
    assert drawn["md"] >= 15
    assert drawn["md"] < drawn["lg"] < drawn["xl"]
    assert drawn["xl"] >= 22, drawn
