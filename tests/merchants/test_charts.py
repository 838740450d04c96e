"""The SVG helpers: valid markup, escaped labels, proportional bars, a readable empty state."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from merchants.charts import bar_chart, sparkline

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
