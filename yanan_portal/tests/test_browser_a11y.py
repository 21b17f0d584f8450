"""Every public page, proven in Chromium: axe-core, the Nu HTML checker, reflow, no errors (issue 8)."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory
from PIL import Image

from conftest import NARROW_PHONE, new_checked_page
from news.models import Article, Channel
from news.tests.factories import ArticleFactory, AttachmentFactory
from yanan_portal.tests.browser_checks import assert_axe_clean, assert_html_valid, axe_violations, format_axe, horizontal_overflow
from yanan_portal.tests.crawl import NOT_FOUND_PATH, crawl
from yanan_portal.views import server_error

# Page types the crawl must meet. Other issues add theirs (search, publications, about…);
# a type listed here that the crawl does not reach fails the test.
REQUIRED_TYPES = {
    "home",
    "news:channel",
    "news:article",
    "members:branch-list",
    "members:branch",
    "projects:programme-list",
    "projects:programme",
    "accessibility",
    "404",
    "search",
    "about:index",
    "about:structure",
    "about:leadership",
    "about:rules",
    "about:council",
    "publications:index",
    "publications:shelf",
    "publications:archive",
    "publications:year",
    "publications:detail",
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def jpeg(width=800, height=500) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (164, 22, 26)).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


@pytest.fixture
def article_with_photo_and_attachment(demo_content):
    """What the demo lacks: an article with a photo figure and an attachment."""
    photo = default_storage.save("articles/photo.jpg", ContentFile(jpeg()))
    article = ArticleFactory(
        channel=Channel.objects.get(slug="work-city"),
        title="延安市老促会赴县区调研红色书社建设",
        body=(
            "<p>调研组一行先后走访了三个县区的红色书社。</p>"
            f'<figure><img src="{default_storage.url(photo)}" alt="调研组在红色书社与读者交谈" width="800" height="500">'
            "<figcaption>调研组在红色书社与读者交谈</figcaption></figure>"
            "<h2>一、基本情况</h2><p>书社藏书丰富,读者以老年人和学生为主。</p>"
            "<table><thead><tr><th>县区</th><th>书社数量</th></tr></thead>"
            "<tbody><tr><td>宝塔区</td><td>12</td></tr></tbody></table>"
        ),
        is_headline=True,
    )
    AttachmentFactory(article=article, name="调研提纲.pdf")
    return article


def axe_and_reflow(page, paths, *, width: int) -> list[str]:
    problems = []
    page.set_viewport_size({"width": width, "height": page.viewport_size["height"]})
    for path in paths:
        page.console_errors.clear()
        response = page.goto(path)
        expected = 404 if path == NOT_FOUND_PATH else 200
        if response.status != expected:
            problems.append(f"{path}: HTTP {response.status}")
        problems += [f"{path}: console error: {error}" for error in page.console_errors if expected == 200]
        if violations := axe_violations(page):
            problems.append(format_axe(path, violations))
        if (overflow := horizontal_overflow(page)) > 0:
            problems.append(f"{path}: scrolls sideways by {overflow}px at {width}px")
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_public_page_passes_axe_nu_and_reflow(chromium, live_server, a11y_tools, article_with_photo_and_attachment):
    page = new_checked_page(chromium, live_server, **NARROW_PHONE)
    report = crawl(page, live_server.url)
    page.context.close()

    types = report.types()
    assert REQUIRED_TYPES <= set(types), f"page types not reached: {REQUIRED_TYPES - set(types)}; reached {dict(types)}"
    assert article_with_photo_and_attachment.get_absolute_url() in report.pages
    assert any("/news/attachments/" in url for url in report.checked_files)
    assert not report.problems, f"{len(report.problems)} problems on {len(report.pages)} pages:\n" + "\n".join(report.problems)

    # One page of each type again: on a desktop, where the full navigation shows instead of the
    # phone menu; then in the largest text size and in high contrast, down to 320 px.
    sample = report.sample()
    page = new_checked_page(chromium, live_server, viewport={"width": 1366, "height": 900})
    problems = axe_and_reflow(page, sample, width=1366)
    page.context.close()
    for cookies in ({"textsize": "xl"}, {"contrast": "high"}, {"textsize": "xl", "contrast": "high"}):
        page = new_checked_page(chromium, live_server, cookies=cookies, **NARROW_PHONE)
        problems += [f"{cookies} {problem}" for problem in axe_and_reflow(page, sample, width=320)]
        if cookies.get("contrast") == "high":
            # The high-contrast theme promises 7:1 (WCAG AAA 1.4.6), not just 4.5:1.
            for path in sample:
                page.goto(path)
                enhanced = [v for v in axe_violations(page, tags=["wcag2aaa"]) if v["id"] == "color-contrast-enhanced"]
                if enhanced:
                    problems.append(f"{cookies} " + format_axe(path, enhanced))
        page.context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_screenshots_of_home_and_article_for_people_to_look_at(chromium, live_server, a11y_tools, article_with_photo_and_attachment):
    """Saved into the ignored test-artifacts/screenshots/ folder."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seed = Article.objects.get(title__startswith="陕西延安:不断加强自身建设")
    pages = {
        "home": "/",
        "article": seed.get_absolute_url(),
        "article-photo": article_with_photo_and_attachment.get_absolute_url(),
    }
    viewports = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
    modes = {"normal": {}, "xl": {"textsize": "xl"}, "high-contrast": {"contrast": "high"}}
    saved = []
    for device, viewport in viewports.items():
        for mode, cookies in modes.items():
            page = new_checked_page(chromium, live_server, cookies=cookies, viewport=viewport)
            for name, path in pages.items():
                page.goto(path)
                target = SCREENSHOTS / f"{name}-{device}-{mode}.png"
                page.screenshot(path=target, full_page=True)
                saved.append(target)
            assert page.console_errors == []
            page.context.close()
    assert all(path.stat().st_size > 10_000 for path in saved)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_server_error_page_is_valid_and_accessible(chromium, live_server, a11y_tools):
    """The 500 page cannot be crawled; render it as the handler does and check it the same way."""
    html = server_error(RequestFactory().get("/")).content.decode()
    assert_html_valid(html, url="500.html")
    page = new_checked_page(chromium, live_server, **NARROW_PHONE)
    page.goto("/accessibility/")  # a page of the site, so that /static/ resolves
    page.set_content(html)
    assert_axe_clean(page)
    assert horizontal_overflow(page) <= 0
    page.context.close()


def _as_nginx_shows_it(html: str, status: int) -> str:
    """static/errors/error.html after nginx's SSI for one status (its if/elif/else on $status)."""

    def choose(chain):
        branches = re.split(r'<!--# (?:elif expr="\$status = (\d+)"|else) -->', chain.group(2))
        conditions = [chain.group(1), *branches[1::2]]
        for condition, text in zip(conditions, branches[::2]):
            if condition is None or int(condition) == status:
                return text
        return ""

    return re.sub(r'<!--# if expr="\$status = (\d+)" -->(.*?)<!--# endif -->', choose, html, flags=re.S)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("status", [404, 413, 414, 502])
def test_nginx_error_pages_are_valid_and_accessible(chromium, live_server, a11y_tools, status):
    """static/errors/error.html: what nginx shows when the portal cannot answer (deploy/nginx/portal.conf)."""
    html = _as_nginx_shows_it((Path(__file__).resolve().parents[2] / "static" / "errors" / "error.html").read_text(), status)
    assert "<!--#" not in html and html.count("<h1>") == 1
    assert_html_valid(html, url=f"error.html ({status})")
    page = new_checked_page(chromium, live_server, **NARROW_PHONE)
    page.set_content(html)
    assert_axe_clean(page)
    assert horizontal_overflow(page) <= 0
    page.context.close()
