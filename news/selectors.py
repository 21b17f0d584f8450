"""Reads of articles that span several tables, for the home page and boxes."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import BigIntegerField, F, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, RowNumber

from .models import Article, Channel


@dataclass
class ChannelTree:
    """Every channel, read in one query: the navigation's top-level channels, each top-level
    channel's sub-channels, and the channels by slug (with ``parent`` already set)."""

    navigation: list[Channel]
    children: dict[int, list[Channel]]
    by_slug: dict[str, Channel]
    by_id: dict[int, Channel]


def channel_tree(request=None) -> ChannelTree:
    """Channels are few, and every public page needs them for the navigation (the home page
    for its blocks too, a channel list for its sub-channels), so they are read once per
    request and kept on ``request``."""
    cached = getattr(request, "_channel_tree", None)
    if cached is not None:
        return cached
    channels = list(Channel.objects.all())
    by_id = {c.id: c for c in channels}
    children: dict[int, list[Channel]] = {c.id: [] for c in channels if c.parent_id is None}
    for channel in channels:
        if channel.parent_id is not None:
            channel.parent = by_id[channel.parent_id]
            children[channel.parent_id].append(channel)
    tree = ChannelTree(
        navigation=[c for c in channels if c.parent_id is None and c.show_in_nav],
        children=children,
        by_slug={c.slug: c for c in channels},
        by_id=by_id,
    )
    if request is not None:
        request._channel_tree = tree
    return tree


def navigation_channels(request=None) -> list[Channel]:
    return channel_tree(request).navigation


def latest_by_top_channel(*, per_channel: int = 6, request=None) -> list[tuple[Channel, list[Article]]]:
    """The latest published articles of each top-level channel shown in the navigation.

    One query for all channels (UNION ALL on PostgreSQL, a window function elsewhere),
    so the home page's query count does not grow with channels or articles.
    """
    tree = channel_tree(request)
    channels = tree.navigation
    if not channels:
        return []
    if connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL: UNION ALL of one "latest N" per channel tree, each read in index order
        # and stopped after N rows. The window function below reads and sorts every
        # published article (145 ms at 10,000 articles; perf, issue 9). The channel ids are
        # spelled out: an OR across the join to news_channel cannot use an index.
        latest = Article.objects.published().for_links(tree.by_id).order_by("-published_at", "-id")
        parts = [
            latest.filter(channel_id__in=[channel.id, *(child.id for child in tree.children[channel.id])])
            .annotate(top_channel_id=Value(channel.id, output_field=BigIntegerField()))[:per_channel]
            for channel in channels
        ]
        ranked = parts[0].union(*parts[1:], all=True).order_by("-published_at", "-id") if len(parts) > 1 else parts[0]
    else:
        ranked = _latest_by_window(channels, per_channel, tree.by_id)
    by_channel: dict[int, list[Article]] = {c.id: [] for c in channels}
    for article in ranked:
        by_channel[article.top_channel_id].append(article)
    return [(channel, by_channel[channel.id]) for channel in channels]


def _latest_by_window(channels: list[Channel], per_channel: int, known_channels: dict[int, Channel]):
    """SQLite cannot limit the parts of a UNION: number each tree's articles instead."""
    top_channel = Coalesce(F("channel__parent_id"), F("channel_id"))
    return (
        Article.objects.published()
        .for_links(known_channels)
        .annotate(
            top_channel_id=top_channel,
            rank=Window(
                RowNumber(),
                partition_by=[top_channel],
                order_by=[F("published_at").desc(), F("id").desc()],
            ),
        )
        .filter(rank__lte=per_channel, top_channel_id__in=[c.id for c in channels])
        .order_by("-published_at", "-id")
    )


def _known_channels(request):
    """The request's channels by id when a page has them (see ``ArticleQuerySet.for_links``)."""
    return channel_tree(request).by_id if request is not None else None


def headlines(*, limit: int = 3, request=None) -> list[Article]:
    return list(
        Article.objects.published()
        .for_links(_known_channels(request))
        .filter(is_headline=True)
        .order_by("-published_at", "-id")[:limit]
    )


def pinned(*, limit: int = 5, exclude: list[int] = (), request=None) -> list[Article]:
    return list(
        Article.objects.published()
        .for_links(_known_channels(request))
        .filter(is_pinned=True)
        .exclude(id__in=exclude)
        .order_by("-published_at", "-id")[:limit]
    )


def neighbours_query(article: Article, channels: dict[int, Channel] | None = None):
    """上一篇 (the next newer) and 下一篇 (the next older) published article of the same
    channel, in one query whatever the number of articles (perf, issue 9)."""
    siblings = Article.objects.published().filter(channel_id=article.channel_id)
    # The redundant bounds on published_at let PostgreSQL read article_sibling_idx as a
    # range from this article instead of filtering the whole channel (perf).
    newer = siblings.filter(
        Q(published_at__gt=article.published_at) | Q(published_at=article.published_at, id__gt=article.id),
        published_at__gte=article.published_at,
    ).order_by("published_at", "id")[:1]
    older = siblings.filter(
        Q(published_at__lt=article.published_at) | Q(published_at=article.published_at, id__lt=article.id),
        published_at__lte=article.published_at,
    ).order_by("-published_at", "-id")[:1]
    if connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL: UNION ALL of the two one-row index reads. Each id as a subquery of a
        # third read (below) cost three times the planning and a third of the article
        # page's time in Python (perf, issue 9).
        found = _links_only(newer, channels).union(_links_only(older, channels), all=True)
    else:
        # SQLite cannot limit the parts of a UNION: each neighbour's id is a subquery.
        found = _links_only(
            Article.objects.filter(Q(id=Subquery(newer.values("id"))) | Q(id=Subquery(older.values("id")))).order_by(),
            channels,
        )
    return found


def _links_only(articles, channels: dict[int, Channel] | None):
    articles = articles.only("id", "title", "published_at", "channel_id")
    return articles.with_channels(channels) if channels is not None else articles.select_related("channel")


def neighbours(article: Article, channels: dict[int, Channel] | None = None) -> tuple[Article | None, Article | None]:
    """``(previous, next)`` as shown under an article; either may be None."""
    previous_article = next_article = None
    for neighbour in neighbours_query(article, channels):
        if (neighbour.published_at, neighbour.id) > (article.published_at, article.id):
            previous_article = neighbour
        else:
            next_article = neighbour
    return previous_article, next_article


SEARCH_FACETS_CACHE_KEY = "news:search-facets"
SEARCH_FACETS_CACHE_SECONDS = 300


def search_facets() -> dict:
    """The filter links of the search page: channels, years, counties and programmes.

    Four small queries whatever the number of articles (the years run from the newest
    published article's to the oldest's: no year that would surely find nothing), cached for
    five minutes, never past the next scheduled publication (it may start a new year), and
    dropped with the cached pages (``fragment_key``): a channel renamed or a programme hidden
    leaves the filters at once.
    """
    from django.core.cache import cache

    from yanan_portal.cache import fragment_key, fragment_timeout

    key = fragment_key(SEARCH_FACETS_CACHE_KEY)
    facets = cache.get(key)
    if facets is None:
        facets = _search_facets()
        cache.set(key, facets, fragment_timeout(SEARCH_FACETS_CACHE_SECONDS))
    return facets


def _search_facets() -> dict:
    from django.db.models import Max, Min
    from django.utils import timezone

    from members.models import CountyBranch
    from projects.models import Programme

    span = Article.objects.published().aggregate(oldest=Min("published_at"), newest=Max("published_at"))
    this_year = timezone.localdate().year
    first_year = timezone.localtime(span["oldest"]).year if span["oldest"] else this_year
    last_year = timezone.localtime(span["newest"]).year if span["newest"] else this_year
    return {
        "channels": list(Channel.objects.select_related("parent")),
        "years": list(range(last_year, first_year - 1, -1)),
        "counties": list(CountyBranch.objects.all()),
        "programmes": list(Programme.objects.visible()),
    }
