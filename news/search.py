"""Public search: query parsing, the article search on PostgreSQL and SQLite, excerpts,
and the grouped "other sources" (programmes, county branches, publications…).

How a query becomes a ``tsquery`` (PostgreSQL), by the rules of ``news.search_index``:
the query is normalised and length-capped, split into CJK runs and ASCII words, each CJK
run into jieba words; a one- or two-character word is itself a lexeme of the index, a
longer word matches as a whole (jieba found it in the document), as all of its character
pairs, or as all of the two-character words it is made of (``word_pieces``). All words must
match (AND). User text never reaches ``to_tsquery``'s parser: only CJK characters and ``[a-z0-9]`` survive parsing and every lexeme is quoted,
so tsquery syntax (``& | ! :* ''``) in a query is just ignored punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.db import connection
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .search_index import CJK_RUN, TOKEN_RUN, normalize, quote_lexeme, tokenizer, words

# Longer queries are cut to this many characters (after normalisation); a reader's query is
# a few words, and a cap keeps a 10 KB query from building a huge tsquery.
MAX_QUERY_LENGTH = 50
MAX_WORDS = 8
# Shown on the empty page and when nothing is found: real topics from FACTS.md.
SUGGESTIONS = ["海员", "富硒", "书社", "十镇百村", "养老", "宝塔区", "调研报告", "老促会"]


# What readers call a thing → the association's own word, which its articles use: 红色书屋 is
# the common name elsewhere, the programme is 红色乡村(校园)书社.
ALIASES = {"书屋": "书社"}


@dataclass
class ParsedQuery:
    text: str = ""  # the normalised, capped query as the reader sees it again
    truncated: bool = False
    words: list[str] = field(default_factory=list)  # lower-case jieba words and ASCII words
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (typed, searched instead)

    def __bool__(self) -> bool:
        return bool(self.words)


def parse_query(raw: str | None) -> ParsedQuery:
    text = normalize((raw or "").replace("\x00", " "))
    truncated = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH].strip()
    searched, aliases = text, []
    for typed, own in ALIASES.items():
        if typed in searched:
            searched = searched.replace(typed, own)
            aliases.append((typed, own))
    found: list[str] = []
    for match in TOKEN_RUN.finditer(searched.lower()):
        run = match.group()
        for word in words(run) if CJK_RUN.fullmatch(run) else [run]:
            if word not in found:
                found.append(word)
    return ParsedQuery(text=text, truncated=truncated, words=found[:MAX_WORDS], aliases=aliases)


def _bigrams(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)]


@lru_cache(maxsize=1024)
def word_pieces(word: str) -> tuple[str, ...]:
    """The two-character words a longer Chinese word is made of, when together they cover all
    of it (红色书社 → 红色, 书社; not 合作社 → 合作 alone): a text that has them apart (红色乡村
    (校园)书社) matches the word too. Two characters: every pair is a lexeme of the index.
    Cached: the query, the highlighting of every result and the other sources all ask."""
    if not (CJK_RUN.fullmatch(word) and len(word) > 2):
        return ()
    pieces = tuple(dict.fromkeys(
        piece for piece in tokenizer().cut_for_search(word) if len(piece) == 2 and piece != word
    ))
    return pieces if set("".join(pieces)) >= set(word) else ()


def tsquery_literal(query: ParsedQuery) -> str:
    parts = []
    for word in query.words:
        if CJK_RUN.fullmatch(word) and len(word) > 2:
            pairs = " & ".join(quote_lexeme(pair) for pair in dict.fromkeys(_bigrams(word)))
            alternatives = [quote_lexeme(word), f"( {pairs} )"]
            if pieces := word_pieces(word):
                alternatives.append("( " + " & ".join(quote_lexeme(piece) for piece in pieces) + " )")
            parts.append("( " + " | ".join(alternatives) + " )")
        else:
            parts.append(quote_lexeme(word))
    return " & ".join(parts)


class TsQuery(Func):
    """A ``tsquery`` from input syntax (``'海员' & '培训'``): no parser, no stemming."""

    template = "%(expressions)s::tsquery"

    def __init__(self, literal: str):
        super().__init__(Value(literal), output_field=FloatField())


class Matches(Func):
    """``search_vector @@ query``, usable in ``filter()`` and by the GIN index."""

    template = "%(expressions)s"
    arg_joiner = " @@ "
    conditional = True
    output_field = BooleanField()


class Rank(Func):
    function = "ts_rank"
    output_field = FloatField()


class IdIn(Func):
    """``id = ANY(%s)`` with the ids as one array parameter.

    ``pk__in`` writes one placeholder per id: for the 500 candidates that cost about 3 ms of
    Python (preparing, quoting and splitting 500 parameters) and 2 ms more in all per page."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, ids: list[int]):
        super().__init__(F("pk"))
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"{column} = ANY(%s)", (*params, self.ids)


# A query is ranked among its newest CANDIDATE_LIMIT matches. Ranking reads each matching
# row's whole tsvector (TOASTed for any real article): for a word found in most of 100,000
# articles that costs seconds, while the newest few hundred matches are found by walking
# the published_at index and stopping early. Readers narrow a broad query with the year
# and channel filters; the page says when the limit applied.
CANDIDATE_LIMIT = 500


def match_articles(query: ParsedQuery, queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed to the articles that contain every word of ``query`` (unordered)."""
    if not query:
        return queryset.none()
    if connection.vendor == "postgresql":
        return queryset.filter(Matches(F("search_vector"), TsQuery(tsquery_literal(query))))
    # SQLite (and any other database): every word, or all of its pieces, is a substring of the
    # stored text.
    return queryset.filter(_words_in(["search_text"], query))


def rank_articles(query: ParsedQuery, queryset: QuerySet) -> QuerySet:
    """Best first: ts_rank with the weights title A, summary/tags B, body C on PostgreSQL;
    on SQLite all words in the title, then in the summary, then the rest. Newest first
    among equals."""
    if connection.vendor == "postgresql":
        ranked = queryset.annotate(rank=Rank(F("search_vector"), TsQuery(tsquery_literal(query))))
    else:
        in_title = Q()
        in_summary = Q()
        for word in query.words:
            in_title &= Q(title__icontains=word)
            in_summary &= Q(summary__icontains=word)
        ranked = queryset.annotate(
            rank=Case(When(in_title, then=Value(2)), When(in_summary, then=Value(1)), default=Value(0))
        )
    return ranked.order_by("-rank", "-published_at", "-id")


def find_articles(query: ParsedQuery, queryset: QuerySet, *, limit: int | None = None) -> tuple[QuerySet, int, bool]:
    """The matches of ``query`` in ``queryset`` (already ``published()`` and filtered), best first.

    Returns (ordered queryset, number of results, whether more than ``limit`` matched and
    only the newest ``limit`` are ranked). Two queries: the candidate ids, then a page.
    """
    if not query:
        return queryset.none(), 0, False
    limit = CANDIDATE_LIMIT if limit is None else limit
    newest = match_articles(query, queryset).order_by("-published_at", "-id").values_list("id", flat=True)
    ids = list(newest[: limit + 1])
    capped = len(ids) > limit
    ids = ids[:limit]
    if not ids:
        return queryset.none(), 0, False
    candidates = queryset.filter(IdIn(ids)) if connection.vendor == "postgresql" else queryset.filter(pk__in=ids)
    return rank_articles(query, candidates), len(ids), capped


def search_articles(query: ParsedQuery, queryset: QuerySet, *, limit: int | None = None) -> QuerySet:
    return find_articles(query, queryset, limit=limit)[0]


def highlight(text: str, query: ParsedQuery, *, length: int | None = None) -> SafeString:
    """``text`` escaped, with the query's words wrapped in ``<mark>``.

    With ``length``, an excerpt of about that many characters around the first match
    (or the beginning when nothing matches).
    """
    text = text or ""
    pattern = _mark_pattern(query)
    if length is not None and len(text) > length:
        first = pattern.search(text) if pattern else None
        at, match_end = (first.start(), first.end()) if first else (0, 0)
        start = _excerpt_start(text, max(0, min(at - length // 4, len(text) - length)), at)
        end = cut = min(len(text), start + length)
        # Nor end in one ("…共8…" for 800), unless it runs back past half the excerpt.
        shortest = max(match_end, start + length // 2)
        while shortest < end < len(text) and _NUMBER_OR_WORD.match(text[end - 1 : end + 1]):
            end -= 1
        if end == shortest < cut and _NUMBER_OR_WORD.match(text[end - 1 : end + 1]):
            end = cut
        text = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    if pattern is None:
        return mark_safe(escape(text))
    pieces = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))


# An excerpt begins after the first clause end in the context it keeps before the match, and
# never inside a number or a Latin word: "…00多万元" misreads 800多万元.
_CLAUSE_END = re.compile(r"[。!?;,、:;,:!?\s]")
_NUMBER_OR_WORD = re.compile(r"[0-9A-Za-z.%]{2}")


def _excerpt_start(text: str, start: int, match_start: int) -> int:
    if start == 0:
        return 0
    boundary = _CLAUSE_END.search(text, start - 1, match_start)
    if boundary:
        return boundary.end()
    while start < match_start and _NUMBER_OR_WORD.match(text[start - 1 : start + 1]):
        start += 1
    return start


def _mark_pattern(query: ParsedQuery) -> re.Pattern | None:
    if not query:
        return None
    pieces = (piece for word in query.words for piece in word_pieces(word))
    terms = sorted({*query.words, *pieces}, key=len, reverse=True)
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def excerpt_source(search_text: str) -> str:
    """Summary and body text from the stored search text (one field per line)."""
    lines = (search_text or "").split("\n")
    return " ".join(line for line in lines[1:3] if line)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year in the site's time zone, as a range the published_at index can use."""
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


# --- Other search sources ---------------------------------------------------------------
# Each source finds a few public records other than articles and shows them in a grouped
# section above the article results. A source is a callable (ParsedQuery) -> list of
# SourceHit, registered in SEARCH_SOURCES with a heading. To add one (e.g. publications):
#
#     def _publications(query):
#         qs = Publication.objects.published()   # the model's own public rule
#         for word in query.words: qs = qs.filter(title__icontains=word)
#         return [SourceHit(p.title, p.get_absolute_url(), p.summary) for p in qs[:5]]
#     SEARCH_SOURCES.append(SearchSource("publications", "出版物", _publications))
#
# Every source must read only public records and run a fixed number of queries (one).


@dataclass
class SourceHit:
    title: str
    url: str
    text: str = ""


@dataclass
class SearchSource:
    key: str
    heading: str
    find: Callable[[ParsedQuery], list[SourceHit]]


def _words_in(fields: list[str], query: ParsedQuery) -> Q:
    """Every word of ``query`` in one of ``fields``: as typed, or a longer word by the shorter
    words it is made of (``word_pieces``: 红色书社 finds 红色乡村(校园)书社 by 红色 and 书社)."""
    condition = Q()
    for word in query.words:
        spellings = [(word,), word_pieces(word)]
        any_field = Q()
        for name in fields:
            for spelling in filter(None, spellings):
                all_parts = Q()
                for part in spelling:
                    all_parts &= Q(**{f"{name}__icontains": part})
                any_field |= all_parts
        condition &= any_field
    return condition


def _programmes(query: ParsedQuery) -> list[SourceHit]:
    from projects.models import Programme

    found = Programme.objects.visible().filter(_words_in(["name", "summary"], query))[:5]
    return [SourceHit(p.name, p.get_absolute_url(), p.summary) for p in found]


def _county_branches(query: ParsedQuery) -> list[SourceHit]:
    from members.models import CountyBranch

    found = CountyBranch.objects.filter(_words_in(["name"], query))[:5]
    return [SourceHit(f"{b.name}老促会", b.get_absolute_url(), "") for b in found]


def _publications(query: ParsedQuery) -> list[SourceHit]:
    from .publication_selectors import search_publications

    found = search_publications(" ".join(query.words), limit=5)
    return [SourceHit(p.title, p.get_absolute_url(), p.summary) for p in found]


SEARCH_SOURCES: list[SearchSource] = [
    SearchSource("programmes", "品牌项目", _programmes),
    SearchSource("county-branches", "县区老促会", _county_branches),
    SearchSource("publications", "出版物", _publications),
]


def search_sources(query: ParsedQuery) -> list[tuple[SearchSource, list[SourceHit]]]:
    """The sources with hits, in registry order (one query per source)."""
    if not query:
        return []
    results = []
    for source in SEARCH_SOURCES:
        hits = source.find(query)
        if hits:
            results.append((source, hits))
    return results


def search_url(query: str) -> str:
    from django.utils.http import urlencode

    return f"{reverse('search')}?{urlencode({'q': query})}"


def reindex_article(article) -> None:
    """Write ``article``'s search document again, e.g. after its counties or programmes changed.

    ``update()`` rather than ``save()``: re-indexing is not an edit and must not move
    ``updated_at``.
    """
    from .models import Article

    article.update_search_document()
    Article.objects.filter(pk=article.pk).update(search_text=article.search_text, search_vector=article.search_vector)
