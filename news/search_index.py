"""Chinese search index: segmentation, the stored search document and its database field.

PostgreSQL's parsers do not segment Chinese and zhparser is rarely available on managed
databases, so the application segments the text itself (jieba with the association's own
dictionary, ``search_dict.txt``) and stores the lexemes as a ready-made ``tsvector``:

* every CJK character (so one-character queries work),
* every pair of adjacent characters (so any two-character query works, whatever jieba
  made of the sentence),
* jieba's words of three and more characters (宝塔区, 十镇百村) which rank a whole-word
  match above a chance run of bigrams,
* ASCII words and numbers (2023, pdf), lower-cased after NFKC (full-width digits too).

Title lexemes get weight A, summary B, body C, tags (channel, counties, programmes) B.
A query is turned into a ``tsquery`` by the same rules (``news.search``), so both sides
always agree; no database text-search configuration is involved beyond ``simple``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from html import unescape
from pathlib import Path

from django.db import models
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines

DICTIONARY = Path(__file__).parent / "search_dict.txt"

# CJK ideographs (basic, extension A, compatibility) and ASCII letters/digits. Everything
# else (punctuation, emoji, tsquery operators, quotes) separates tokens and is never indexed.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
TOKEN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")

# tsvector limits: positions run from 1 to 16383 and a lexeme keeps at most 256 of them.
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 200
# The body is indexed up to this many characters (≈ 30 printed pages); longer texts are rare.
MAX_BODY_CHARS = 60_000

_tokenizer = None
_tokenizer_lock = threading.Lock()


def tokenizer():
    """jieba's segmenter with the project dictionary, built once per process (≈1 s)."""
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                instance.load_userdict(str(DICTIONARY))
                _tokenizer = instance
    return _tokenizer


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII), no control characters, one space."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def html_to_text(html: str) -> str:
    # Block ends become spaces so that words of two paragraphs do not run together.
    html = re.sub(r"(?i)<br\s*/?>|</(p|h[1-6]|li|td|th|div|blockquote|figcaption)>", " ", html or "")
    # The entities too: "R&amp;D" is searched and shown as "R&D" (the snippet escapes it again).
    return normalize(unescape(strip_tags(normalize_newlines(html))))


def words(run: str) -> list[str]:
    """jieba's segmentation of one CJK run (precise mode)."""
    return [word for word in tokenizer().cut(run, HMM=True) if word.strip()]


def lexemes(text: str) -> Iterable[tuple[str, int]]:
    """(lexeme, offset) pairs of one normalised text; offsets count characters/ASCII words."""
    offset = 0
    for match in TOKEN_RUN.finditer(text.lower()):
        run = match.group()
        if not CJK_RUN.fullmatch(run):
            yield run, offset
            offset += 1
            continue
        for i, char in enumerate(run):
            yield char, offset + i
            if i + 1 < len(run):
                yield run[i : i + 2], offset + i
        for word, start, end in tokenizer().tokenize(run, mode="search"):
            if end - start >= 3:
                yield word, offset + start
        offset += len(run)


def build_document(*, title: str, summary: str, body_text: str, tags: list[str]) -> tuple[str, str]:
    """The stored search text (for LIKE and excerpts) and the ``tsvector`` literal.

    ``search_text`` keeps one field per line: title, summary, body text, tags.
    """
    fields = [
        ("A", normalize(title)),
        ("B", normalize(summary)),
        ("C", normalize(body_text)[:MAX_BODY_CHARS]),
        ("B", normalize(" ".join(tags))),
    ]
    positions: dict[str, list[str]] = {}
    base = 1
    for weight, text in fields:
        last = 0
        for lexeme, offset in lexemes(text):
            position = min(base + offset, MAX_POSITION)
            entries = positions.setdefault(lexeme, [])
            if len(entries) < MAX_POSITIONS_PER_LEXEME:
                entries.append(f"{position}{weight}")
            last = max(last, offset + 1)
        base += last + 1  # a gap, so no phrase runs across two fields
    vector = " ".join(f"{quote_lexeme(lexeme)}:{','.join(entries)}" for lexeme, entries in positions.items())
    search_text = "\n".join(text for _, text in fields)
    return search_text, vector


def quote_lexeme(lexeme: str) -> str:
    """A lexeme in tsvector/tsquery input syntax: single-quoted, quotes and backslashes doubled."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class SearchDocumentField(models.Field):
    """A ``tsvector`` column on PostgreSQL, a NULL text column elsewhere.

    One migration serves both databases: SQLite searches ``search_text`` with LIKE and
    never stores a vector. The value in Python is the tsvector literal that
    ``build_document`` returns.
    """

    description = "Search document (tsvector on PostgreSQL)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql" or not value:
            return None
        return value

    def get_placeholder_sql(self, value, compiler, connection):
        if hasattr(value, "as_sql"):  # bulk_update's CASE … WHEN (cast by Django on PostgreSQL)
            return compiler.compile(value)
        if connection.vendor == "postgresql" and value is not None:
            return "%s::tsvector", [value]
        return "%s", [value]
