"""Reads of the publications library. Every one starts from ``Publication.objects.published()``."""

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from .models import Article
from .publications import NEWEST_FIRST, Publication, PublicationStat, TableOfContentsEntry

KIND_ORDER = [kind.value for kind in Publication.Kind]


def filtered(*, kind: str | None = None, year: int | None = None, county=None, programme=None) -> QuerySet:
    """Published publications matching the (already validated) filters."""
    queryset = Publication.objects.published()
    if kind:
        queryset = queryset.filter(kind=kind)
    if year:
        queryset = queryset.filter(year=year)
    if county is not None:
        queryset = queryset.filter(counties=county)
    if programme is not None:
        queryset = queryset.filter(programmes=programme)
    return queryset


def sections_by_kind(queryset: QuerySet, *, per_kind: int = 6) -> list[dict]:
    """The newest ``per_kind`` of each kind with the kind's total: two queries for any number of rows."""
    ranked = (
        queryset.for_listing()
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("kind")],
                order_by=NEWEST_FIRST,
            )
        )
        .filter(rank__lte=per_kind)
        .order_by(*NEWEST_FIRST)
    )
    items: dict[str, list[Publication]] = {kind: [] for kind in KIND_ORDER}
    for publication in ranked:
        items[publication.kind].append(publication)
    totals = dict(queryset.order_by().values_list("kind").annotate(total=Count("id")))
    return [
        {"kind": kind, "label": Publication.Kind(kind).label, "items": items[kind], "total": totals.get(kind, 0)}
        for kind in KIND_ORDER
        if totals.get(kind)
    ]


def published_years() -> list[tuple[int, int]]:
    """(year, number of published publications), newest year first."""
    return list(
        Publication.objects.published()
        .order_by("-year")
        .values_list("year")
        .annotate(total=Count("id"))
    )


def stats(*, kind: str | None = None) -> list[PublicationStat]:
    queryset = PublicationStat.objects.all()
    if kind:
        queryset = queryset.filter(kind=kind)
    return list(queryset)


def toc_entries(publication: Publication) -> list[TableOfContentsEntry]:
    """The table of contents; an entry links to its article only if that article is published."""
    published_ids = Article.objects.published().values("id")
    return list(
        publication.toc_entries.annotate(article_is_public=Q(article_id__in=published_ids)).select_related(
            "article__channel"
        ).only(
            "title", "author", "page", "order", "publication_id", "article__id", "article__channel__slug",
            "article__channel_id",
        )
    )


def related_articles(publication: Publication, *, limit: int = 8) -> list[Article]:
    """Articles chosen by the editor, then articles linked from the table of contents."""
    return list(
        Article.objects.published()
        .for_listing()
        .filter(Q(related_publications=publication) | Q(toc_entries__publication=publication))
        .distinct()
        .order_by("-published_at", "-id")[:limit]
    )


def related_publications(publication: Publication, *, limit: int = 6) -> list[Publication]:
    """Other publications about the same counties or programmes, else of the same kind."""
    county_ids = [c.id for c in publication.counties.all()]
    programme_ids = [p.id for p in publication.programmes.all()]
    shared = Q(counties__in=county_ids) | Q(programmes__in=programme_ids)
    candidates = (
        Publication.objects.published()
        .for_listing()
        .exclude(pk=publication.pk)
        .filter(shared | Q(kind=publication.kind))
        .alias(shares=Count("id", filter=shared))
        .order_by("-shares", *NEWEST_FIRST)
        .distinct()
    )
    return list(candidates[:limit])


def for_object(obj, *, limit: int = 6) -> list[Publication]:
    """Published publications tagged with a county branch or a programme (their pages' box)."""
    return list(obj.publications.published().for_listing().newest_first()[:limit])


def magazine_shelf() -> QuerySet:
    return (
        Publication.objects.published()
        .filter(kind=Publication.Kind.MAGAZINE)
        .for_listing()
        .newest_first()
    )


def search_publications(query: str, *, limit: int | None = None) -> QuerySet:
    """Search hook for the site search: published publications whose title, summary, number,
    table of contents or authors contain every word of ``query``.

    Returns a queryset (newest first) so the search view can paginate or count it; each
    result has ``get_absolute_url``, ``title``, ``summary`` and ``date_label``.
    """
    words = [word for word in query.split() if word][:8]
    queryset = Publication.objects.published()
    if not words:
        return queryset.none()
    for word in words:
        condition = (
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(rating__icontains=word)
            | Q(toc_entries__title__icontains=word)
            | Q(toc_entries__author__icontains=word)
        )
        if word.isdigit() and len(word) <= 6:
            condition |= Q(number=int(word)) | Q(year=int(word))
        queryset = queryset.filter(pk__in=Publication.objects.filter(condition).values("pk"))
    queryset = queryset.newest_first()
    return queryset[:limit] if limit else queryset
