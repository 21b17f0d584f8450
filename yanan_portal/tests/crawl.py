"""Crawl the public site in a browser and check every page (issue 8).

Kept apart from the test so that the same crawl can be pointed at a running server
(``python -m yanan_portal.tests.crawl http://127.0.0.1:8000``) while fixing what it finds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from django.urls import Resolver404, resolve

from yanan_portal.tests.browser_checks import axe_violations, format_axe, horizontal_overflow, html_errors

# Not pages for a reader to crawl: the admin, the preference switch (a redirect that sets a
# cookie, checked once on its own), uploaded files (checked with a plain request).
SKIP_PREFIXES = ("/admin/", "/preferences/", "/media/", "/static/")
# Bounded crawl, and a cap per page type so that many articles cannot crowd out other types.
MAX_PAGES = 200
MAX_PER_TYPE = 25
NOT_FOUND_PATH = "/no-such-page/"
# Pages that a form, not a link, leads to (a search), crawled when the site has them.
FORM_PATHS = ["/search/?q=老区", "/search/?q=海员", "/search/?q=没有这个词"]


def page_type(path: str) -> str:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return "404"
    return match.view_name or "?"


@dataclass
class CrawlReport:
    pages: dict[str, str] = field(default_factory=dict)  # url -> page type
    html: dict[str, str] = field(default_factory=dict)  # url -> HTML as served
    problems: list[str] = field(default_factory=list)
    checked_files: set[str] = field(default_factory=set)

    def types(self) -> Counter:
        return Counter(self.pages.values())

    def sample(self) -> list[str]:
        """One page of each type: the first one the crawl met."""
        first: dict[str, str] = {}
        for url, kind in self.pages.items():
            first.setdefault(kind, url)
        return list(first.values())


def crawl(page, base_url: str, *, start: str = "/", max_pages: int = MAX_PAGES, run_axe: bool = True) -> CrawlReport:
    """Visit every same-host public page reachable from ``start``; check each one.

    ``page`` should record ``console_errors`` and ``subresource_failures`` (conftest's
    ``new_checked_page``). The Nu checker runs once, on all the pages, at the end.
    """
    host = urlsplit(base_url).netloc
    report = CrawlReport()
    queue = [start, NOT_FOUND_PATH] + [path for path in FORM_PATHS if page_type(path) != "404"]
    seen = set(queue)
    per_type: Counter = Counter()
    while queue and len(report.pages) < max_pages:
        path = queue.pop(0)
        kind = page_type(path)
        if per_type[kind] >= MAX_PER_TYPE:
            continue
        per_type[kind] += 1
        url = urljoin(base_url, path)
        page.console_errors.clear()
        page.subresource_failures.clear()
        response = page.goto(url, wait_until="load")
        expected = 404 if path == NOT_FOUND_PATH else 200
        if response is None or response.status != expected:
            report.problems.append(f"{path}: HTTP {response.status if response else 'none'} (expected {expected})")
            continue
        report.pages[path] = kind
        report.html[path] = response.text()
        if run_axe and (violations := axe_violations(page)):
            report.problems.append(format_axe(path, violations))
        if (overflow := horizontal_overflow(page)) > 0:
            report.problems.append(f"{path}: scrolls sideways by {overflow}px at {page.viewport_size['width']}px")
        if expected == 404:
            # Chromium logs the 404 of the document itself; that one is intended.
            document_404 = next((e for e in page.console_errors if "status of 404" in e and e.endswith(f"({url})")), None)
            if document_404:
                page.console_errors.remove(document_404)
        for error in page.console_errors:
            report.problems.append(f"{path}: console error: {error}")
        for failure in page.subresource_failures:
            report.problems.append(f"{path}: broken subresource: {failure}")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            target, _ = urldefrag(href)
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or parts.netloc != host:
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if is_file_download(parts.path):
                _check_file(page, report, path, target)
                continue
            if parts.path.startswith(SKIP_PREFIXES) or local in seen:
                continue
            seen.add(local)
            queue.append(local)
    for url, messages in html_errors(report.html).items():
        report.problems.append(f"{url}: Nu HTML checker:\n    " + "\n    ".join(messages))
    return report


def is_file_download(path: str) -> bool:
    """Links that answer with a file, not a page: fetched and checked, not opened."""
    return path.startswith(("/media/", "/static/", "/news/attachments/")) or (
        path.startswith("/publications/") and path.endswith(("/read/", "/download/"))
    )


def _check_file(page, report: CrawlReport, source: str, url: str) -> None:
    if url in report.checked_files:
        return
    report.checked_files.add(url)
    response = page.request.get(url)
    if response.status >= 400:
        report.problems.append(f"{source}: broken link {response.status} {url}")


if __name__ == "__main__":  # pragma: no cover - a helper for fixing pages by hand
    import os
    import sys

    import django
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanan_portal.settings")
    django.setup()
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    sys.path.insert(0, ".")
    from conftest import CHROMIUM, CHROMIUM_ARGS, NARROW_PHONE  # noqa: E402

    from yanan_portal.tests.browser_checks import watch  # noqa: E402

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", **NARROW_PHONE)
        cookies = [arg.split("=", 1) for arg in sys.argv[2:]]
        if cookies:
            context.add_cookies([{"name": name, "value": value, "url": base} for name, value in cookies])
        tab = context.new_page()
        tab.console_errors = []
        tab.on(
            "console",
            lambda message: message.type == "error" and tab.console_errors.append(f"{message.text} ({message.location['url']})"),
        )
        watch(tab)
        result = crawl(tab, base)
        print(dict(result.types()))
        print("\n".join(result.problems) or "no problems")
        browser.close()
