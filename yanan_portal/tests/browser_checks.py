"""Checks that browser tests run on a page: axe-core, the Nu HTML checker, reflow, errors.

The checkers come from npm, installed into an ignored folder by ``tools/browser/install.sh``
(``npm ci --prefix tools/browser``); nothing is fetched from a CDN while the tests run.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit


BASE_DIR = Path(__file__).resolve().parents[2]
NODE_MODULES = BASE_DIR / "tools" / "browser" / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = os.environ.get("JAVA", "java")

# WCAG 2.0 and 2.1, levels A and AA: the floor of issue 8.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# The narrowest phone the site promises to fit without horizontal scrolling (WCAG 1.4.10 asks 320).
NARROW_WIDTH = 360


def missing_tools() -> list[str]:
    missing = [str(path.relative_to(BASE_DIR)) for path in (AXE_JS, VNU_JAR) if not path.exists()]
    try:
        subprocess.run([JAVA, "-version"], capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        missing.append("java (apt-get install default-jre-headless)")
    return missing


# --- axe-core ---------------------------------------------------------------------------

_axe_source: str | None = None


def _axe() -> str:
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_JS.read_text(encoding="utf-8")
    return _axe_source


def axe_violations(page, *, tags: list[str] | None = None) -> list[dict]:
    """Run axe-core in the page and return its violations.

    The script goes in through the DevTools protocol (``page.evaluate``), not a <script> tag:
    the site's CSP rightly refuses inline scripts, and the test must not weaken it.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe() + "\n;void 0")
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""",
        tags or AXE_TAGS,
    )


def format_axe(url: str, violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{url}: [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            summary = (node["summary"] or "").replace("\n", " ")
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def assert_axe_clean(page, *, tags: list[str] | None = None) -> None:
    violations = axe_violations(page, tags=tags)
    assert not violations, "axe-core (WCAG 2.1 A/AA) violations:\n" + format_axe(page.url, violations)


# --- Nu HTML checker ---------------------------------------------------------------------


def html_errors(documents: dict[str, str]) -> dict[str, list[str]]:
    """Check many HTML documents ({url: html}) in one Java start; return errors by url.

    One JVM for the whole batch: starting vnu.jar costs about two seconds, checking a page
    a few milliseconds.
    """
    if not documents:
        return {}
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        by_file = {}
        for index, (url, html) in enumerate(documents.items()):
            path = Path(folder) / f"page-{index:04d}.html"
            path.write_text(html, encoding="utf-8")
            by_file[str(path)] = url
        result = subprocess.run(
            [JAVA, "-Xss16m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *by_file],
            capture_output=True,
            text=True,
            timeout=600,
        )
        try:
            report = json.loads(result.stderr or result.stdout)
        except json.JSONDecodeError:
            raise AssertionError(f"vnu.jar gave no JSON report (exit {result.returncode}):\n{result.stderr[-2000:]}")
    errors: dict[str, list[str]] = {}
    for message in report.get("messages", []):
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = by_file.get(urlsplit(message.get("url", "")).path, message.get("url", "?"))
        where = f"line {message.get('lastLine', '?')}"
        extract = (message.get("extract") or "").replace("\n", " ")
        errors.setdefault(url, []).append(f"{where}: {message['message']}  «{extract}»")
    return errors


def assert_html_valid(documents: dict[str, str] | str, *, url: str = "page") -> None:
    """The Nu HTML checker reports no error on these documents ({url: html} or one html string)."""
    if isinstance(documents, str):
        documents = {url: documents}
    errors = html_errors(documents)
    assert not errors, "Nu HTML checker errors:\n" + "\n".join(
        f"{page_url}:\n    " + "\n    ".join(messages) for page_url, messages in errors.items()
    )


# --- Reflow, console errors and broken subresources ---------------------------------------


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when it reflows)."""
    return page.evaluate(
        "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth"
    )


def assert_no_horizontal_scroll(page, width: int = NARROW_WIDTH) -> None:
    size = page.viewport_size
    if size["width"] != width:
        page.set_viewport_size({"width": width, "height": size["height"]})
    overflow = horizontal_overflow(page)
    if size["width"] != width:
        page.set_viewport_size(size)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {width}px wide"


def assert_no_console_errors(page) -> None:
    errors = getattr(page, "console_errors", [])
    assert not errors, f"console errors on {page.url}:\n" + "\n".join(errors)


@dataclass
class ResponseLog:
    """Every response and failed request a page makes; attach with ``watch(page)``."""

    failures: list[str] = field(default_factory=list)

    def on_response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.failures.append(f"{response.status} {response.request.resource_type} {response.url}")

    def on_failed(self, request) -> None:
        self.failures.append(f"failed {request.resource_type} {request.url}: {request.failure}")


def watch(page) -> ResponseLog:
    log = ResponseLog()
    page.on("response", log.on_response)
    page.on("requestfailed", log.on_failed)
    page.subresource_failures = log.failures
    return log


def assert_no_broken_subresources(page) -> None:
    failures = getattr(page, "subresource_failures", [])
    assert not failures, f"broken images, stylesheets or scripts on {page.url}:\n" + "\n".join(failures)
