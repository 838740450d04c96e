"""Server-rendered SVG charts: no chart library, no script, nothing from a CDN.

Each helper returns a complete `<svg>` element as a `SafeString`, ready for `{{ chart }}` in a
template. Every piece of text that comes from data is escaped; every coordinate is computed
with `Decimal` (never float) and written with two decimals, so the markup is deterministic.
An empty data set (or one of only zeros) renders a labelled empty state instead of a blank box.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

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
) -> SafeString:
    """Horizontal bars, one row per `(label, value)`, longest bar = largest value.

    Negative values are drawn as zero-length bars (the charts show volumes and counts). The
    value is printed after each bar, followed by `unit` when given.
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
        shown = f"{format_amount(amount)} {unit}".strip()
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
            f"{escape(shown)}</text></g>"
        )
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
