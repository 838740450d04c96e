"""The dispute-rate scan (daily): people with enough orders in the window (as buyer or seller)
against whom the other party opened disputes on more than the rule's percent of them. Reported
once per person per day (subject `dispute_rate:<day>`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from disputes.selectors import risk_history as dispute_history
from orders.selectors import risk_history as order_history
from risk.engine import Hit, report, rule_setting
from risk.models import Alert, Mode
from risk.rules import Outcome

from .rules import HighDisputeRate


def dispute_rate_subject(now: datetime) -> str:
    return f"dispute_rate:{now.date().isoformat()}"


def scan_dispute_rate(*, now: datetime | None = None) -> list[Alert]:
    """Report every person whose disputes against them exceed the rule's rate."""
    now = now or timezone.now()
    mode, params = rule_setting(HighDisputeRate)
    if mode == Mode.OFF:
        return []
    since = now - timedelta(days=params["days"])
    orders = order_history.party_order_counts_since(since=since)
    against = dispute_history.disputes_against_counts_since(since=since)
    written: list[Alert] = []
    for user_id, count in sorted(orders.items()):
        disputes = against.get(user_id, 0)
        if count < params["min_orders"] or not disputes:
            continue
        percent = Decimal(disputes) * 100 / Decimal(count)
        if percent <= params["max_percent"]:
            continue
        shown = percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        explanation = _(
            "%(disputes)d disputes against the person in %(orders)d orders over %(days)d days: "
            "%(percent)s%% (threshold %(threshold)s%%)"
        ) % {
            "disputes": disputes,
            "orders": count,
            "days": params["days"],
            "percent": shown,
            "threshold": params["max_percent"],
        }
        alert = report(
            rule=HighDisputeRate,
            user_id=user_id,
            subject=dispute_rate_subject(now),
            hit=Hit(Outcome.REVIEW, explanation),
        )
        if alert is not None:
            written.append(alert)
    return written
