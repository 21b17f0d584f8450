"""Fixtures shared by every app's tests."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    # Uploaded files of a test go to its own folder, never into var/media; so does the page
    # cache's generation file, which a server or another test run on this checkout bumps (a
    # test then saw one query more).
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "page-cache-generation"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _live_server_requests_finished(request):
    """After a test that used the live server, its requests still running (a keep-alive the
    closed page had sent) finish before the database is emptied for the next test. On SQLite the
    server shares the test's in-memory connection: a request ending inside the emptying could
    undo it, and the next test found the last one's staff user (UNIQUE constraint failed).
    Autouse fixtures of this file are set up after pytest-django's database one, so this runs
    before it is torn down."""
    yield
    if "live_server" not in request.fixturenames:
        return
    server = request.getfixturevalue("live_server")
    for thread in list(getattr(server.thread.httpd, "_threads", None) or []):
        thread.join(timeout=10)


@pytest.fixture(autouse=True)
def _page_cache_only_where_tested(request, settings):
    """The whole-page cache is off unless a test is marked ``page_cache``: the other tests
    pin each view's own queries and output, which a cached copy would hide."""
    if request.node.get_closest_marker("page_cache") is None:
        settings.PAGE_CACHE_ENABLED = False


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from yanan_portal import cache as page_cache

    cache.clear()
    page_cache._worker_copies.clear()
    page_cache._unwritten_generation = None
    yield
    cache.clear()
    page_cache._worker_copies.clear()
    page_cache._unwritten_generation = None


@pytest.fixture(autouse=True)
def _thirteen_counties(request):
    """Put back the 13 counties of the data migration for tests that use the database.

    A transactional test (every browser test) empties all tables when it ends, and the
    counties are created by a migration, not by the tests; later tests expect them.
    Runs after pytest-django's own autouse database set-up.
    """
    names = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None:
        # Database access comes from a fixture that may not have run yet: start it now.
        if {"transactional_db", "live_server"} & names:
            request.getfixturevalue("transactional_db")
        elif "db" in names:
            request.getfixturevalue("db")
        else:
            return
    from members.models import COUNTIES, CountyBranch
    from members.tests.factories import ensure_counties

    if CountyBranch.objects.count() != len(COUNTIES):
        ensure_counties()


@pytest.fixture
def reader(client):
    """The test client as a reader's phone browser (not a crawler)."""
    client.defaults["HTTP_USER_AGENT"] = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47"
    )
    return client


# --- Browser tests (Playwright driving Debian's Chromium) -----------------------------
import os
import shutil

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def pytest_collection_modifyitems(config, items):
    """Browser tests need Chromium, and the accessibility checks axe-core and vnu.jar from
    tools/browser (npm). Locally they are skipped without them; with REQUIRE_BROWSER=1
    (.ci/run) anything missing fails the run instead."""
    if os.environ.get("REQUIRE_BROWSER") == "1":
        return
    if not shutil.which(CHROMIUM):
        skip = pytest.mark.skip(reason="Chromium 未安装(apt-get install chromium);.ci/run 会强制运行浏览器测试")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)
        return
    checkers = [item for item in items if "browser" in item.keywords and "a11y_tools" in getattr(item, "fixturenames", ())]
    if checkers:
        from yanan_portal.tests.browser_checks import missing_tools

        if missing := missing_tools():
            skip = pytest.mark.skip(reason="缺少 " + "、".join(missing) + ":请运行 tools/browser/install.sh")
            for item in checkers:
                item.add_marker(skip)


def _has_chinese_font() -> bool:
    import subprocess

    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.strip())


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    if not _has_chinese_font():
        # Without one, Chinese is drawn with narrow placeholder glyphs: line lengths, reflow
        # and tap-target sizes measured in the browser would be wrong.
        message = "没有中文字体:apt-get install -y fonts-noto-cjk(.ci/run 会安装)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls that the
    # test itself makes are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium, live_server):
    """A page in a 390×844 phone viewport that records console errors in ``page.console_errors``
    and failed images, stylesheets and scripts in ``page.subresource_failures``."""
    page = new_checked_page(chromium, live_server, **PHONE)
    yield page
    page.context.close()


@pytest.fixture
def desktop_page(chromium, live_server):
    page = new_checked_page(chromium, live_server, viewport={"width": 1366, "height": 900})
    yield page
    page.context.close()


# --- Accessibility checks in the browser (issue 8) ---------------------------------------
NARROW_PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def a11y_tools():
    """axe-core and the Nu HTML checker from tools/browser (installed by tools/browser/install.sh)."""
    from yanan_portal.tests.browser_checks import missing_tools

    if missing := missing_tools():
        pytest.fail("缺少 " + "、".join(missing) + ":请运行 tools/browser/install.sh")


@pytest.fixture
def demo_content(django_db_blocker):
    """The demo content of `manage.py load_demo`, as a reader meets it.

    The 13 county branches come from a data migration, which the flush after an earlier
    transactional test (and a reused test database) has emptied: put them back first."""
    from django.core.management import call_command

    from members.tests.factories import ensure_counties

    with django_db_blocker.unblock():
        ensure_counties()
        call_command("load_demo", verbosity=0)


def new_checked_page(chromium, live_server, *, cookies: dict[str, str] | None = None, **options):
    """A page that records console errors and failed subresources (see browser_checks)."""
    from yanan_portal.tests.browser_checks import watch

    context = chromium.new_context(locale="zh-CN", base_url=live_server.url, **options)
    if cookies:
        context.add_cookies([{"name": name, "value": value, "url": live_server.url} for name, value in cookies.items()])
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(f"{message.text} ({message.location['url']})"),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    watch(page)
    return page


@pytest.fixture
def narrow_page(chromium, live_server):
    """A 360×740 phone page, the narrowest the site promises to fit, that records errors."""
    page = new_checked_page(chromium, live_server, **NARROW_PHONE)
    yield page
    page.context.close()
