"""The velocity scan (hourly): per person over each rule's window, the orders they placed, the
different people they traded with, and the orders they canceled themselves. A figure at or
above its rule's threshold is reported once per person per day (subject `velocity:<day>`): the
hourly runs of one day add nothing while the day's alert stands open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from orders.selectors import risk_history
from risk.engine import Hit, Rule, report, rule_setting
from risk.models import Alert, Mode
from risk.rules import Outcome

from .rules import VelocityCancellations, VelocityCounterparties, VelocityOrders

# rule -> (its threshold parameter, the counts per person since a moment, the explanation)
CHECKS: tuple[tuple[type[Rule], str, Callable[..., dict[int, int]], Promise], ...] = (
    (
        VelocityOrders,
        "orders",
        risk_history.placed_counts_since,
        gettext_lazy("%(count)d orders placed in %(hours)d hours (threshold %(threshold)d)"),
    ),
    (
        VelocityCounterparties,
        "counterparties",
        risk_history.counterparty_counts_since,
        gettext_lazy(
            "%(count)d different counterparties in %(hours)d hours (threshold %(threshold)d)"
        ),
    ),
    (
        VelocityCancellations,
        "cancellations",
        risk_history.cancellation_counts_since,
        gettext_lazy(
            "%(count)d orders canceled by the person in %(hours)d hours (threshold %(threshold)d)"
        ),
    ),
)


def velocity_subject(now: datetime) -> str:
    return f"velocity:{now.date().isoformat()}"


def scan_velocity(*, now: datetime | None = None) -> list[Alert]:
    """Report every person at or above a velocity threshold; the alerts written."""
    now = now or timezone.now()
    subject = velocity_subject(now)
    written: list[Alert] = []
    for rule, name, counts_since, text in CHECKS:
        mode, params = rule_setting(rule)
        if mode == Mode.OFF:
            continue
        threshold = params[name]
        counts = counts_since(since=now - timedelta(hours=params["hours"]))
        for user_id, count in sorted(counts.items()):
            if count < threshold:
                continue
            explanation = str(text) % {
                "count": count,
                "hours": params["hours"],
                "threshold": threshold,
            }
            alert = report(
                rule=rule,
                user_id=user_id,
                subject=subject,
                hit=Hit(Outcome.REVIEW, explanation),
            )
            if alert is not None:
                written.append(alert)
    return written
