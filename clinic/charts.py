"""Server-rendered SVG charts: plain data in, markup out (no ORM, no clock, no JavaScript).

Each chart is a <figure> holding an <svg role="img"> with a <title> and <desc>, labelled axes,
one mark per data point (a <circle class="point"> or a <rect class="bar">, each with its own
<title> for a tooltip), and a <table> with the same numbers for screen readers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString

WIDTH = 640
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 56

Number = int | float


@dataclass(frozen=True)
class Point:
    when: dt.datetime | dt.date
    value: Number
    label: str = ""  # shown in the tooltip and the table instead of the date


def _fmt(value: Number) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


def _num(value: float) -> str:
    """A coordinate, short and stable."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_max(value: Number, *, minimum: Number = 1) -> Number:
    """A round upper bound for an axis: 1, 2, 5 or 10 times a power of ten."""
    value = max(value, minimum)
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - unreachable


def _ticks(maximum: Number, count: int = 5) -> list[Number]:
    """Evenly spaced ticks from 0 to `maximum`; whole numbers when `maximum` allows it."""
    if float(maximum).is_integer():
        for n in (count, 4, 5, 3, 2, 1):
            if n <= maximum and maximum % n == 0:
                return [int(maximum // n * i) for i in range(n + 1)]
    step = maximum / count
    return [round(step * i, 2) for i in range(count + 1)]


def _table(
    chart_id: str, title: str, headers: tuple[str, str], rows: Sequence[tuple[str, str]]
) -> str:
    body = "".join(
        f'<tr><th scope="row">{escape(a)}</th><td>{escape(b)}</td></tr>' for a, b in rows
    )
    if not rows:
        body = '<tr><td colspan="2">No data.</td></tr>'
    return (
        f'<table class="visually-hidden" id="{chart_id}-table"><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">{escape(headers[0])}</th>'
        f'<th scope="col">{escape(headers[1])}</th></tr></thead><tbody>{body}</tbody></table>'
    )


def _figure(
    chart_id: str, title: str, desc: str, height: int, marks: str, table: str
) -> SafeString:
    svg = (
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>{marks}</svg>'
    )
    caption = f"<figcaption>{escape(title)}</figcaption>"
    return SafeString(f'<figure class="chart-figure">{caption}{svg}{table}</figure>')


def _y_axis(maximum: Number, height: int, label: str, fmt: Callable[[Number], str]) -> str:
    plot_h = height - TOP - BOTTOM
    parts = ['<g class="axis y-axis">']
    for tick in _ticks(maximum):
        y = TOP + plot_h - plot_h * tick / maximum
        parts.append(
            f'<line class="gridline" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{_num(y)}" y2="{_num(y)}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{_num(y + 4)}" text-anchor="end">'
            f"{escape(fmt(tick))}</text>"
        )
    middle = TOP + plot_h / 2
    parts.append(
        f'<text class="axis-label" x="14" y="{_num(middle)}" text-anchor="middle" '
        f'transform="rotate(-90 14 {_num(middle)})">{escape(label)}</text></g>'
    )
    return "".join(parts)


def _x_label(label: str, height: int) -> str:
    x = LEFT + (WIDTH - LEFT - RIGHT) / 2
    return (
        f'<text class="axis-label x-axis-label" x="{_num(x)}" y="{height - 8}" '
        f'text-anchor="middle">{escape(label)}</text>'
    )


def _as_datetime(value: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(12), tzinfo=dt.UTC)


def line_chart(
    *,
    chart_id: str,
    title: str,
    points: Sequence[Point],
    x_label: str,
    y_label: str,
    y_max: Number = 10,
    start: dt.datetime | dt.date | None = None,
    end: dt.datetime | dt.date | None = None,
    date_format: str = "%d %b",
) -> SafeString:
    """Values over time: a line through one dot per point, on a time-scaled x axis."""
    height = 260
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    ordered = sorted(points, key=lambda p: _as_datetime(p.when))
    times = [_as_datetime(p.when) for p in ordered]
    first = _as_datetime(start) if start is not None else (times[0] if times else None)
    last = _as_datetime(end) if end is not None else (times[-1] if times else None)
    marks = [_y_axis(y_max, height, y_label, _fmt)]
    if first is not None and last is not None:
        span = max((last - first).total_seconds(), 1.0)

        def x_of(when: dt.datetime) -> float:
            return LEFT + plot_w * (when - first).total_seconds() / span

        marks.append('<g class="axis x-axis">')
        for i in range(5):
            when = first + dt.timedelta(seconds=span * i / 4)
            anchor = "start" if i == 0 else "end" if i == 4 else "middle"
            marks.append(
                f'<text class="tick" x="{_num(x_of(when))}" y="{TOP + plot_h + 18}" '
                f'text-anchor="{anchor}">{escape(when.strftime(date_format))}</text>'
            )
        marks.append("</g>")
        coords = [
            (x_of(t), TOP + plot_h - plot_h * min(p.value, y_max) / y_max)
            for t, p in zip(times, ordered, strict=True)
        ]
        if len(coords) > 1:
            path = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
            marks.append(f'<polyline class="line" points="{path}"/>')
        for (x, y), t, p in zip(coords, times, ordered, strict=True):
            tip = f"{p.label or t.strftime('%d %b %Y %H:%M')}: {_fmt(p.value)}"
            marks.append(
                f'<circle class="point" cx="{_num(x)}" cy="{_num(y)}" r="5">'
                f"<title>{escape(tip)}</title></circle>"
            )
    if not ordered:
        marks.append(
            f'<text class="empty" x="{WIDTH / 2}" y="{TOP + plot_h / 2}" '
            f'text-anchor="middle">No data yet</text>'
        )
    marks.append(_x_label(x_label, height))
    rows = [
        (p.label or t.strftime("%d %b %Y %H:%M"), _fmt(p.value))
        for t, p in zip(times, ordered, strict=True)
    ]
    desc = f"{len(ordered)} points. {y_label} (0 to {_fmt(y_max)}) by {x_label.lower()}."
    table = _table(chart_id, title, (x_label, y_label), rows)
    return _figure(chart_id, title, desc, height, "".join(marks), table)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[tuple[str, Number]],
    x_label: str,
    y_label: str,
    y_max: Number | None = None,
    value_format: Callable[[Number], str] = _fmt,
    tick_format: Callable[[Number], str] | None = None,
) -> SafeString:
    """One vertical bar per category (labels under the bars: keep them short)."""
    height = 260
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    top = y_max if y_max is not None else nice_max(max((v for _, v in bars), default=0))
    marks = [_y_axis(top, height, y_label, tick_format or _fmt)]
    slot = plot_w / max(len(bars), 1)
    width = min(slot * 0.7, 64)
    for i, (label, value) in enumerate(bars):
        h = plot_h * min(max(value, 0), top) / top
        x = LEFT + slot * i + (slot - width) / 2
        y = TOP + plot_h - h
        marks.append(
            f'<rect class="bar" x="{_num(x)}" y="{_num(y)}" width="{_num(width)}" '
            f'height="{_num(h)}"><title>{escape(label)}: {escape(value_format(value))}'
            "</title></rect>"
            f'<text class="tick" x="{_num(x + width / 2)}" y="{TOP + plot_h + 18}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    if not bars:
        marks.append(
            f'<text class="empty" x="{WIDTH / 2}" y="{TOP + plot_h / 2}" '
            f'text-anchor="middle">No data yet</text>'
        )
    marks.append(_x_label(x_label, height))
    rows = [(label, value_format(value)) for label, value in bars]
    desc = f"{len(bars)} bars. {y_label} by {x_label.lower()}."
    table = _table(chart_id, title, (x_label, y_label), rows)
    return _figure(chart_id, title, desc, height, "".join(marks), table)


def hbar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[tuple[str, Number]],
    x_label: str,
    y_label: str,
    x_max: Number | None = None,
    value_format: Callable[[Number], str] = _fmt,
    tick_format: Callable[[Number], str] = _fmt,
) -> SafeString:
    """One horizontal bar per category, for long category names (triggers, relief methods).

    `y_label` names the categories (left), `x_label` the values (bottom)."""
    left = 200
    row_h = 28
    height = TOP + BOTTOM + row_h * max(len(bars), 1)
    plot_w = WIDTH - left - RIGHT
    top = x_max if x_max is not None else nice_max(max((v for _, v in bars), default=0))
    marks = ['<g class="axis x-axis">']
    for tick in _ticks(top, 4):
        x = left + plot_w * tick / top
        marks.append(
            f'<line class="gridline" x1="{_num(x)}" x2="{_num(x)}" y1="{TOP}" '
            f'y2="{height - BOTTOM}"/><text class="tick" x="{_num(x)}" '
            f'y="{height - BOTTOM + 18}" text-anchor="middle">{escape(tick_format(tick))}</text>'
        )
    marks.append("</g>")
    for i, (label, value) in enumerate(bars):
        y = TOP + row_h * i + 4
        w = plot_w * min(max(value, 0), top) / top
        marks.append(
            f'<text class="tick category" x="{left - 8}" y="{_num(y + row_h / 2)}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar" x="{left}" y="{_num(y)}" width="{_num(w)}" height="{row_h - 8}">'
            f"<title>{escape(label)}: {escape(value_format(value))}</title></rect>"
        )
    if not bars:
        marks.append(
            f'<text class="empty" x="{WIDTH / 2}" y="{TOP + row_h / 2 + 4}" '
            f'text-anchor="middle">No data yet</text>'
        )
    marks.append(
        f'<text class="axis-label y-axis-label" x="{left - 8}" y="{TOP - 4}" '
        f'text-anchor="end">{escape(y_label)}</text>'
    )
    x_mid = left + plot_w / 2
    marks.append(
        f'<text class="axis-label x-axis-label" x="{_num(x_mid)}" y="{height - 8}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    rows = [(label, value_format(value)) for label, value in bars]
    desc = f"{len(bars)} bars. {x_label} by {y_label.lower()}."
    table = _table(chart_id, title, (y_label, x_label), rows)
    return _figure(chart_id, title, desc, height, "".join(marks), table)
