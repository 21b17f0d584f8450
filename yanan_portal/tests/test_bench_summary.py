"""make bench's summary (tools/bench/summarize.py): ratios and target checks from a results folder."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _wrk_row(label, rps, p99=10.0, errors=0, url="http://127.0.0.1:8001/"):
    return {
        "label": label, "url": url, "rps": rps, "p50_ms": p99 / 2, "p99_ms": p99, "requests": int(rps * 10),
        "errors_connect": 0, "errors_read": 0, "errors_write": 0, "errors_timeout": errors, "non2xx3xx": 0,
        "bytes_per_req": 10000,
    }


def test_summary_checks_the_issue_targets(tmp_path):
    rows = [
        _wrk_row("cached:home", 3000), _wrk_row("uncached:home", 100),
        _wrk_row("cached:index", 2500, p99=60.0), _wrk_row("uncached:index", 220),
        _wrk_row("cached:detail", 2000, errors=3), _wrk_row("uncached:detail", 150),
        _wrk_row("peer:home", 250), _wrk_row("peer:index", 100), _wrk_row("peer:detail", 150),
        _wrk_row("static:detail-close", 20000, url="http://127.0.0.1:8199/news/news-1000/"),
    ]
    (tmp_path / "bench.jsonl").write_text("\n".join(json.dumps({"round": 1, **r}) for r in rows) + "\n")
    (tmp_path / "explain-100025.json").write_text(json.dumps(
        {"articles": 100025, "queries": [{"query": "channel list", "uses_index": True}, {"query": "home", "uses_index": False}]}
    ))
    (tmp_path / "search-100000.json").write_text(json.dumps(
        {"published": 100000, "requests": 320, "median_ms": 31.5, "p95_ms": 160.2, "max_ms": 300.0, "queries": {"海员": {}}}
    ))

    out = subprocess.run(
        [sys.executable, "tools/bench/summarize.py", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    checks = {c["check"]: c["ok"] for c in json.loads((tmp_path / "results.json").read_text())["checks"]}

    assert checks["uncached home ≥ 2× peer (0.4×)"] is False
    assert checks["uncached index ≥ 2× peer (2.2×)"] is True
    assert checks["cached home ≥ 10× peer (12.0×)"] is True
    assert checks["cached home ≥ 10% of nginx static without keep-alive (15.0%)"] is True
    assert checks["cached index p99 < 50 ms (60.0 ms)"] is False
    assert checks["cached detail zero errors (3)"] is False
    assert checks["list queries use an index at 100,025 articles (not: home)"] is False
    assert checks["search at 100,000 published articles: median < 50 ms (31.5 ms)"] is True
    assert checks["search at 100,000 published articles: p95 < 150 ms (160.2 ms)"] is False
    assert "| cached: home / | 3,000 (3,000–3,000) |" in out
    assert "median 31.5 ms, p95 160.2 ms" in out
