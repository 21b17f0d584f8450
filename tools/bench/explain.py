"""EXPLAIN the portal's list queries and check that each one uses an index.

Run inside the project: ``python tools/bench/explain.py OUT.json`` (DATABASE_URL set).
Prints one line per query and writes the plans as JSON. Exit status 1 when a list
query reads news_article with a sequential scan.
"""

import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanan_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from news import selectors  # noqa: E402
from news.models import Article, Channel  # noqa: E402


def channel_list(slug: str, page: int):
    channel = Channel.objects.get(slug=slug)
    children = [] if channel.parent_id else list(channel.children.all())
    size = settings.NEWS_PAGE_SIZE
    start = (page - 1) * size
    return (
        Article.objects.published()
        .in_channel_tree(channel, children=children)
        .for_listing()
        .order_by("-is_pinned", "-published_at", "-id")[start : start + size]
    )


def queries():
    yield "channel list /news/work/ (parent: both levels), page 1", channel_list("work", 1)
    yield "channel list /news/county-news/, page 1", channel_list("county-news", 1)
    yield "channel list /news/county-news/, page 50", channel_list("county-news", 50)
    yield "channel count /news/county-news/ (paginator)", None
    yield "home: headlines", Article.objects.published().for_listing().filter(is_headline=True).order_by("-published_at", "-id")[:3]
    yield "home: pinned", Article.objects.published().for_listing().filter(is_pinned=True).order_by("-published_at", "-id")[:5]
    yield "latest published (feeds, sitemap order)", Article.objects.published().for_listing().order_by("-published_at", "-id")[:20]
    published = Article.objects.published().order_by("published_at", "id")
    if count := published.count():
        yield "article: previous and next", selectors.neighbours_query(published[count // 2])


def main(out: str) -> int:
    results, failed = [], False
    total = Article.objects.count()
    for name, queryset in queries():
        if queryset is None:
            channel = Channel.objects.get(slug="county-news")
            queryset = Article.objects.published().in_channel_tree(channel, children=[])
            sql, params = queryset.values("id").query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN SELECT COUNT(*) FROM ({sql}) sub", params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
        else:
            plan = queryset.explain()
        seq = bool(re.search(r"Seq Scan on news_article\b", plan))
        failed |= seq
        results.append({"query": name, "uses_index": not seq, "plan": plan})
        print(f"{'OK ' if not seq else 'SEQ'}  {name}")
    # The home page's per-channel window query, reported (its cost is bounded by the page cache).
    plan = "\n".join(str(line) for line in [_explain_home()])
    results.append({"query": "home: latest by top channel (window)", "uses_index": "Seq Scan on news_article" not in plan, "plan": plan, "informational": True})
    print(f"{'OK ' if 'Seq Scan on news_article' not in plan else 'INFO'} home: latest by top channel (window; informational)")
    Path(out).write_text(json.dumps({"articles": total, "vendor": connection.vendor, "queries": results}, ensure_ascii=False, indent=2))
    return 1 if failed else 0


def _explain_home() -> str:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        selectors.latest_by_top_channel(per_channel=8)
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "explain.json"))
