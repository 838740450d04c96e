"""Line charts for the dashboard: one line per series over the days, a value axis with ticks,
a date axis, and a legend naming each line. Server-rendered SVG, no script, nothing from a CDN;
every text from data is escaped. A missing value (a day with no order to time) breaks the line
rather than pretending to be zero."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.money import format_amount

# distinguishable for common colour blindness, each at least 4.5:1 on white
PALETTE = ("#1d4ed8", "#b42318", "#087a4b", "#8a5300", "#6d28d9", "#0e7490", "#454f60")
MUTED = "#526075"
GRID = "#dde2ea"
FONT = "system-ui, sans-serif"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Decimal | int | None]


def _n(value: float) -> str:
    """A coordinate, two decimals (floats: a year of points is thousands of them)."""
    text = f"{value:.2f}"
    return text[:-3] if text.endswith(".00") else text


def _nice_top(largest: Decimal) -> Decimal:
    """1, 2 or 5 times a power of ten, at or above `largest`."""
    if largest <= 0:
        return Decimal(1)
    power = Decimal(10) ** (len(str(int(largest))) - 1)
    for step in (1, 2, 5, 10):
        if largest <= power * step:
            return power * step
    return power * 10


def line_chart(
    days: Sequence[date],
    series: Sequence[Series],
    *,
    title: str,
    unit: str,
    empty_text: str,
    width: int = 640,
    height: int = 240,
) -> SafeString:
    values = [float(v) for s in series for v in s.values if v is not None]
    label = escape(title)
    if not days or not values or max(values) <= 0:
        return mark_safe(  # noqa: S308 - escaped
            f'<p class="chart chart--empty" role="img" aria-label="{label}">'
            f"{escape(empty_text)}</p>"
        )
    left, right, top_pad, bottom = 56.0, 12.0, 28.0, 44.0
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    baseline = top_pad + plot_h
    top_value = _nice_top(Decimal(str(max(values))))
    top = float(top_value)
    step = plot_w / max(len(days) - 1, 1)
    parts = [f'<text x="{_n(left)}" y="12" font-size="11" fill="{MUTED}">{escape(unit)}</text>']
    for tick in (Decimal(0), top_value / 2, top_value):
        y = baseline - plot_h * float(tick) / top
        parts.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + plot_w)}" y2="{_n(y)}" '
            f'stroke="{GRID}"/><text x="{_n(left - 6)}" y="{_n(y)}" text-anchor="end" '
            f'dominant-baseline="middle" font-size="11" fill="{MUTED}">'
            f"{escape(format_amount(tick.normalize()))}</text>"
        )
    parts.append(
        f'<line x1="{_n(left)}" y1="{_n(baseline)}" x2="{_n(left + plot_w)}" '
        f'y2="{_n(baseline)}" stroke="{MUTED}"/>'
    )
    every = max(len(days) // 6, 1)
    for position in range(len(days) - 1, -1, -every):
        x = left + step * position
        parts.append(
            f'<text x="{_n(x)}" y="{_n(baseline + 16)}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{escape(date_format(days[position], "MONTH_DAY_FORMAT"))}</text>'
        )
    for number, one in enumerate(series):
        color = PALETTE[number % len(PALETTE)]
        runs: list[list[str]] = [[]]
        for position, value in enumerate(one.values):
            if value is None:
                runs.append([])
                continue
            y = baseline - plot_h * float(value) / top
            runs[-1].append(f"{_n(left + step * position)},{_n(y)}")
        for run in runs:
            if len(run) == 1:
                cx, cy = run[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{color}"/>')
            elif run:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" '
                    f'stroke-width="2" stroke-linejoin="round"/>'
                )
        legend_x = left + (number % 4) * plot_w / 4
        legend_y = float(height - 4 + 14 * (number // 4))
        parts.append(
            f'<rect x="{_n(legend_x)}" y="{_n(legend_y - 8)}" width="12" height="3" '
            f'fill="{color}"/><text x="{_n(legend_x + 16)}" y="{_n(legend_y - 4)}" '
            f'font-size="11" fill="{MUTED}">{escape(one.label)}</text>'
        )
    extra = 14 * ((len(series) - 1) // 4)
    return mark_safe(  # noqa: S308 - every interpolated text was escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--lines" '
        f'viewBox="0 0 {width} {height + extra}" width="100%" role="img" aria-label="{label}" '
        f'font-family="{FONT}"><title>{label}</title>{"".join(parts)}</svg>'
    )
