"""tools/deps_audit.py (`make deps-audit`) against a fake index: no network, no database."""

import importlib.util
import io
import json
import sys
import urllib.error
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "deps_audit.py"
INDEX = "https://index.test"


def load_script():
    """tools/ is not a package: load the script as the module ``deps_audit``."""
    spec = importlib.util.spec_from_file_location("deps_audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["deps_audit"] = module  # its dataclass looks its module up while being defined
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def deps_audit():
    return load_script()


def advisory(id, *aliases, fixed_in=("2.0.1",), withdrawn=None):
    return {
        "id": id,
        "aliases": list(aliases),
        "summary": None,
        "details": "…",
        "fixed_in": list(fixed_in),
        "link": f"https://osv.dev/vulnerability/{id}",
        "source": "osv",
        "withdrawn": withdrawn,
    }


def project(version, vulnerabilities=()):
    """The project endpoint of this index: only the newest release is described."""
    return {"info": {"version": version}, "releases": {}, "urls": [], "vulnerabilities": list(vulnerabilities)}


class FakeIndex:
    """Answers {path: (status, body)}; a missing path is a 404, an exception is raised."""

    def __init__(self, answers):
        self.answers = answers
        self.asked = []

    def __call__(self, url, timeout):
        assert url.startswith(INDEX + "/pypi/") and timeout <= 30
        path = url.removeprefix(INDEX)
        self.asked.append(path)
        answer = self.answers.get(path, (404, b"Not Found"))
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        return status, body if isinstance(body, bytes) else json.dumps(body).encode()


def run(deps_audit, packages, answers, *args):
    out = io.StringIO()
    index = FakeIndex(answers)
    code = deps_audit.main(
        ["--index-url", INDEX + "/", *args], fetch=index, packages=packages, sleep=lambda seconds: None, out=out
    )
    return code, out.getvalue(), index


def test_package_at_the_newest_release_without_advisories_passes(deps_audit):
    code, output, index = run(deps_audit, [("Django", "6.1.3")], {"/pypi/django/json": (200, project("6.1.3"))})
    assert code == 0
    # The version endpoint is asked first; its 404 leads to the project endpoint.
    assert index.asked == ["/pypi/django/6.1.3/json", "/pypi/django/json"]
    assert "ok           django 6.1.3 (via the newest-release endpoint)" in output
    assert output.rstrip().endswith("deps-audit: 1 audited, 0 vulnerable, 0 not audited")


def test_vulnerable_package_fails_with_the_advisory_and_the_fixed_version(deps_audit):
    answers = {"/pypi/lxml-html/json": (200, project("2.0.0", [advisory("PYSEC-2026-1", "CVE-2026-1111", "GHSA-aaaa")]))}
    code, output, _ = run(deps_audit, [("LXML_html", "2.0.0")], answers)
    assert code == 1
    assert "VULNERABLE   lxml-html 2.0.0: PYSEC-2026-1 (CVE-2026-1111, GHSA-aaaa)" in output
    table = output.split("Known vulnerabilities:")[1]
    assert "package    version  advisory" in table
    row = next(line for line in table.splitlines() if line.strip().startswith("lxml-html"))
    assert row.split() == ["lxml-html", "2.0.0", "PYSEC-2026-1", "(CVE-2026-1111,", "GHSA-aaaa)", "2.0.1"]
    assert "deps-audit: 1 audited, 1 vulnerable, 0 not audited" in output


def test_one_vulnerability_listed_under_two_ids_is_reported_once(deps_audit):
    # PyPI lists it as PYSEC-… (alias GHSA-…) and as GHSA-… (alias PYSEC-…), as for ecdsa.
    both = [advisory("PYSEC-2026-1325", "CVE-2024-23342", "GHSA-wj6h"), advisory("GHSA-wj6h", "CVE-2024-23342", "PYSEC-2026-1325")]
    code, output, _ = run(deps_audit, [("ecdsa", "0.19.2")], {"/pypi/ecdsa/json": (200, project("0.19.2", both))})
    assert code == 1
    assert output.count("GHSA-wj6h") == 2  # the package line and the table row, not four
    assert "no fix" not in output


def test_withdrawn_advisories_are_ignored(deps_audit):
    withdrawn = advisory("GHSA-gone", withdrawn="2026-10-01T00:00:00Z")
    code, output, _ = run(deps_audit, [("pillow", "13.0.0")], {"/pypi/pillow/json": (200, project("13.0.0", [withdrawn]))})
    assert code == 0
    assert "GHSA-gone" not in output


def test_ignore_vuln_accepts_an_advisory_by_id_or_alias(deps_audit):
    answers = {
        "/pypi/a/json": (200, project("1.0", [advisory("PYSEC-1", "CVE-1")])),
        "/pypi/b/json": (200, project("2.0", [advisory("GHSA-2", "CVE-2")])),
    }
    code, output, _ = run(deps_audit, [("a", "1.0"), ("b", "2.0")], answers, "--ignore-vuln", "PYSEC-1", "--ignore-vuln", "CVE-2")
    assert code == 0
    assert "accepted   PYSEC-1 (CVE-1) (--ignore-vuln)" in output
    assert "accepted   GHSA-2 (CVE-2) (--ignore-vuln)" in output
    assert "Known vulnerabilities" not in output
    assert "deps-audit: 2 audited, 0 vulnerable, 0 not audited, 2 advisories accepted" in output


def test_ignoring_one_advisory_keeps_the_others(deps_audit):
    answers = {"/pypi/a/json": (200, project("1.0", [advisory("PYSEC-1"), advisory("PYSEC-2", fixed_in=("1.1", "2.0.3"))]))}
    code, output, _ = run(deps_audit, [("a", "1.0")], answers, "--ignore-vuln", "PYSEC-1", "--ignore-vuln", "PYSEC-9")
    assert code == 1
    assert "VULNERABLE   a 1.0: PYSEC-2 " in output
    assert "1.1, 2.0.3" in output
    assert "note: --ignore-vuln PYSEC-9 matched no advisory" in output


def test_pin_older_than_the_newest_release_fails_as_not_audited(deps_audit):
    answers = {"/pypi/nh3/json": (200, project("0.3.8"))}
    code, output, _ = run(deps_audit, [("nh3", "0.3.7")], answers)
    assert code == 1
    assert (
        "NOT AUDITED  nh3 0.3.7: nh3==0.3.7 is older than the newest release 0.3.8; this index only tells "
        "the advisories of the newest release — upgrade the pin"
    ) in output
    assert output.rstrip().endswith("deps-audit: 0 audited, 0 vulnerable, 1 not audited")


def test_the_newest_releases_advisories_are_not_applied_to_an_older_pin(deps_audit):
    answers = {"/pypi/nh3/json": (200, project("0.3.8", [advisory("PYSEC-X")]))}
    code, output, _ = run(deps_audit, [("nh3", "0.3.7")], answers)
    assert code == 1
    assert "NOT AUDITED" in output and "PYSEC-X" not in output


def test_package_missing_from_the_index_is_not_audited(deps_audit):
    code, output, _ = run(deps_audit, [("in-house", "1.0")], {})
    assert code == 1
    assert "NOT AUDITED  in-house 1.0: in-house is not on https://index.test" in output


def test_version_endpoint_is_used_when_the_index_has_it(deps_audit):
    answers = {
        "/pypi/django/5.2.1/json": (200, project("5.2.1", [advisory("PYSEC-2025-9", fixed_in=("5.2.2",))])),
        "/pypi/django/json": (200, project("6.1.3")),
    }
    code, output, index = run(deps_audit, [("django", "5.2.1")], answers)
    assert index.asked == ["/pypi/django/5.2.1/json"]  # an older version is audited where the index can
    assert code == 1
    assert "VULNERABLE   django 5.2.1: PYSEC-2025-9 (via the version endpoint)" in output
    assert "5.2.2" in output


def test_version_endpoint_clean(deps_audit):
    code, output, _ = run(deps_audit, [("django", "5.2.1")], {"/pypi/django/5.2.1/json": (200, project("6.1.3"))})
    assert code == 0
    assert "ok           django 5.2.1 (via the version endpoint)" in output


@pytest.mark.parametrize(
    "answer, message",
    [
        ((500, b"oops"), "HTTP 500 after 3 attempts"),
        ((503, b""), "HTTP 503 after 3 attempts"),
        ((403, b"forbidden"), "HTTP 403"),
        (urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), "no answer ([Errno 111] Connection refused) after 3 attempts"),
        (TimeoutError("timed out"), "no answer (timed out) after 3 attempts"),
        ((200, b"<html>not json</html>"), "the answer is not JSON"),
        ((200, {"info": {"version": "1.0"}}), "no vulnerabilities list"),
    ],
)
def test_unreadable_index_exits_2_and_says_why(deps_audit, answer, message):
    packages = [("aaa", "1.0"), ("bbb", "1.0"), ("ccc", "1.0")]
    answers = {"/pypi/aaa/json": (200, project("1.0")), "/pypi/bbb/1.0/json": answer, "/pypi/ccc/json": (200, project("1.0"))}
    code, output, index = run(deps_audit, packages, answers)
    assert code == 2
    assert f"ERROR        bbb 1.0: https://index.test/pypi/bbb/1.0/json: {message}" in output
    assert "deps-audit: FAILED — could not read the index https://index.test" in output
    assert "ccc" not in output  # it stops at the first failure: no summary that could read as a pass
    assert "audited," not in output


def test_a_second_try_that_succeeds_is_enough(deps_audit):
    answers = {"/pypi/a/json": (200, project("1.0"))}
    failures = iter([urllib.error.URLError("temporary failure in name resolution")])
    index = FakeIndex(answers)

    def flaky(url, timeout):
        for error in failures:
            raise error
        return index(url, timeout)

    out = io.StringIO()
    code = deps_audit.main(["--index-url", INDEX], fetch=flaky, packages=[("a", "1.0")], sleep=lambda s: None, out=out)
    assert code == 0, out.getvalue()


def test_summary_counts_every_kind(deps_audit):
    packages = [("clean", "1.0"), ("Clean", "1.0"), ("vulnerable", "2.0"), ("stale", "0.9"), ("also_clean", "3.0")]
    answers = {
        "/pypi/clean/json": (200, project("1.0")),
        "/pypi/vulnerable/2.0/json": (200, project("2.1", [advisory("PYSEC-V", fixed_in=("2.1",))])),
        "/pypi/stale/json": (200, project("1.0")),
        "/pypi/also-clean/3.0/json": (200, project("3.0")),
    }
    code, output, _ = run(deps_audit, packages, answers)
    assert code == 1
    # "clean" and "Clean" are one distribution (PEP 503); vulnerable packages count as audited.
    assert output.splitlines()[0].startswith("deps-audit: 4 installed distributions of ")
    assert output.rstrip().endswith("deps-audit: 3 audited, 1 vulnerable, 1 not audited")


def test_index_url_comes_from_deps_audit_index(deps_audit, monkeypatch):
    monkeypatch.setenv("DEPS_AUDIT_INDEX", "https://mirror.test/")
    asked = []
    out = io.StringIO()
    code = deps_audit.main([], fetch=lambda url, timeout: asked.append(url) or (200, json.dumps(project("1.0")).encode()), packages=[("a", "1.0")], out=out)
    assert code == 0
    assert asked == ["https://mirror.test/pypi/a/1.0/json"]


def test_every_installed_distribution_is_listed(deps_audit):
    import django

    packages = dict((deps_audit.package_key(name), version) for name, version in deps_audit.installed())
    assert packages["django"] == django.__version__
    assert "pytest" in packages and "pytest-django" in packages
    assert "asgiref" in packages  # transitive, not in requirements.txt


def test_canonical_names(deps_audit):
    assert deps_audit.canonical_name("Django") == "django"
    assert deps_audit.canonical_name("pip_api") == "pip-api"
    assert deps_audit.canonical_name("zope.interface") == "zope-interface"
    assert deps_audit.canonical_name("Foo__Bar-.baz") == "foo-bar-baz"


def test_script_runs_with_the_standard_library_only():
    source = SCRIPT.read_text()
    imported = {line.split()[1].split(".")[0] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_a_distribution_without_name_or_version_is_reported_not_skipped(deps_audit):
    code, output, index = run(deps_audit, [("</venv/site-packages/broken.dist-info>", "")], {})
    assert code == 1
    assert index.asked == []
    assert "NOT AUDITED  </venv/site-packages/broken.dist-info> : no name or version in its metadata" in output
    assert output.rstrip().endswith("deps-audit: 0 audited, 0 vulnerable, 1 not audited")
