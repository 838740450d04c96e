"""Rules at order placement about how the order will be paid: a taker whose paid orders keep
ending canceled, and payments that can be reversed after the crypto is gone (PayPal, credit
card), limited by the account's age in the manner of Bisq's trade limits."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import PaymentRiskClass
from core.money import format_amount

from ...rules import Outcome
from ..base import Hit, Point, Rule, register
from ..facts import CANCELED_AFTER_PAID_LOOKBACK_DAYS, Facts, OrderPlaceFacts
from ..params import Kind, Param


@register
class RepeatedCancelAfterPaid(Rule):
    """Orders the taker marked paid that then ended canceled: a buyer who says they paid and did
    not, again and again, wears sellers down until one releases."""

    code = "repeated_cancel_after_paid"
    title = gettext_lazy("Orders canceled after being marked paid, repeatedly")
    points = frozenset({Point.ORDER_PLACE})
    params = (
        Param(
            "days",
            Kind.INT,
            30,
            gettext_lazy("The window, in days, the canceled orders are counted over."),
            min=1,
            max=CANCELED_AFTER_PAID_LOOKBACK_DAYS,
        ),
        Param(
            "count",
            Kind.INT,
            3,
            gettext_lazy("This many orders canceled after being marked paid hold the next one."),
            min=1,
            max=1000,
        ),
    )

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        assert isinstance(facts, OrderPlaceFacts)
        since = facts.now - timedelta(days=params["days"])
        seen = sum(1 for at in facts.canceled_after_paid_at if at >= since)
        if seen < params["count"]:
            return None
        return Hit(
            Outcome.HOLD,
            _(
                "%(seen)d orders canceled after being marked paid in %(days)d days "
                "(at least %(count)d)"
            )
            % {"seen": seen, "days": params["days"], "count": params["count"]},
        )


@register
class ChargebackProneMethod(Rule):
    """A payment that can be reversed weeks later: the larger the order, the older the account
    must be. Under `young_days` the limit is `young_percent` of the base, under `middle_days`
    `middle_percent`, then the full base. A fiat without a base is not limited."""

    code = "chargeback_prone_method"
    title = gettext_lazy("Large order paid by a reversible method from a young account")
    points = frozenset({Point.ORDER_PLACE})
    params = (
        Param(
            "base_fiat",
            Kind.PER_FIAT,
            {"HKD": "8000", "CNY": "7000", "USD": "1000"},
            gettext_lazy("Per fiat: the largest order by a high-risk method for older accounts."),
            min=Decimal(0),
        ),
        Param(
            "young_days",
            Kind.INT,
            30,
            gettext_lazy("Accounts younger than this many days get the smallest limit."),
            min=0,
            max=365,
        ),
        Param(
            "young_percent",
            Kind.DECIMAL,
            Decimal(25),
            gettext_lazy("The smallest limit, in percent of the base."),
            min=Decimal(0),
            max=Decimal(100),
        ),
        Param(
            "middle_days",
            Kind.INT,
            60,
            gettext_lazy("Accounts younger than this many days get the middle limit."),
            min=0,
            max=730,
        ),
        Param(
            "middle_percent",
            Kind.DECIMAL,
            Decimal(50),
            gettext_lazy("The middle limit, in percent of the base."),
            min=Decimal(0),
            max=Decimal(100),
        ),
        Param(
            "outcome",
            Kind.INT,
            int(Outcome.BLOCK),
            gettext_lazy("1 review (an alert), 2 hold for staff, 3 refuse the order."),
            min=int(Outcome.REVIEW),
            max=int(Outcome.BLOCK),
        ),
    )

    @staticmethod
    def limit(base: Decimal, age: timedelta, params: dict[str, Any]) -> Decimal:
        if age < timedelta(days=params["young_days"]):
            return base * params["young_percent"] / 100
        if age < timedelta(days=params["middle_days"]):
            return base * params["middle_percent"] / 100
        return base

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        assert isinstance(facts, OrderPlaceFacts)
        if PaymentRiskClass.HIGH not in facts.method_risk_classes:
            return None
        base = params["base_fiat"].get(facts.fiat_code)
        if base is None:
            return None
        age = facts.now - facts.joined_at
        limit = self.limit(base, age, params)
        if facts.fiat_total <= limit:
            return None
        return Hit(
            Outcome(params["outcome"]),
            _(
                "%(total)s %(fiat)s by a high-risk payment method from an account %(days)d days "
                "old, above its limit of %(limit)s"
            )
            % {
                "total": format_amount(facts.fiat_total),
                "fiat": facts.fiat_code,
                "days": age.days,
                "limit": format_amount(limit),
            },
        )
