"""Summarise a tools/bench results folder: the Markdown table, the target checks, results.json.

    python tools/bench/summarize.py /tmp/portal-bench/results/<UTC>

Rows are medians over the rounds. "× peer" divides ours by the peer's comparable page
(home ↔ peer:home, index ↔ peer:index, detail ↔ peer:detail); "× static" divides by nginx
serving the peer's detail page without keep-alive (static:detail-close), the reference
the issue's targets use because gunicorn's sync workers close every connection.
"""

import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

COMPARABLE = {"home": "peer:home", "index": "peer:index", "detail": "peer:detail", "detail-reader": "peer:detail"}
KIND_NAMES = {
    "home": "home /",
    "index": "channel list /news/work/",
    "index-leaf": "channel list /news/county-news/",
    "index-page50": "channel list, page 50",
    "detail": "article",
    "detail-reader": "article, reader UA (浏览量 counted)",
    "search": "search ?q=海员",
    "sitemap": "sitemap.xml",
}


def load(folder: Path) -> dict[str, dict]:
    runs = defaultdict(list)
    for line in (folder / "bench.jsonl").read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            runs[row["label"]].append(row)
    rows = {}
    for label, items in runs.items():
        # A run in which no request finished (all still waiting at the end) counts as failed.
        errors = sum(r["errors_connect"] + r["errors_read"] + r["errors_write"] + r["errors_timeout"] + r["non2xx3xx"] + (r["requests"] == 0) for r in items)
        rows[label] = {
            "label": label,
            "url": items[0]["url"],
            "articles": items[0].get("articles"),
            "rounds": len(items),
            "rps": statistics.median(r["rps"] for r in items),
            "rps_min": min(r["rps"] for r in items),
            "rps_max": max(r["rps"] for r in items),
            "p50_ms": statistics.median(r["p50_ms"] for r in items),
            "p99_ms": statistics.median(r["p99_ms"] for r in items),
            "errors": errors,
            "requests": sum(r["requests"] for r in items),
            "bytes_per_req": statistics.median(r["bytes_per_req"] for r in items),
            "foreign_cpu_pct_max": max((r.get("cpu_foreign_pct") or 0) for r in items) if any("cpu_foreign_pct" in r for r in items) else None,
        }
    return rows


def main(folder: Path) -> None:
    rows = load(folder)
    static_close = rows.get("static:detail-close", {}).get("rps")
    for row in rows.values():
        side, kind = row["label"].split(":", 1)
        peer = rows.get(COMPARABLE.get(kind, ""), {}).get("rps") if side in ("cached", "uncached") else None
        row["x_peer"] = round(row["rps"] / peer, 2) if peer else None
        row["x_static_close"] = round(row["rps"] / static_close, 4) if static_close else None

    order = ["cached", "uncached", "peer", "static", "big-uncached"]
    lines = [
        "| target | req/s (min–max) | p50 ms | p99 ms | errors | × peer | × static (no keep-alive) | foreign CPU % |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in sorted(rows.values(), key=lambda r: (order.index(r["label"].split(":")[0]) if r["label"].split(":")[0] in order else 9, r["label"])):
        side, kind = row["label"].split(":", 1)
        if side in ("peer", "static"):
            name = f"{side}: {kind} `{'/' + row['url'].split('/', 3)[-1]}`"
        else:
            name = f"{side}: {KIND_NAMES.get(kind, kind)}" + (f" ({row['articles']:,} articles)" if side.startswith("big") and row["articles"] else "")
        lines.append(
            f"| {name} | {row['rps']:,.0f} ({row['rps_min']:,.0f}–{row['rps_max']:,.0f}) | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} | "
            f"{'' if row['x_peer'] is None else row['x_peer']} | {'' if row['x_static_close'] is None else row['x_static_close']} | "
            f"{'' if row['foreign_cpu_pct_max'] is None else row['foreign_cpu_pct_max']} |"
        )

    checks = []

    def check(name, ok):
        checks.append({"check": name, "ok": bool(ok)})

    for kind in ("home", "index", "detail"):
        u, c = rows.get(f"uncached:{kind}"), rows.get(f"cached:{kind}")
        if u and u["x_peer"] is not None:
            check(f"uncached {kind} ≥ 2× peer ({u['x_peer']}×)", u["x_peer"] >= 2)
        if c and c["x_peer"] is not None:
            check(f"cached {kind} ≥ 10× peer ({c['x_peer']}×)", c["x_peer"] >= 10)
        if c and c["x_static_close"] is not None:
            check(f"cached {kind} ≥ 10% of nginx static without keep-alive ({c['x_static_close']:.1%})", c["x_static_close"] >= 0.10)
        if c:
            check(f"cached {kind} p99 < 50 ms ({c['p99_ms']:.1f} ms)", c["p99_ms"] < 50)
            check(f"cached {kind} zero errors ({c['errors']})", c["errors"] == 0)
    explains = {}
    for path in sorted(folder.glob("explain-*.json")):
        data = json.loads(path.read_text())
        explains[data["articles"]] = data
        bad = [q["query"] for q in data["queries"] if not q["uses_index"] and not q.get("informational")]
        check(f"list queries use an index at {data['articles']:,} articles" + (f" (not: {', '.join(bad)})" if bad else ""), not bad)

    # Search through the whole Django stack in one process (tools/bench_search.py), the
    # measure and targets of the search issue: median < 50 ms, p95 < 150 ms.
    searches = {}
    for path in sorted(folder.glob("search-*.json")):
        data = json.loads(path.read_text())
        searches[data["published"]] = data
        label = f"search at {data['published']:,} published articles"
        check(f"{label}: median < 50 ms ({data['median_ms']} ms)", data["median_ms"] < 50)
        check(f"{label}: p95 < 150 ms ({data['p95_ms']} ms)", data["p95_ms"] < 150)

    env = (folder / "env.txt").read_text() if (folder / "env.txt").exists() else ""
    print(env)
    print("\n".join(lines))
    print()
    for data in searches.values():
        print(
            f"search (tools/bench_search.py, in-process, {data['published']:,} published articles, "
            f"{data['requests']} requests of {len(data['queries'])} queries): median {data['median_ms']} ms, "
            f"p95 {data['p95_ms']} ms, max {data['max_ms']} ms"
        )
    if searches:
        print()
    for item in checks:
        print(f"- [{'x' if item['ok'] else ' '}] {item['check']}")
    (folder / "results.json").write_text(
        json.dumps({"env": env.splitlines(), "rows": list(rows.values()), "checks": checks, "explain": explains, "search": searches}, ensure_ascii=False, indent=2)
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
