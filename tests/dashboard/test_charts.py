"""The SVG charts from known data: titles, axis labels, one mark per point, the data table."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from clinic import charts

SVG = "{http://www.w3.org/2000/svg}"
T0 = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)


def svg_of(figure: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg.*</svg>", figure, re.S).group(0))  # noqa: S314 - ours


def texts(svg: ET.Element, css: str) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text") if css in t.get("class", "").split()]


def table_rows(figure: str) -> list[tuple[str, str]]:
    body = re.search(r"<tbody>(.*)</tbody>", figure, re.S).group(1)
    return re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', body)


def test_the_episode_line_chart_has_a_point_per_episode_labelled_axes_and_a_table():
    points = [charts.Point(T0 + dt.timedelta(days=d), peak) for d, peak in ((0, 4), (3, 7), (9, 5))]
    figure = charts.line_chart(chart_id="t", title="Peaks", points=points, x_label="Date",
                               y_label="Peak intensity (0-10)", y_max=10)  # fmt: skip
    svg = svg_of(figure)
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "t-title t-desc"
    assert svg.find(f"{SVG}title").text == "Peaks"
    assert "3 points" in svg.find(f"{SVG}desc").text
    circles = list(svg.iter(f"{SVG}circle"))
    assert len(circles) == 3
    assert [c.find(f"{SVG}title").text for c in circles] == [
        "01 Nov 2026 08:00: 4",
        "04 Nov 2026 08:00: 7",
        "10 Nov 2026 08:00: 5",
    ]
    assert texts(svg, "axis-label") == ["Peak intensity (0-10)", "Date"]
    assert texts(svg, "tick")[:6] == ["0", "2", "4", "6", "8", "10"]
    # Higher values sit higher (smaller y); time runs left to right.
    ys = [float(c.get("cy")) for c in circles]
    xs = [float(c.get("cx")) for c in circles]
    assert ys[1] < ys[2] < ys[0] and xs == sorted(xs)
    assert len(svg.find(f"{SVG}polyline").get("points").split()) == 3
    assert '<table class="visually-hidden"' in figure and "<caption>Peaks</caption>" in figure
    assert table_rows(figure) == [("01 Nov 2026 08:00", "4"), ("04 Nov 2026 08:00", "7"),
                                  ("10 Nov 2026 08:00", "5")]  # fmt: skip


def test_a_point_is_placed_on_a_fixed_time_window():
    start, end = T0, T0 + dt.timedelta(days=10)
    middle = charts.Point(T0 + dt.timedelta(days=5), 10)
    figure = charts.line_chart(chart_id="w", title="t", points=[middle], x_label="Date",
                               y_label="y", start=start, end=end)  # fmt: skip
    (circle,) = svg_of(figure).iter(f"{SVG}circle")
    left, right = charts.LEFT, charts.WIDTH - charts.RIGHT
    assert float(circle.get("cx")) == (left + right) / 2
    assert float(circle.get("cy")) == charts.TOP  # 10 of 10: the top of the plot


def test_an_empty_chart_says_so_and_has_no_marks():
    figure = charts.line_chart(chart_id="e", title="None", points=[], x_label="Date", y_label="y")
    svg = svg_of(figure)
    assert not list(svg.iter(f"{SVG}circle")) and "No data yet" in texts(svg, "empty")
    assert "No data." in figure


def test_the_trigger_bar_chart_has_a_bar_per_trigger_and_whole_ticks():
    bars = [("Lifting", 4), ("Stress", 2), ("Sitting <long>", 1)]
    figure = charts.hbar_chart(chart_id="b", title="Triggers", bars=bars, x_label="Episodes",
                               y_label="Trigger")  # fmt: skip
    svg = svg_of(figure)
    rects = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(rects) == 3
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] == 2 * widths[1] == 4 * widths[2]  # scaled to the axis maximum (5)
    assert texts(svg, "category") == ["Lifting", "Stress", "Sitting <long>"]
    assert "Sitting &lt;long&gt;" in figure  # escaped, never markup
    assert texts(svg, "tick")[:6] == ["0", "1", "2", "3", "4", "5"]
    assert texts(svg, "axis-label") == ["Trigger", "Episodes"]
    assert table_rows(figure) == [("Lifting", "4"), ("Stress", "2"), ("Sitting &lt;long&gt;", "1")]


def test_the_weekly_adherence_chart_has_a_bar_per_week_on_a_percent_axis():
    weeks = [("02 Nov", 100), ("09 Nov", 50), ("16 Nov", 0)]
    figure = charts.bar_chart(chart_id="a", title="Adherence", bars=weeks, x_label="Week starting",
                              y_label="Adherence (%)", y_max=100,
                              value_format=lambda v: f"{v}%")  # fmt: skip
    svg = svg_of(figure)
    rects = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
    heights = [float(r.get("height")) for r in rects]
    assert len(rects) == 3 and heights[0] == 2 * heights[1] and heights[2] == 0
    assert [r.find(f"{SVG}title").text for r in rects] == [
        "02 Nov: 100%",
        "09 Nov: 50%",
        "16 Nov: 0%",
    ]
    assert texts(svg, "axis-label") == ["Adherence (%)", "Week starting"]
    assert texts(svg, "tick")[:6] == ["0", "20", "40", "60", "80", "100"]
    assert table_rows(figure)[1] == ("09 Nov", "50%")


def test_axis_maxima_are_round_numbers():
    assert [charts.nice_max(v) for v in (0, 1, 3, 7, 12, 48, 101)] == [1, 1, 5, 10, 20, 50, 200]
