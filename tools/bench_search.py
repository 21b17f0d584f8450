#!/usr/bin/env python
"""Benchmark of the search page (not a test): median and 95th percentile per request.

Run it against a database loaded with many articles, e.g.:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench
    python manage.py migrate && python manage.py load_demo --articles 100000
    python tools/bench_search.py                # 20 rounds of the common queries
    python tools/bench_search.py --rounds 50 --query 海员 --query 富硒

Each request goes through Django's whole stack (middleware, view, template) in this
process with the test client; the network and gunicorn are not part of the figure.
It only reads: nothing is created or changed.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

COMMON_QUERIES = [
    "海员",
    "富硒",
    "书社",
    "养老",
    "老促会",
    "宝塔区",
    "洛川县",
    "十镇百村",
    "富硒苹果",
    "乡村振兴",
    "2023 富硒",
    "义诊",
    "调研报告",
    "硒",
    "革命旧址",
    "不存在的词",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="times each query is requested (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first (default 2)")
    parser.add_argument("--query", action="append", help="a query to time (repeatable); default: the common set")
    parser.add_argument("--page", type=int, default=1, help="result page to request (default 1)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON (make bench reads them)")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanan_portal.settings")
    os.environ.setdefault("PORTAL_LOCAL", "1")
    os.environ.setdefault("HTTPS", "off")
    # The search page's own work is measured, never a copy from the page cache (which would
    # also leave no page context to read the match count from).
    os.environ.setdefault("PAGE_CACHE", "0")
    # No collectstatic needed: plain static URLs (the manifest storage would refuse).
    os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    # Lets the client's host through ALLOWED_HOSTS and records the page's context (the count).
    setup_test_environment()

    from news.models import Article
    from news.search_index import tokenizer

    tokenizer()  # jieba's dictionary loads once per process; not part of a request
    client = Client(HTTP_USER_AGENT="bench_search")
    queries = args.query or COMMON_QUERIES
    published = Article.objects.published().count()
    print(f"数据库 database: {connection.vendor}, 已发布文章 published articles: {published}")

    timings: dict[str, list[float]] = {q: [] for q in queries}
    counts: dict[str, int] = {}
    for round_number in range(args.warmup + args.rounds):
        for query in queries:
            started = time.perf_counter()
            response = client.get("/search/", {"q": query, "page": args.page})
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                print(f"{query!r}: HTTP {response.status_code}", file=sys.stderr)
                return 1
            if round_number >= args.warmup:
                timings[query].append(elapsed)
                counts[query] = response.context["paginator"].count

    everything = [t for values in timings.values() for t in values]
    summary = {
        "vendor": connection.vendor,
        "published": published,
        "requests": len(everything),
        "median_ms": round(statistics.median(everything), 1),
        "p95_ms": round(percentile(everything, 95), 1),
        "max_ms": round(max(everything), 1),
        "queries": {
            q: {"matches": counts[q], "median_ms": round(statistics.median(timings[q]), 1), "p95_ms": round(percentile(timings[q], 95), 1)}
            for q in queries
        },
    }
    print(f"{'query':<12} {'matches':>8} {'median ms':>10} {'p95 ms':>8}")
    for query, figures in summary["queries"].items():
        print(f"{query:<12} {figures['matches']:>8} {figures['median_ms']:>10.1f} {figures['p95_ms']:>8.1f}")
    print(
        f"全部 all: {summary['requests']} requests, median {summary['median_ms']:.1f} ms, "
        f"p95 {summary['p95_ms']:.1f} ms, max {summary['max_ms']:.1f} ms"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


if __name__ == "__main__":
    sys.exit(main())
