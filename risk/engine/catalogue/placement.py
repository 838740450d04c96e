"""Rules at order placement: what the order's own figures and the taker's recent orders say.
Defaults follow the settings they replace, so a deployment that set `RISK_NEW_ACCOUNT_*` keeps
its figures until staff set parameters of their own."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import format_amount

from ...rules import Outcome
from ..base import Hit, Point, Rule, register
from ..facts import Facts, OrderPlaceFacts
from ..params import Kind, Param


@register
class NewAccountLargeOrder(Rule):
    """A young account's large order waits for a reviewer before anything is frozen."""

    code = "new_account_large_order"
    title = gettext_lazy("New account with a large order")
    points = frozenset({Point.ORDER_PLACE})
    params = (
        Param(
            "days",
            Kind.INT,
            lambda: settings.RISK_NEW_ACCOUNT_DAYS,
            gettext_lazy("Accounts younger than this many days count as new."),
            min=0,
            max=365,
        ),
        Param(
            "max_fiat",
            Kind.PER_FIAT,
            lambda: settings.RISK_NEW_ACCOUNT_MAX_FIAT,
            gettext_lazy("Per fiat: a new account's order above this is held."),
            min=Decimal(0),
        ),
    )

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        assert isinstance(facts, OrderPlaceFacts)
        threshold = params["max_fiat"].get(facts.fiat_code)
        young = facts.now - facts.joined_at < timedelta(days=params["days"])
        if not young or threshold is None or facts.fiat_total <= threshold:
            return None
        return Hit(
            Outcome.HOLD,
            _("New account (under %(days)d days) above %(threshold)s %(fiat)s")
            % {
                "days": params["days"],
                "threshold": format_amount(threshold),
                "fiat": facts.fiat_code,
            },
        )


@register
class OrderAboveOwnMedian(Rule):
    """An order many times the person's own usual size: a stolen account is often emptied in
    one go. Needs a few earlier orders to know what usual is."""

    code = "order_above_own_median"
    title = gettext_lazy("Order far above the user's own 30-day median")
    points = frozenset({Point.ORDER_PLACE})
    params = (
        Param(
            "multiple",
            Kind.DECIMAL,
            Decimal(5),
            gettext_lazy("An order above this multiple of the 30-day median is reviewed."),
            min=Decimal("1.5"),
            max=Decimal(1000),
        ),
        Param(
            "min_orders",
            Kind.INT,
            3,
            gettext_lazy("Orders in the last 30 days needed before the median counts."),
            min=1,
            max=1000,
        ),
    )

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        assert isinstance(facts, OrderPlaceFacts)
        median = facts.median_30_days
        if facts.orders_30_days < params["min_orders"] or not median:
            return None
        if facts.fiat_total <= median * params["multiple"]:
            return None
        return Hit(
            Outcome.REVIEW,
            _(
                "Order of %(total)s %(fiat)s is %(times)s times the user's 30-day median "
                "(%(median)s)"
            )
            % {
                "total": format_amount(facts.fiat_total),
                "fiat": facts.fiat_code,
                "times": format_amount((facts.fiat_total / median).quantize(Decimal("0.1"))),
                "median": format_amount(median),
            },
        )
