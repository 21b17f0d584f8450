"""Business rules of the publications library: publishing, withdrawing, importing an archive."""

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from members.models import CountyBranch
from projects.models import Programme
from yanan_portal.cache import invalidate_public_pages

from .publications import Publication, TableOfContentsEntry

# --- Publishing ---------------------------------------------------------------------


# Both change many rows with one UPDATE, which sends no post_save: they drop the cached
# pages themselves, so a withdrawn publication (and its PDF) leaves the site at once.


@transaction.atomic
def publish_publications(*, queryset: QuerySet, at=None) -> int:
    """Publish now (or at ``at``); a publication already published keeps its first time."""
    at = at or timezone.now()
    count = queryset.filter(published_at__isnull=True).update(status=Publication.Status.PUBLISHED, published_at=at)
    count += queryset.filter(published_at__isnull=False).exclude(status=Publication.Status.PUBLISHED).update(
        status=Publication.Status.PUBLISHED
    )
    if count:
        invalidate_public_pages()
    return count


@transaction.atomic
def withdraw_publications(*, queryset: QuerySet) -> int:
    count = queryset.filter(status=Publication.Status.PUBLISHED).update(status=Publication.Status.WITHDRAWN)
    if count:
        invalidate_public_pages()
    return count


# --- Import of an archive folder ----------------------------------------------------

# Column names a staff member may use in the CSV: English or the Chinese header.
COLUMNS = {
    "file": ["file", "文件", "pdf", "文件名"],
    "kind": ["kind", "类别"],
    "title": ["title", "标题"],
    "number": ["number", "期号", "卷次", "期号或卷次"],
    "year": ["year", "年份"],
    "month": ["month", "月份"],
    "summary": ["summary", "简介", "内容简介"],
    "publisher": ["publisher", "编印单位"],
    "counties": ["counties", "县区", "相关县区"],
    "programmes": ["programmes", "项目", "相关项目"],
    "rating": ["rating", "评价"],
    "status": ["status", "状态"],
    "cover": ["cover", "封面"],
    "cover_alt": ["cover_alt", "封面说明"],
    "toc": ["toc", "目录"],
}
_PUBLISHED_WORDS = {"published", "发布", "已发布", "是", "yes"}
_DRAFT_WORDS = {"draft", "草稿", "否", "no"}
_LIST_SPLIT = re.compile(r"[;;、,,]\s*")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    # (CSV line number, title or file name, reason in Chinese)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)


class RowError(Exception):
    pass


def read_metadata(csv_path: Path) -> list[dict[str, str]]:
    """The CSV's rows with canonical column names. UTF-8 (with or without BOM) or GB18030,
    since a CSV saved by a Chinese Excel is usually the latter."""
    raw = csv_path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"{csv_path.name}:无法识别文件编码,请另存为 UTF-8 的 CSV。")
    reader = csv.DictReader(io.StringIO(text))
    aliases = {alias.lower(): name for name, names in COLUMNS.items() for alias in names}
    header = {column: aliases.get((column or "").strip().lower()) for column in reader.fieldnames or []}
    if "title" not in header.values() or "file" not in header.values():
        raise ValueError(f"{csv_path.name}:缺少“标题(title)”或“文件(file)”列。")
    rows = []
    for row in reader:
        rows.append({header[k]: (v or "").strip() for k, v in row.items() if k in header and header[k]})
    return rows


def _kind(value: str) -> str:
    for kind in Publication.Kind:
        if value in (kind.value, str(kind.label)):
            return kind.value
    raise RowError(f"类别“{value}”无法识别,应为:" + "、".join(str(k.label) for k in Publication.Kind))


def _int(value: str, label: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise RowError(f"{label}“{value}”不是数字")
    return int(value)


def _file_in(directory: Path, name: str, label: str) -> Path:
    path = (directory / name).resolve()
    if not path.is_relative_to(directory.resolve()):
        raise RowError(f"{label}“{name}”不在导入目录中")
    if not path.is_file():
        raise RowError(f"找不到{label}“{name}”")
    return path


def _lookup(names: str, options: Iterable, label: str) -> list:
    found = []
    by_key = {}
    for obj in options:
        by_key[obj.name] = by_key[obj.slug] = obj
    for name in filter(None, _LIST_SPLIT.split(names)):
        if name not in by_key:
            raise RowError(f"{label}“{name}”不存在")
        found.append(by_key[name])
    return found


def _toc(text: str) -> list[TableOfContentsEntry]:
    """“标题|作者|页码” entries, one per line or separated by semicolons."""
    entries = []
    for order, line in enumerate(filter(None, (part.strip() for part in re.split(r"[;;\n]", text))), start=1):
        title, author, page = (line.split("|") + ["", ""])[:3]
        entries.append(
            TableOfContentsEntry(
                title=title.strip(), author=author.strip(), page=_int(page.strip(), "页码"), order=order * 10
            )
        )
    return entries


def _messages(error: ValidationError) -> str:
    """The model's Chinese messages, each after the label of the column it concerns."""
    if not hasattr(error, "error_dict"):
        return ";".join(error.messages)
    parts = []
    for name, messages in error.message_dict.items():
        text = "、".join(messages)
        if name != "__all__":
            text = f"{Publication._meta.get_field(name).verbose_name}:{text}"
        parts.append(text)
    return ";".join(parts)


def import_publications(
    *,
    directory: Path,
    csv_path: Path | None = None,
    publish: bool = False,
    progress: Callable[[int], None] | None = None,
    rows: list[dict[str, str]] | None = None,
) -> ImportReport:
    """Import the PDFs of ``directory`` described by its CSV.

    Each row is its own transaction: a bad row is reported and skipped, the others are
    imported. A publication that exists (same kind and title) is left as staff made it,
    so running the import twice changes nothing.
    """
    directory = Path(directory)
    if rows is None:
        rows = read_metadata(csv_path or find_csv(directory))
    counties = list(CountyBranch.objects.all())
    programmes = list(Programme.objects.all())
    report = ImportReport()
    for line, row in enumerate(rows, start=2):
        label = row.get("title") or row.get("file") or f"第 {line} 行"
        try:
            with transaction.atomic():
                created = _import_row(row, directory=directory, counties=counties, programmes=programmes, publish=publish)
        except RowError as error:
            report.skipped.append((line, label, str(error)))
        except ValidationError as error:
            report.skipped.append((line, label, _messages(error)))
        else:
            (report.created if created else report.existing).append(label)
        if progress:
            progress(1)
    return report


def find_csv(directory: Path) -> Path:
    preferred = directory / "publications.csv"
    if preferred.is_file():
        return preferred
    candidates = sorted(directory.glob("*.csv"))
    if len(candidates) != 1:
        raise ValueError(f"{directory}:请放入一个 CSV 元数据文件(例如 publications.csv),或用 --csv 指定。")
    return candidates[0]


def _import_row(row: dict, *, directory: Path, counties: list, programmes: list, publish: bool) -> bool:
    title = row.get("title", "")
    if not title:
        raise RowError("缺少标题")
    kind = _kind(row.get("kind") or str(Publication.Kind.MAGAZINE.label))
    if Publication.objects.filter(kind=kind, title=title).exists():
        return False
    year = _int(row.get("year", ""), "年份")
    if year is None:
        raise RowError("缺少年份")
    status_word = row.get("status", "").lower()
    if status_word and status_word not in _PUBLISHED_WORDS | _DRAFT_WORDS:
        raise RowError(f"状态“{row['status']}”无法识别,应为“发布”或“草稿”")
    published = status_word in _PUBLISHED_WORDS or (publish and status_word not in _DRAFT_WORDS)
    if not row.get("file"):
        raise RowError("缺少 PDF 文件名")
    pdf_path = _file_in(directory, row["file"], "PDF 文件")
    cover_path = _file_in(directory, row["cover"], "封面图片") if row.get("cover") else None
    publication = Publication(
        kind=kind,
        title=title,
        number=_int(row.get("number", ""), "期号"),
        year=year,
        month=_int(row.get("month", ""), "月份"),
        summary=row.get("summary", ""),
        rating=row.get("rating", ""),
        cover_alt=row.get("cover_alt", ""),
        status=Publication.Status.PUBLISHED if published else Publication.Status.DRAFT,
        published_at=timezone.now() if published else None,
    )
    if row.get("publisher"):
        publication.publisher = row["publisher"]
    county_objs = _lookup(row.get("counties", ""), counties, "县区")
    programme_objs = _lookup(row.get("programmes", ""), programmes, "项目")
    toc = _toc(row.get("toc", ""))
    with pdf_path.open("rb") as pdf_handle, (cover_path.open("rb") if cover_path else io.BytesIO()) as cover_handle:
        publication.pdf = File(pdf_handle, name=pdf_path.name)
        if cover_path:
            publication.cover = File(cover_handle, name=cover_path.name)
        publication.full_clean()
        publication.save()
    publication.counties.set(county_objs)
    publication.programmes.set(programme_objs)
    for entry in toc:
        entry.publication = publication
    TableOfContentsEntry.objects.bulk_create(toc)
    return True
