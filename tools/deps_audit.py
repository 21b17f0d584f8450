#!/usr/bin/env python
"""Known vulnerabilities in the installed Python packages (`make deps-audit`).

Audits every distribution installed in the environment of the interpreter that runs it
(the project's .venv, installed from requirements-dev.txt, transitive packages included)
against PyPI's JSON API, whose ``vulnerabilities`` field carries the advisories of the PyPA
advisory database (through OSV, the source pip-audit uses by default).

For each installed ``name==version``:

1. ``{index}/pypi/{name}/{version}/json`` — the advisories of that exact version, where the
   index answers it (the real PyPI does);
2. on a 404 there, ``{index}/pypi/{name}/json`` — the project endpoint, which only describes
   the newest release: its advisories apply when ``info.version`` is our version. When our
   version is another one, the package cannot be audited here and the run fails: upgrade the
   pin (or run where the version endpoint answers).

Withdrawn advisories are ignored; ``--ignore-vuln ID`` (an advisory id or any of its aliases,
repeatable) accepts one. Exit status: 0 when every package was audited and none is vulnerable,
1 when one is vulnerable or could not be audited, 2 when the index could not be read (network
or HTTP error, unexpected answer) — never a silent pass.

Standard library only, so it runs before (and without) anything else being installed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Iterable

DEFAULT_INDEX = "https://pypi.org"
TIMEOUT = 20  # seconds per request
ATTEMPTS = 3  # per URL, for connection errors, timeouts, 429 and 5xx
USER_AGENT = "yanan-portal-deps-audit (+tools/deps_audit.py)"

# fetch(url, timeout) -> (HTTP status, body). Raises OSError (URLError, timeouts) when there
# is no answer at all. Injected by the tests.
Fetch = Callable[[str, float], tuple[int, bytes]]


class IndexUnreadable(Exception):
    """The index could not be read: no answer, an HTTP error other than the 404 fallback,
    or an answer that is not the JSON API's."""


def canonical_name(name: str) -> str:
    """PEP 503 normalisation: ``Django`` → ``django``, ``pip_api`` → ``pip-api``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def urllib_fetch(url: str, timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read() or b""


def get_json(url: str, fetch: Fetch, sleep: Callable[[float], None]) -> dict | None:
    """The JSON at ``url``; None on a 404. Retries what may pass on a second try."""
    problem = ""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            status, body = fetch(url, TIMEOUT)
        except OSError as error:  # URLError, ConnectionError, socket timeouts
            reason = getattr(error, "reason", None) or error
            problem = f"no answer ({reason})"
        else:
            if status == 404:
                return None
            if status == 200:
                try:
                    data = json.loads(body)
                except ValueError as error:
                    raise IndexUnreadable(f"{url}: the answer is not JSON ({error})") from None
                if not isinstance(data, dict):
                    raise IndexUnreadable(f"{url}: the answer is not a JSON object")
                return data
            problem = f"HTTP {status}"
            if status != 429 and status < 500:
                break  # 401, 403, 410 …: asking again will not help
        if attempt < ATTEMPTS:
            sleep(2 ** (attempt - 1))
    tries = f" after {attempt} attempts" if attempt > 1 else ""
    raise IndexUnreadable(f"{url}: {problem}{tries}")


@dataclass
class Result:
    name: str
    version: str
    source: str = ""  # "version endpoint" / "newest-release endpoint"
    advisories: list[dict] = field(default_factory=list)  # not withdrawn, not accepted
    accepted: list[dict] = field(default_factory=list)
    not_audited: str = ""  # why, when it could not be audited


def release_key(version: str) -> tuple[int, ...] | None:
    match = re.match(r"v?(\d+(?:\.\d+)*)", version.strip().lower())
    if not match:
        return None
    numbers = [int(part) for part in match.group(1).split(".")]
    while numbers and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def same_version(a: str, b: str) -> bool:
    return a.strip().lower().lstrip("v") == b.strip().lower().lstrip("v")


def distinct_advisories(entries: Iterable[dict]) -> list[dict]:
    """Live advisories, each once: PyPI lists one vulnerability under each of its ids
    (PYSEC-… with the GHSA-… as alias, and the GHSA-… with the PYSEC-… as alias)."""
    seen: set[str] = set()
    kept = []
    for entry in entries:
        if entry.get("withdrawn"):
            continue
        names = {entry.get("id") or "?", *(entry.get("aliases") or [])}
        if entry.get("id") in seen:
            continue
        seen |= names
        kept.append(entry)
    return kept


def audit_one(name: str, version: str, index: str, fetch: Fetch, sleep, ignore: set[str]) -> Result:
    result = Result(name, version)
    project_url = f"{index}/pypi/{urllib.parse.quote(name)}/json"
    url = f"{index}/pypi/{urllib.parse.quote(name)}/{urllib.parse.quote(version)}/json"
    data = get_json(url, fetch, sleep)
    if data is not None:
        result.source = "version endpoint"
    else:
        url = project_url
        data = get_json(url, fetch, sleep)
        if data is None:
            result.not_audited = f"{name} is not on {index} (404 for the version and the project)"
            return result
        info = data.get("info")
        newest = str(info.get("version") or "") if isinstance(info, dict) else ""
        if not newest:
            raise IndexUnreadable(f"{url}: no info.version in the answer")
        if not same_version(newest, version):
            ours, theirs = release_key(version), release_key(newest)
            relation = "older than" if ours is not None and theirs is not None and ours < theirs else "not"
            result.not_audited = (
                f"{name}=={version} is {relation} the newest release {newest}; this index only tells "
                f"the advisories of the newest release — upgrade the pin"
            )
            return result
        result.source = "newest-release endpoint"
    vulnerabilities = data.get("vulnerabilities")
    if not isinstance(vulnerabilities, list):
        raise IndexUnreadable(f"{url}: no vulnerabilities list in the answer (not PyPI's JSON API?)")
    for advisory in distinct_advisories(vulnerabilities):
        ids = {advisory.get("id"), *(advisory.get("aliases") or [])}
        (result.accepted if ids & ignore else result.advisories).append(advisory)
    return result


def installed() -> list[tuple[str, str]]:
    """(name, version) of every distribution importlib.metadata sees in this interpreter's
    environment. A distribution without a name or version is listed under its path (and
    reported as not audited), never skipped."""
    found = []
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"] if dist.metadata else None
        if not name or not dist.version:
            found.append((f"<{getattr(dist, '_path', 'a distribution')}>", dist.version or ""))
        else:
            found.append((name, dist.version))
    return found


def package_key(name: str) -> str:
    return name if name.startswith("<") else canonical_name(name)


def ids_of(advisory: dict) -> str:
    aliases = [alias for alias in advisory.get("aliases") or [] if alias != advisory.get("id")]
    return str(advisory.get("id") or "?") + (f" ({', '.join(aliases)})" if aliases else "")


def table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def main(
    argv: list[str] | None = None,
    *,
    fetch: Fetch = urllib_fetch,
    packages: Iterable[tuple[str, str]] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    out=None,
) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--index-url",
        default=os.environ.get("DEPS_AUDIT_INDEX") or DEFAULT_INDEX,
        help="the index whose JSON API is asked (default $DEPS_AUDIT_INDEX or %(default)s)",
    )
    parser.add_argument(
        "--ignore-vuln",
        action="append",
        default=[],
        metavar="ID",
        help="accept this advisory (its id or an alias); repeatable",
    )
    args = parser.parse_args(argv)
    index = args.index_url.rstrip("/")
    ignore = set(args.ignore_vuln)

    def say(line: str = "") -> None:
        print(line, file=out, flush=True)

    # Each (name, version) once: a distribution can be seen twice through two sys.path entries.
    todo = sorted({(package_key(name), version) for name, version in (installed() if packages is None else packages)})
    say(f"deps-audit: {len(todo)} installed distributions of {sys.prefix}, advisories from {index}")
    results = []
    for name, version in todo:
        if name.startswith("<") or not version:
            result = Result(name, version, not_audited="no name or version in its metadata")
        else:
            try:
                result = audit_one(name, version, index, fetch, sleep, ignore)
            except IndexUnreadable as error:
                say(f"  ERROR        {name} {version}: {error}")
                say(f"deps-audit: FAILED — could not read the index {index}; nothing is known about the packages not listed above.")
                return 2
        results.append(result)
        if result.not_audited:
            say(f"  NOT AUDITED  {name} {version}: {result.not_audited}")
        elif result.advisories:
            say(f"  VULNERABLE   {name} {version}: {', '.join(ids_of(a) for a in result.advisories)} (via the {result.source})")
        else:
            say(f"  ok           {name} {version} (via the {result.source})")
        for advisory in result.accepted:
            say(f"    accepted   {ids_of(advisory)} (--ignore-vuln)")

    vulnerable = [result for result in results if result.advisories]
    not_audited = [result for result in results if result.not_audited]
    audited = len(results) - len(not_audited)
    if vulnerable:
        say()
        say("Known vulnerabilities:")
        rows = [("package", "version", "advisory", "fixed in")]
        for result in vulnerable:
            for advisory in result.advisories:
                fixed = ", ".join(advisory.get("fixed_in") or []) or "no fix"
                rows.append((result.name, result.version, ids_of(advisory), fixed))
        for line in table(rows):
            say(line)
        say("Upgrade to a fixed version, or accept one with --ignore-vuln ID after reading it.")
    accepted = sum(len(result.accepted) for result in results)
    used = {name for result in results for a in result.accepted for name in (a.get("id"), *(a.get("aliases") or []))}
    for unused in sorted(ignore - used):
        say(f"note: --ignore-vuln {unused} matched no advisory")
    say()
    summary = f"deps-audit: {audited} audited, {len(vulnerable)} vulnerable, {len(not_audited)} not audited"
    if accepted:
        summary += f", {accepted} advisories accepted"
    say(summary)
    return 1 if vulnerable or not_audited else 0


if __name__ == "__main__":
    sys.exit(main())
