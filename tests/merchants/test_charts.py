"""The SVG helpers: valid markup, escaped labels, proportional bars, a readable empty state."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from merchants.charts import bar_chart, daily_chart, sparkline

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)  # noqa: S314 - our own markup
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox")
    assert root.find(f"{SVG}title") is not None
    return root


def test_bars_are_proportional_and_labelled():
    markup = bar_chart(
        [("USDT", Decimal("1000")), ("BTC", Decimal("250.5")), ("ETH", Decimal("0"))],
        title="Volume by asset",
    )
    root = parse(markup)
    bars = root.findall(f".//{SVG}rect[@class='chart__bar']")
    widths = [Decimal(bar.get("width", "")) for bar in bars]
    assert widths[0] == Decimal(280)  # the largest fills the plot
    assert widths[1] == Decimal("70.14")  # 280 * 250.5 / 1000
    assert widths[2] == 0
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["USDT", "1000", "BTC", "250.5", "ETH", "0"]
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Volume by asset"
    assert "e-" not in markup
    assert "E+" not in markup


def test_labels_and_titles_are_escaped():
    markup = bar_chart([("<script>alert(1)</script>", Decimal(1))], title='"><b>x</b>', unit="&")
    root = parse(markup)
    assert "<script>" not in markup
    assert "<b>" not in markup
    assert [t.text for t in root.iter(f"{SVG}text")] == ["<script>alert(1)</script>", "1 &"]


@pytest.mark.parametrize("items", [[], [("USDT", Decimal(0))]])
def test_empty_bar_chart_says_so(items):
    root = parse(bar_chart(items, title="Volume", empty_text="No completed orders yet"))
    assert "chart--empty" in root.get("class", "")
    assert [t.text for t in root.iter(f"{SVG}text")] == ["No completed orders yet"]


def test_sparkline_scales_to_the_largest():
    root = parse(sparkline([0, 2, 4], title="Orders", width=112, height=52))
    polyline = root.find(f"{SVG}polyline")
    assert polyline is not None
    points = polyline.get("points")
    # 6 px padding: x from 6 to 106, y from 46 (zero) to 6 (largest)
    assert points == "6,46 56,26 106,6"


@pytest.mark.parametrize("values", [[], [0] * 30])
def test_empty_sparkline_says_so(values):
    root = parse(sparkline(values, title="Orders", empty_text="No orders in the last 30 days"))
    assert [t.text for t in root.iter(f"{SVG}text")] == ["No orders in the last 30 days"]
    assert root.find(f"{SVG}polyline") is None


def test_a_single_value_still_draws_a_line():
    root = parse(sparkline([Decimal(3)], width=112, height=52))
    polyline = root.find(f"{SVG}polyline")
    assert polyline is not None
    assert polyline.get("points") == "6,6 106,6"


# --- the daily orders chart ------------------------------------------------------------------


def _days(counts: list[int]) -> list[tuple[date, int]]:
    first = date(2026, 11, 5)
    return [(first + timedelta(days=n), count) for n, count in enumerate(counts)]


def test_the_daily_chart_has_labelled_axes_dates_and_a_unit():
    counts = [0] * 30
    counts[-1], counts[10] = 3, 1
    root = parse(daily_chart(_days(counts), title="Orders", unit="Orders", date_caption="Day"))
    axes = root.findall(f".//{SVG}g")
    assert {axis.get("class") for axis in axes} == {
        "chart__axis chart__axis--y",
        "chart__axis chart__axis--x",
    }
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[0] == "Orders"  # the unit over the y axis
    assert texts[1:4] == ["0", "2", "4"]  # 3 rounds up to an even top: whole middle tick
    dates = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart__date"]
    assert dates == ["December 4", "November 24", "November 14"]  # every 10 days, from the last
    assert texts[-1] == "Day"
    bars = root.findall(f".//{SVG}rect[@class='chart__bar']")
    assert len(bars) == 30
    heights = [Decimal(bar.get("height", "")) for bar in bars]
    assert heights[-1] == Decimal(138) * 3 / 4  # 200 - 22 - 40 px of plot, 3 of 4
    assert heights[0] == 0
    assert bars[-1].findtext(f"{SVG}title") == "12/04/2026: 3"


def test_the_daily_chart_dates_follow_the_language():
    with translation.override("zh-hans"):
        markup = daily_chart(_days([1] * 30), title="t", unit="u", date_caption="c")
    dates = [t.text for t in parse(markup).iter(f"{SVG}text") if t.get("class") == "chart__date"]
    assert dates[0] == "12月4日"


def test_an_empty_daily_chart_says_so():
    root = parse(
        daily_chart(_days([0] * 30), title="t", unit="u", date_caption="c", empty_text="None")
    )
    assert [t.text for t in root.iter(f"{SVG}text")] == ["None"]


def test_bars_can_show_each_value_in_its_own_unit_over_a_named_axis():
    markup = bar_chart(
        [("USDT", Decimal("1234.5")), ("BTC", Decimal("0.25"))],
        shown=lambda label, value: f"{value} {label}",
        axis_label="Volume",
    )
    texts = [t.text for t in parse(markup).iter(f"{SVG}text")]
    assert texts == ["USDT", "1234.5 USDT", "BTC", "0.25 BTC", "0", "Volume"]
