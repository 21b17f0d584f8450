"""Reads of programmes with their figures, rooms, villages and awards.

Every page that shows a programme's numbers reads them here, so the home page, the
programme index, the programme page and a county page can never disagree. Each function
runs a fixed number of queries, whatever the number of figures, rooms or articles.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects

from news.models import LARGE_FIELDS, Article

from . import charts
from .models import Award, Figure, KeyVillage, Milestone, Programme, ReadingRoom

RELATED_ARTICLES = 10


def _figures():
    # The source article is shown as a link: its body and search document stay behind
    # (they made the home page's figure query read every source article's text; perf, issue 9).
    return Figure.objects.select_related("source_article", "source_article__channel").defer(
        *(f"source_article__{name}" for name in LARGE_FIELDS)
    )


def latest_figures(programme_ids: list[int]) -> dict[int, list[Figure]]:
    """For each programme: the latest figure of each of its measures (one query, no joins).

    A programme gains a few figures a year, so all of them are read and the latest of each
    measure is kept here: the same answer from a window function in SQL took Django four
    times as long to build as these rows take to read (perf, issue 9).
    """
    if not programme_ids:
        return {}
    latest: dict[tuple[int, str], Figure] = {}
    for figure in Figure.objects.filter(programme_id__in=programme_ids).order_by("-year", "-id"):
        latest.setdefault((figure.programme_id, figure.measure), figure)
    by_programme: dict[int, list[Figure]] = defaultdict(list)
    for figure in sorted(latest.values(), key=lambda f: f.id):
        by_programme[figure.programme_id].append(figure)
    return by_programme


def headline_of(programme: Programme, latest: list[Figure]) -> Figure | None:
    """The card figure: the programme's chosen measure, else its most recent real figure."""
    if not latest:
        return None
    if programme.headline_measure:
        for figure in latest:
            if figure.measure == programme.headline_measure:
                return figure
    return max(latest, key=lambda f: (not f.is_sample, f.year, -f.id))


@dataclass
class ProgrammeCard:
    programme: Programme
    headline: Figure | None


def programme_cards(channels: dict | None = None) -> list[ProgrammeCard]:
    """Visible programmes with their headline figure: three queries (two when no headline
    figure names a source article). ``channels``: see ``ArticleQuerySet.for_links``."""
    programmes = list(Programme.objects.visible().defer("body"))
    latest = latest_figures([p.id for p in programmes])
    cards = [ProgrammeCard(p, headline_of(p, latest.get(p.id, []))) for p in programmes]
    # A card shows its headline figure's source article, linked only while it is published.
    prefetch_related_objects(
        [card.headline for card in cards if card.headline],
        Prefetch("source_article", queryset=Article.objects.published().for_links(channels)),
    )
    return cards


@dataclass
class CountyRooms:
    county: object
    rural: int = 0
    campus: int = 0

    @property
    def total(self) -> int:
        return self.rural + self.campus


@dataclass
class RoomSummary:
    rooms: list[ReadingRoom]
    by_county: list[CountyRooms]
    launched: int
    goal: int | None

    @property
    def rural(self) -> int:
        return sum(row.rural for row in self.by_county)

    @property
    def campus(self) -> int:
        return sum(row.campus for row in self.by_county)

    @property
    def percent(self) -> int:
        if not self.goal:
            return 0
        return min(100, round(100 * self.launched / self.goal))


def summarise_rooms(rooms: list[ReadingRoom], goal: int | None) -> RoomSummary:
    """Launched rooms by county and kind; rooms being planned or closed are listed, not counted."""
    rows: dict[int, CountyRooms] = {}
    for room in rooms:
        if room.status != ReadingRoom.Status.OPEN:
            continue
        row = rows.setdefault(room.county_id, CountyRooms(room.county))
        if room.kind == ReadingRoom.Kind.CAMPUS:
            row.campus += 1
        else:
            row.rural += 1
    by_county = sorted(rows.values(), key=lambda r: (r.county.order, r.county.id))
    return RoomSummary(rooms, by_county, sum(r.total for r in by_county), goal)


@dataclass
class ProgrammePage:
    programme: Programme
    series: list[charts.Series]
    latest: list[Figure]
    milestones: list[Milestone]
    rooms: RoomSummary | None
    villages_by_county: list[tuple[object, list[KeyVillage]]]
    awards_by_year: list[tuple[int, list[Award]]]
    articles: list = field(default_factory=list)
    partner_units: list = field(default_factory=list)

    @property
    def partner_texts(self) -> list[str]:
        """The partners typed as text, less those linked as council units (shown once)."""
        linked = {unit.name.removesuffix("(示例)") for unit in self.partner_units}
        return [name for name in self.programme.partner_list if name not in linked]

    @property
    def has_sample(self) -> bool:
        return any(s.has_sample for s in self.series)


def series_of(figures: list[Figure]) -> list[charts.Series]:
    """Figures (ordered by measure, year) grouped into one chart series per measure."""
    by_measure: dict[str, charts.Series] = {}
    for figure in figures:
        series = by_measure.get(figure.measure)
        if series is None:
            series = by_measure[figure.measure] = charts.Series(
                figure.measure, figure.unit, figure.is_cumulative
            )
        series.points.append(
            charts.Point(figure.year, figure.value, figure.display_value, figure.is_sample, figure)
        )
    return list(by_measure.values())


def programme_page(programme: Programme) -> ProgrammePage:
    figures = list(_figures().filter(programme=programme).order_by("measure", "year", "id"))
    latest_by_measure: dict[str, Figure] = {}
    for figure in figures:
        latest_by_measure[figure.measure] = figure
    headline = headline_of(programme, list(latest_by_measure.values()))
    # The headline measure first, then the others in the order staff named them.
    latest = sorted(latest_by_measure.values(), key=lambda f: (f is not headline, f.id))
    series = series_of(figures)
    order = {f.measure: i for i, f in enumerate(latest)}
    series.sort(key=lambda s: order[s.measure])

    milestones = list(
        programme.milestones.select_related("article", "article__channel").order_by("year", "month", "day", "id")
    )
    rooms = list(programme.reading_rooms.select_related("county").order_by("county__order", "name", "id"))
    villages = list(programme.key_villages.select_related("county").order_by("county__order", "town", "name", "id"))
    awards = list(programme.awards.select_related("county").order_by("-year", "id"))
    articles = list(
        programme.articles.published().for_listing().order_by("-published_at", "-id")[:RELATED_ARTICLES]
    )
    return ProgrammePage(
        programme=programme,
        series=series,
        latest=latest,
        milestones=milestones,
        rooms=summarise_rooms(rooms, programme.goal) if rooms or programme.goal else None,
        villages_by_county=_group(villages, key=lambda v: v.county),
        awards_by_year=_group(awards, key=lambda a: a.year),
        articles=articles,
        # Only units still on the council (inactive ones vanish from public pages).
        partner_units=list(programme.partner_units.visible()),
    )


def _group(items: list, *, key) -> list[tuple]:
    groups: dict = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.items())


@dataclass
class CountyProjects:
    rooms: list[ReadingRoom]
    villages: list[KeyVillage]
    awards: list[Award]

    @property
    def room_counts(self) -> Counter:
        return Counter(r.kind for r in self.rooms if r.status == ReadingRoom.Status.OPEN)

    def __bool__(self) -> bool:
        return bool(self.rooms or self.villages or self.awards)


def for_county(county) -> CountyProjects:
    """A county's reading rooms, key villages and awards of visible programmes (three queries)."""
    visible = {"programme__is_active": True}
    return CountyProjects(
        rooms=list(
            ReadingRoom.objects.filter(county=county, **visible).select_related("programme").order_by("name", "id")
        ),
        villages=list(
            KeyVillage.objects.filter(county=county, **visible).select_related("programme").order_by("town", "name", "id")
        ),
        awards=list(
            Award.objects.filter(county=county, **visible).select_related("programme").order_by("-year", "id")
        ),
    )
