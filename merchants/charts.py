"""Server-rendered SVG charts: no chart library, no script, nothing from a CDN.

Each helper returns a complete `<svg>` element as a `SafeString`, ready for `{{ chart }}` in a
template. Every piece of text that comes from data is escaped; every coordinate is computed
with `Decimal` (never float) and written with two decimals, so the markup is deterministic.
An empty data set (or one of only zeros) renders a labelled empty state instead of a blank box.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.money import format_amount

BAR_COLOR = "#087a4b"
TRACK_COLOR = "#eceff4"
LINE_COLOR = "#1d4ed8"
TEXT_COLOR = "#1a2233"
MUTED_COLOR = "#526075"
FONT = "system-ui, sans-serif"

_CENT = Decimal("0.01")


def _n(value: Decimal | int) -> str:
    """A coordinate: two decimals, no exponent, no trailing '.00' noise."""
    text = f"{Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP):f}"
    return text[:-3] if text.endswith(".00") else text


def _svg(*, width: int, height: int, title: str, body: str, css_class: str) -> SafeString:
    label = escape(title)
    return mark_safe(  # noqa: S308 - every interpolated text was escaped above or by the caller
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-label="{label}" font-family="{FONT}">'
        f"<title>{label}</title>{body}</svg>"
    )


def _empty(*, width: int, height: int, title: str, text: str, css_class: str) -> SafeString:
    middle = Decimal(height) / 2
    body = (
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" rx="6" '
        f'fill="#f4f6fa" stroke="#dde2ea" stroke-dasharray="4 4"/>'
        f'<text x="{_n(Decimal(width) / 2)}" y="{_n(middle)}" text-anchor="middle" '
        f'dominant-baseline="middle" font-size="13" fill="{MUTED_COLOR}">{escape(text)}</text>'
    )
    return _svg(
        width=width, height=height, title=title, body=body, css_class=f"{css_class} chart--empty"
    )


def bar_chart(
    items: list[tuple[str, Decimal]],
    *,
    title: str = "Bar chart",
    empty_text: str = "No data yet",
    unit: str = "",
    width: int = 480,
    shown: Callable[[str, Decimal], str] | None = None,
    axis_label: str = "",
) -> SafeString:
    """Horizontal bars, one row per `(label, value)`, longest bar = largest value.

    Negative values are drawn as zero-length bars (the charts show volumes and counts). The
    value is printed after each bar: `shown(label, value)` when given (e.g. in the row's own
    unit), else the plain number followed by `unit`. `axis_label` names the value axis, drawn
    under the bars from 0 to the largest value.
    """
    row, gap, label_width, value_width = 26, 10, 90, 110
    if not items or all(value <= 0 for _, value in items):
        return _empty(width=width, height=72, title=title, text=empty_text, css_class="chart--bars")
    height = len(items) * (row + gap) + gap
    plot = Decimal(width - label_width - value_width)
    largest = max(Decimal(value) for _, value in items)
    parts: list[str] = []
    for index, (label, value) in enumerate(items):
        amount = Decimal(value)
        top = Decimal(gap + index * (row + gap))
        length = plot * max(amount, Decimal(0)) / largest
        middle = top + Decimal(row) / 2
        text = shown(label, amount) if shown else f"{format_amount(amount)} {unit}".strip()
        parts.append(
            f'<g class="chart__row"><text x="{label_width - 8}" y="{_n(middle)}" '
            f'text-anchor="end" dominant-baseline="middle" font-size="13" font-weight="600" '
            f'fill="{TEXT_COLOR}">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{_n(top)}" width="{_n(plot)}" height="{row}" rx="4" '
            f'fill="{TRACK_COLOR}"/>'
            f'<rect class="chart__bar" x="{label_width}" y="{_n(top)}" width="{_n(length)}" '
            f'height="{row}" rx="4" fill="{BAR_COLOR}"/>'
            f'<text x="{_n(Decimal(label_width) + plot + 8)}" y="{_n(middle)}" '
            f'dominant-baseline="middle" font-size="12" fill="{MUTED_COLOR}">'
            f"{escape(text)}</text></g>"
        )
    if axis_label:
        parts.append(
            f'<g class="chart__axis"><line x1="{label_width}" y1="{height}" '
            f'x2="{_n(Decimal(label_width) + plot)}" y2="{height}" stroke="{MUTED_COLOR}"/>'
            f'<text x="{label_width}" y="{height + 14}" font-size="11" '
            f'fill="{MUTED_COLOR}">0</text>'
            f'<text x="{_n(Decimal(label_width) + plot)}" y="{height + 14}" text-anchor="end" '
            f'font-size="11" fill="{MUTED_COLOR}">{escape(axis_label)}</text></g>'
        )
        height += 20
    return _svg(
        width=width, height=height, title=title, body="".join(parts), css_class="chart--bars"
    )


def sparkline(
    values: Sequence[Decimal | int],
    *,
    title: str = "Trend",
    empty_text: str = "No data yet",
    width: int = 480,
    height: int = 80,
) -> SafeString:
    """A line through `values` (oldest first), scaled to the largest; a dot marks the latest."""
    if not values or all(Decimal(value) <= 0 for value in values):
        return _empty(
            width=width, height=height, title=title, text=empty_text, css_class="chart--spark"
        )
    pad = Decimal(6)
    numbers = [max(Decimal(value), Decimal(0)) for value in values]
    largest = max(numbers)
    inner_w, inner_h = Decimal(width) - 2 * pad, Decimal(height) - 2 * pad
    step = inner_w / (len(numbers) - 1) if len(numbers) > 1 else Decimal(0)
    points = [
        (pad + step * index, pad + inner_h - inner_h * number / largest)
        for index, number in enumerate(numbers)
    ]
    if len(points) == 1:  # one value: a flat line across, so it still reads as a line
        points.append((pad + inner_w, points[0][1]))
    line = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
    baseline = pad + inner_h
    area = f"{_n(points[0][0])},{_n(baseline)} {line} {_n(points[-1][0])},{_n(baseline)}"
    last_x, last_y = points[-1]
    body = (
        f'<line x1="{_n(pad)}" y1="{_n(baseline)}" x2="{_n(pad + inner_w)}" '
        f'y2="{_n(baseline)}" stroke="#dde2ea"/>'
        f'<polygon points="{area}" fill="{LINE_COLOR}" fill-opacity="0.1"/>'
        f'<polyline class="chart__line" points="{line}" fill="none" stroke="{LINE_COLOR}" '
        f'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
        f'<circle cx="{_n(last_x)}" cy="{_n(last_y)}" r="3" fill="{LINE_COLOR}"/>'
    )
    return _svg(width=width, height=height, title=title, body=body, css_class="chart--spark")


def _nice_top(largest: int) -> int:
    """The top of a count axis: at least 1, and even above 1 so its middle tick is whole."""
    top = max(largest, 1)
    return top + 1 if top > 1 and top % 2 else top


def daily_chart(
    points: Sequence[tuple[date, int]],
    *,
    title: str,
    unit: str,
    date_caption: str,
    empty_text: str = "No data yet",
    width: int = 480,
    height: int = 200,
) -> SafeString:
    """One column per day (oldest first) over a count axis: the y axis is labelled with `unit`
    and ticks at 0, half and the top; the x axis with a date every 10 days counted back from
    the last, in the active language's month-day format, and `date_caption` (e.g. "UTC days").
    """
    if not points or all(count <= 0 for _, count in points):
        return _empty(
            width=width, height=height, title=title, text=empty_text, css_class="chart--daily"
        )
    left, right, top_pad, bottom = Decimal(40), Decimal(8), Decimal(22), Decimal(40)
    plot_w = Decimal(width) - left - right
    plot_h = Decimal(height) - top_pad - bottom
    baseline = top_pad + plot_h
    top = _nice_top(max(count for _, count in points))
    slot = plot_w / len(points)
    parts = [
        f'<text class="chart__unit" x="{_n(left)}" y="12" font-size="11" '
        f'fill="{MUTED_COLOR}">{escape(unit)}</text>',
        f'<g class="chart__axis chart__axis--y"><line x1="{_n(left)}" y1="{_n(top_pad)}" '
        f'x2="{_n(left)}" y2="{_n(baseline)}" stroke="{MUTED_COLOR}"/>',
    ]
    for tick in dict.fromkeys((0, top // 2, top)):
        y = baseline - plot_h * tick / top
        parts.append(
            f'<line x1="{_n(left - 4)}" y1="{_n(y)}" x2="{_n(left + plot_w)}" y2="{_n(y)}" '
            f'stroke="#dde2ea"/><text x="{_n(left - 6)}" y="{_n(y)}" text-anchor="end" '
            f'dominant-baseline="middle" font-size="11" fill="{MUTED_COLOR}">{tick}</text>'
        )
    parts.append(
        f'</g><g class="chart__axis chart__axis--x"><line x1="{_n(left)}" y1="{_n(baseline)}" '
        f'x2="{_n(left + plot_w)}" y2="{_n(baseline)}" stroke="{MUTED_COLOR}"/>'
    )
    last = len(points) - 1
    for index in range(last, -1, -10):
        middle = left + slot * index + slot / 2
        label = date_format(points[index][0], "MONTH_DAY_FORMAT")
        parts.append(
            f'<line x1="{_n(middle)}" y1="{_n(baseline)}" x2="{_n(middle)}" '
            f'y2="{_n(baseline + 4)}" stroke="{MUTED_COLOR}"/>'
            f'<text class="chart__date" x="{_n(middle)}" y="{_n(baseline + 16)}" '
            f'text-anchor="{"end" if index == last else "middle"}" font-size="11" '
            f'fill="{MUTED_COLOR}">{escape(label)}</text>'
        )
    parts.append(
        f'<text x="{_n(left + plot_w / 2)}" y="{height - 4}" text-anchor="middle" '
        f'font-size="11" fill="{MUTED_COLOR}">{escape(date_caption)}</text></g>'
    )
    bar_w = slot * Decimal("0.7")
    for index, (day, count) in enumerate(points):
        bar_h = plot_h * max(count, 0) / top
        parts.append(
            f'<rect class="chart__bar" x="{_n(left + slot * index + (slot - bar_w) / 2)}" '
            f'y="{_n(baseline - bar_h)}" width="{_n(bar_w)}" height="{_n(bar_h)}" '
            f'fill="{LINE_COLOR}"><title>{escape(date_format(day, "SHORT_DATE_FORMAT"))}: '
            f"{count}</title></rect>"
        )
    return _svg(
        width=width, height=height, title=title, body="".join(parts), css_class="chart--daily"
    )
