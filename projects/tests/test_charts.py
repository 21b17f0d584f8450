import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from projects import charts

SVG = "{http://www.w3.org/2000/svg}"


def series(values, *, cumulative=True, measure="示范面积", unit="亩", sample_years=()):
    points = [
        charts.Point(year, Decimal(value), f"{value:,}", year in sample_years) for year, value in values
    ]
    return charts.Series(measure, unit, cumulative, points)


def parse(markup: str) -> ET.Element:
    # Inline SVG in HTML; parsed as XML (with the namespace an SVG document would carry)
    # it must be well-formed.
    return ET.fromstring(markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def test_cumulative_measure_is_a_line_with_one_point_per_year():
    data = [(2018, 150), (2020, 680), (2022, 3100), (2024, 14000)]
    root = parse(charts.render(series(data), chart_id="c1"))
    assert root.get("class") == "chart chart-line"
    assert len(root.findall(f"{SVG}circle")) == 4
    assert len(root.findall(f"{SVG}line[@class='chart-line']")) == 3
    assert root.findall(f"{SVG}rect") == []


def test_yearly_counts_are_bars_one_per_year():
    data = [(2023, 3), (2024, 9)]
    root = parse(charts.render(series(data, cumulative=False, measure="获奖产品数", unit="种"), chart_id="c2"))
    bars = root.findall(f"{SVG}rect")
    assert [b.get("class") for b in bars] == ["chart-bar", "chart-bar"]
    # The taller bar is the larger value.
    assert float(bars[1].get("height")) > float(bars[0].get("height")) > 0


def test_a_single_cumulative_value_is_one_bar():
    root = parse(charts.render(series([(2024, 35)], measure="书社数量", unit="个"), chart_id="c3"))
    assert len(root.findall(f"{SVG}rect")) == 1


def test_labels_units_title_and_description_in_chinese():
    markup = charts.render(series([(2018, 150), (2024, 14000)]), chart_id="area")
    root = parse(markup)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "area-title area-desc"
    title = root.find(f"{SVG}title")
    assert title.get("id") == "area-title"
    assert title.text == "示范面积(亩),2018—2024年"
    desc = root.find(f"{SVG}desc").text
    assert "2018年 150亩" in desc and "2024年 14,000亩" in desc and "累计数" in desc
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "示范面积(亩)" in texts  # value axis title with the unit
    assert "年份" in texts  # year axis title
    assert {"2018", "2024"} <= set(texts)  # year labels
    assert {"150", "14,000"} <= set(texts)  # value labels
    assert "15,000" in texts  # a round axis end above the largest value


def test_sample_points_are_drawn_differently_and_described():
    data = [(2018, 150), (2021, 1450), (2024, 14000)]
    markup = charts.render(series(data, sample_years={2021}), chart_id="c")
    root = parse(markup)
    classes = [c.get("class") for c in root.findall(f"{SVG}circle")]
    assert classes == ["chart-point", "chart-point is-sample", "chart-point"]
    assert "2021年 1,450亩(示例数据)" in root.find(f"{SVG}desc").text
    # The sample value is not written on the chart as if it were a fact.
    assert "1,450" not in [t.text for t in root.iter(f"{SVG}text")]


def test_empty_data_says_no_data_instead_of_drawing_a_broken_chart():
    markup = charts.render(series([]), chart_id="empty")
    assert markup == '<p class="chart-empty" id="empty">暂无数据</p>'


def test_text_from_the_database_is_escaped():
    markup = charts.render(series([(2024, 1)], measure='<script>alert("x")</script>'), chart_id="x")
    assert "<script>" not in markup
    parse(markup)


def test_many_years_do_not_overlap_their_labels():
    data = [(year, year - 2000) for year in range(2001, 2025)]
    root = parse(charts.render(series(data), chart_id="c"))
    assert len(root.findall(f"{SVG}circle")) == 24
    years = [t for t in root.iter(f"{SVG}text") if t.get("class") == "chart-year"]
    xs = [float(t.get("x")) for t in years]
    assert 2 < len(years) < 24
    assert all(b - a >= charts.MIN_LABEL_GAP for a, b in zip(xs, xs[1:]))
    assert years[-1].text == "2024"  # the latest year is always labelled


@pytest.mark.parametrize(
    ("maximum", "top"), [(35, 40), (100, 100), (14000, 15000), (6000, 6000), (18, 20), (9, 10), (0, 1)]
)
def test_axis_ends_on_a_round_number_at_or_above_the_maximum(maximum, top):
    assert charts.axis_scale(maximum)[0] == top


def test_zero_values_draw_without_error():
    root = parse(charts.render(series([(2023, 0), (2024, 0)], cumulative=False), chart_id="z"))
    assert len(root.findall(f"{SVG}rect")) == 2
