"""The rules of the periodic scans. They run at no action (their point is SCAN, which `decide`
never asks), so `evaluate` finds nothing; the scans in this package read the history and report
what they find through `risk.engine.report`, in each rule's mode and with its parameters as
staff set them in the rule admin.

Velocity is three rules, not one with three parameters: staff put each on trial (shadow), turn
it off or snooze it for one person on its own, and an alert names which of the three it was."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy

from risk.engine import Facts, Hit, Point, Rule, register
from risk.engine.params import Kind, Param

SCAN = frozenset({Point.SCAN})


def _hours() -> Param:
    return Param(
        "hours",
        Kind.INT,
        24,
        gettext_lazy("The window looked back over, in hours."),
        min=1,
        max=24 * 30,
    )


class ScanRule(Rule):
    points = SCAN

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        return None  # a scan reports; no action asks this rule


@register
class VelocityOrders(ScanRule):
    code = "velocity_orders"
    title = gettext_lazy("Many orders placed in a short window")
    params = (
        _hours(),
        Param(
            "orders",
            Kind.INT,
            20,
            gettext_lazy("This many orders placed in the window or more raise an alert."),
            min=1,
            max=10000,
        ),
    )


@register
class VelocityCounterparties(ScanRule):
    code = "velocity_counterparties"
    title = gettext_lazy("Many different counterparties in a short window")
    params = (
        _hours(),
        Param(
            "counterparties",
            Kind.INT,
            10,
            gettext_lazy("This many different counterparties in the window or more alert."),
            min=1,
            max=10000,
        ),
    )


@register
class VelocityCancellations(ScanRule):
    code = "velocity_cancellations"
    title = gettext_lazy("Many own cancellations in a short window")
    params = (
        _hours(),
        Param(
            "cancellations",
            Kind.INT,
            5,
            gettext_lazy("This many orders canceled by the person in the window or more alert."),
            min=1,
            max=10000,
        ),
    )


@register
class HighDisputeRate(ScanRule):
    code = "high_dispute_rate"
    title = gettext_lazy("Many disputes opened against the person")
    params = (
        Param(
            "days",
            Kind.INT,
            30,
            gettext_lazy("The window looked back over, in days."),
            min=1,
            max=365,
        ),
        Param(
            "min_orders",
            Kind.INT,
            10,
            gettext_lazy("Only people with at least this many orders in the window count."),
            min=1,
            max=100000,
        ),
        Param(
            "max_percent",
            Kind.DECIMAL,
            Decimal(10),
            gettext_lazy("Disputes against the person above this percent of their orders alert."),
            min=Decimal(0),
            max=Decimal(100),
        ),
    )


@register
class MerchantRisk(ScanRule):
    code = "merchant_risk"
    title = gettext_lazy("Merchant risk score")
    params = (
        Param(
            "watch",
            Kind.INT,
            30,
            gettext_lazy("A score at or above this is watched and raises an alert."),
            min=1,
            max=100,
        ),
        Param(
            "ads_offline",
            Kind.INT,
            50,
            gettext_lazy("At or above this, taking the merchant's ads offline is proposed."),
            min=1,
            max=100,
        ),
        Param(
            "suspend",
            Kind.INT,
            70,
            gettext_lazy("At or above this, suspending the merchant is proposed."),
            min=1,
            max=100,
        ),
    )
