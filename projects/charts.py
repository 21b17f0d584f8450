"""Server-rendered inline SVG charts of a programme's figures.

No JavaScript and nothing from another host: the chart is plain markup that scales with
its container, takes its colours from the page's CSS variables (so the high-contrast mode
and print restyle it), and carries a <title>/<desc>; the page shows the same numbers as a
table beside it for screen readers and for readers who prefer text.

A cumulative measure (累计) is drawn as a line over a linear year axis, a yearly count or a
single value as bars. Sample (示例) values are drawn hollow and dashed.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 480
HEIGHT = 300
MARGIN_LEFT = 68
MARGIN_RIGHT = 20
MARGIN_TOP = 40
MARGIN_BOTTOM = 54
TICKS = 4
FONT = 15
# Labels closer than this (in viewBox units) would overlap, so some are skipped.
MIN_LABEL_GAP = 44

EMPTY_TEXT = "暂无数据"


@dataclass
class Point:
    year: int
    value: Decimal
    label: str
    is_sample: bool = False
    # The Figure the point was read from, for the table's source and note columns.
    figure: object = None


@dataclass
class Series:
    """One measure of one programme over the years, oldest first."""

    measure: str
    unit: str
    is_cumulative: bool
    points: list[Point] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "line" if self.is_cumulative and len(self.points) >= 2 else "bar"

    @property
    def has_sample(self) -> bool:
        return any(p.is_sample for p in self.points)

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


def nice_step(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ that is at least ``value`` (2.5 only from 25 up,
    so that counts of people or rooms never get a 12.5 tick)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    steps = (1, 2, 2.5, 5, 10) if exponent >= 1 else (1, 2, 5, 10)
    for step in steps:
        candidate = step * 10**exponent
        if candidate >= value:
            return float(candidate)
    return float(10 ** (exponent + 1))


def axis_scale(maximum: float) -> tuple[float, int]:
    """(top of the value axis, number of grid steps): round numbers, about four steps."""
    step = nice_step(maximum / TICKS) if maximum > 0 else 1.0
    steps = max(1, math.ceil(maximum / step - 1e-9))
    return step * steps, steps


def tick_label(value: float) -> str:
    if value >= 100_000:
        return f"{value / 10_000:g}万"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _text(x: float, y: float, content: str, *, css: str, anchor: str = "middle", size: int = FONT) -> str:
    return (
        f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}">'
        f"{escape(content)}</text>"
    )


def describe(series: Series) -> str:
    parts = []
    for point in series.points:
        sample = "(示例数据)" if point.is_sample else ""
        parts.append(f"{point.year}年 {point.label}{series.unit}{sample}")
    kind = "累计数" if series.is_cumulative else "当年数"
    return f"{series.measure}({kind},单位:{series.unit}):" + ";".join(parts) + "。"


def render(series: Series, *, chart_id: str) -> SafeString:
    """The chart as an inline <svg>, or a short "暂无数据" paragraph when there is no data."""
    if not series.points:
        return mark_safe(f'<p class="chart-empty" id="{escape(chart_id)}">{EMPTY_TEXT}</p>')

    plot_left, plot_right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    plot_top, plot_bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
    plot_width, plot_height = plot_right - plot_left, plot_bottom - plot_top

    top_value, steps = axis_scale(max(float(p.value) for p in series.points))

    def y_of(value: float) -> float:
        return plot_bottom - plot_height * value / top_value

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    first, last = series.points[0].year, series.points[-1].year
    years = f"{first}年" if first == last else f"{first}—{last}年"
    parts = [
        f'<svg class="chart chart-{series.kind}" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'preserveAspectRatio="xMidYMid meet">',
        f'<title id="{title_id}">{escape(series.measure)}({escape(series.unit)}),{years}</title>',
        f'<desc id="{desc_id}">{escape(describe(series))}</desc>',
        # Axis titles in Chinese: the unit above the value axis, 年份 under the year axis.
        _text(8, 22, f"{series.measure}({series.unit})", css="chart-axis-title", anchor="start"),
        _text(plot_right, HEIGHT - 6, "年份", css="chart-axis-title", anchor="end"),
    ]

    for i in range(steps + 1):
        value = top_value * i / steps
        y = y_of(value)
        css = "chart-axis" if i == 0 else "chart-grid"
        parts.append(f'<line class="{css}" x1="{plot_left}" y1="{y:.1f}" x2="{plot_right}" y2="{y:.1f}"/>')
        parts.append(_text(plot_left - 6, y + 5, tick_label(value), css="chart-tick", anchor="end", size=14))
    parts.append(f'<line class="chart-axis" x1="{plot_left}" y1="{plot_top}" x2="{plot_left}" y2="{plot_bottom}"/>')

    if series.kind == "line":
        span = max(last - first, 1)
        inner = 18  # keeps the first and last points off the axes

        def x_of(point: Point) -> float:
            return plot_left + inner + (plot_width - 2 * inner) * (point.year - first) / span
    else:
        band = plot_width / len(series.points)
        index = {id(p): i for i, p in enumerate(series.points)}

        def x_of(point: Point) -> float:
            return plot_left + band * (index[id(point)] + 0.5)

    if series.kind == "line":
        for a, b in zip(series.points, series.points[1:]):
            css = "chart-line is-sample" if (a.is_sample or b.is_sample) else "chart-line"
            parts.append(
                f'<line class="{css}" x1="{x_of(a):.1f}" y1="{y_of(float(a.value)):.1f}" '
                f'x2="{x_of(b):.1f}" y2="{y_of(float(b.value)):.1f}"/>'
            )
        for point in series.points:
            css = "chart-point is-sample" if point.is_sample else "chart-point"
            parts.append(
                f'<circle class="{css}" cx="{x_of(point):.1f}" cy="{y_of(float(point.value)):.1f}" r="5"/>'
            )
    else:
        bar_width = min(56.0, band * 0.6)
        for point in series.points:
            css = "chart-bar is-sample" if point.is_sample else "chart-bar"
            top = y_of(float(point.value))
            parts.append(
                f'<rect class="{css}" x="{x_of(point) - bar_width / 2:.1f}" y="{top:.1f}" '
                f'width="{bar_width:.1f}" height="{max(plot_bottom - top, 0):.1f}"/>'
            )

    # Year labels, skipping any that would overlap the previous one; the last (the latest
    # figure) is always labelled. Values are written on real figures only: sample values
    # would crowd the real ones, and the table lists them all.
    shown: list[Point] = []
    for point in reversed(series.points):
        if not shown or x_of(shown[-1]) - x_of(point) >= MIN_LABEL_GAP:
            shown.append(point)
    for point in reversed(shown):
        parts.append(_text(x_of(point), plot_bottom + 20, str(point.year), css="chart-year", size=14))
    for point in series.points:
        if not point.is_sample:
            parts.append(
                _text(x_of(point), y_of(float(point.value)) - 10, point.label, css="chart-value", size=14)
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
