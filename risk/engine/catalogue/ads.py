"""Rules when an ad goes online: a price far from the market is a lure (a sell ad far below it)
or a trap for the careless (a buy ad far above it), so it waits for a look or is refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import format_amount

from ...rules import Outcome
from ..base import Hit, Point, Rule, register
from ..facts import Facts
from ..facts_more import AdOnlineFacts
from ..params import Kind, Param


def ad_price(facts: AdOnlineFacts) -> Decimal | None:
    """The ad's price per unit: the fixed price, or the index times the margin."""
    if facts.price_type == "fixed":
        return facts.fixed_price
    if facts.index_price is None or facts.margin_percent is None:
        return None
    return facts.index_price * facts.margin_percent / 100


@register
class AdPriceFarFromIndex(Rule):
    code = "ad_price_far_from_index"
    title = gettext_lazy("Ad price far from the price index")
    points = frozenset({Point.AD_ONLINE})
    params = (
        Param(
            "review_pct",
            Kind.DECIMAL,
            Decimal(5),
            gettext_lazy("Reviewed when the price is more than this percentage off the index."),
            min=Decimal("0.1"),
            max=Decimal(100),
        ),
        Param(
            "block_pct",
            Kind.DECIMAL,
            Decimal(15),
            gettext_lazy("Refused when the price is more than this percentage off the index."),
            min=Decimal("0.1"),
            max=Decimal(1000),
        ),
    )

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        assert isinstance(facts, AdOnlineFacts)
        index = facts.index_price
        price = ad_price(facts)
        if not index or price is None:
            return None  # without an index there is nothing to measure against
        off = abs(price - index) / index * 100
        if off > params["block_pct"]:
            outcome, threshold = Outcome.BLOCK, params["block_pct"]
        elif off > params["review_pct"]:
            outcome, threshold = Outcome.REVIEW, params["review_pct"]
        else:
            return None
        return Hit(
            outcome,
            _(
                "%(side)s ad at %(price)s %(fiat)s is %(off)s%% off the index %(index)s "
                "(threshold %(threshold)s%%)"
            )
            % {
                "side": facts.side,
                "price": format_amount(price.quantize(Decimal("0.01"))),
                "fiat": facts.fiat_code,
                "off": format_amount(off.quantize(Decimal("0.1"))),
                "index": format_amount(index),
                "threshold": format_amount(threshold),
            },
        )
