"""The merchant risk score, 0 (nothing seen) to 100 (everything bad at once), computed daily.

Seven components, each a "badness" between 0 and 1 times a fixed weight; the weights add up to
100 and the score is the sum of the contributions, rounded half up:

| component     | weight | badness                                                         |
|---------------|-------:|-----------------------------------------------------------------|
| completion    |     20 | 1 - released / orders (30 days, the merchant on either side)    |
| cancellations |     15 | orders the merchant canceled / orders                           |
| disputes      |     20 | disputes against the merchant / orders, full at 20 %            |
| appeal losses |     15 | disputes decided against the merchant / disputes decided        |
| release time  |     10 | median minutes from paid to release (as seller), full at 60     |
| volume        |     10 | released volume in the collateral's asset / collateral, full at |
|               |        | 10 times (any volume with no collateral held counts full)       |
| security      |     10 | security changes of the last 7 days, full at 3                  |

No orders (or no decided dispute, no release) means nothing seen: a badness of 0. Each
component's figure, badness, weight and points are kept on the row so staff see why. The
proposed action follows the `merchant_risk` rule's thresholds; at or above "watch" the score is
reported as the rule's alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import risk_history as account_history
from core.money import format_amount
from disputes.selectors import risk_history as dispute_history
from merchants.models import Merchant
from merchants.selectors import risk_history as merchant_history
from orders.selectors import risk_history as order_history
from risk.engine import Hit, report, rule_setting
from risk.rules import Outcome

from ..scans.rules import MerchantRisk
from .records import MerchantRiskScore, ProposedAction

WINDOW_DAYS = 30
SECURITY_DAYS = 7
WEIGHTS = {
    "completion": 20,
    "cancellations": 15,
    "disputes": 20,
    "appeal_losses": 15,
    "release_time": 10,
    "volume": 10,
    "security": 10,
}
DISPUTE_RATE_FULL = Decimal("0.20")
RELEASE_MINUTES_FULL = Decimal(60)
VOLUME_MULTIPLE_FULL = Decimal(10)
SECURITY_CHANGES_FULL = Decimal(3)

ONE = Decimal(1)
ZERO = Decimal(0)
OUTCOMES = {
    ProposedAction.WATCH: Outcome.REVIEW,
    ProposedAction.ADS_OFFLINE: Outcome.HOLD,
    ProposedAction.SUSPEND: Outcome.BLOCK,
}


@dataclass(frozen=True)
class Component:
    name: str
    figure: str  # what was seen, for staff
    badness: Decimal  # 0..1

    @property
    def weight(self) -> int:
        return WEIGHTS[self.name]

    @property
    def points(self) -> Decimal:
        return self.weight * self.badness


def _capped(value: Decimal) -> Decimal:
    return min(max(value, ZERO), ONE)


def _percent(part: int, whole: int) -> str:
    if not whole:
        return "-"
    share = Decimal(part) * 100 / Decimal(whole)
    return f"{share.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def components_for(*, merchant: Merchant, now: datetime) -> list[Component]:
    since = now - timedelta(days=WINDOW_DAYS)
    orders = order_history.party_order_history(user_id=merchant.user_id, since=since)
    disputes = dispute_history.party_dispute_history(user_id=merchant.user_id, since=since)
    n = orders.orders
    parts = [
        Component(
            "completion",
            _("%(released)d of %(orders)d orders released (%(rate)s)")
            % {"released": orders.released, "orders": n, "rate": _percent(orders.released, n)},
            ONE - Decimal(orders.released) / n if n else ZERO,
        ),
        Component(
            "cancellations",
            _("%(canceled)d of %(orders)d orders canceled by the merchant (%(rate)s)")
            % {
                "canceled": orders.canceled_by_them,
                "orders": n,
                "rate": _percent(orders.canceled_by_them, n),
            },
            Decimal(orders.canceled_by_them) / n if n else ZERO,
        ),
        Component(
            "disputes",
            _("%(disputes)d disputes against the merchant in %(orders)d orders (%(rate)s)")
            % {"disputes": disputes.against, "orders": n, "rate": _percent(disputes.against, n)},
            _capped(Decimal(disputes.against) / n / DISPUTE_RATE_FULL) if n else ZERO,
        ),
        Component(
            "appeal_losses",
            _("%(lost)d of %(decided)d decided disputes lost (%(rate)s)")
            % {
                "lost": disputes.lost,
                "decided": disputes.decided,
                "rate": _percent(disputes.lost, disputes.decided),
            },
            Decimal(disputes.lost) / disputes.decided if disputes.decided else ZERO,
        ),
    ]
    median = orders.median_release_minutes
    parts.append(
        Component(
            "release_time",
            _("median release %(minutes)s minutes after payment")
            % {"minutes": format_amount(median.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))}
            if median is not None
            else _("no release as seller"),
            _capped(median / RELEASE_MINUTES_FULL) if median is not None else ZERO,
        )
    )
    asset_id, collateral = merchant_history.collateral_held(merchant=merchant)
    volume = orders.volume_by_asset.get(asset_id, ZERO)
    if collateral > 0:
        volume_badness = _capped(volume / collateral / VOLUME_MULTIPLE_FULL)
    else:
        volume_badness = ONE if volume > 0 else ZERO
    parts.append(
        Component(
            "volume",
            _("%(volume)s traded against %(collateral)s held as collateral")
            % {"volume": format_amount(volume), "collateral": format_amount(collateral)},
            volume_badness,
        )
    )
    changes = account_history.security_changes_since(
        user_id=merchant.user_id, since=now - timedelta(days=SECURITY_DAYS)
    )
    parts.append(
        Component(
            "security",
            _("%(changes)d security changes in %(days)d days")
            % {"changes": changes, "days": SECURITY_DAYS},
            _capped(Decimal(changes) / SECURITY_CHANGES_FULL),
        )
    )
    return parts


def score_of(parts: list[Component]) -> int:
    total = sum((part.points for part in parts), ZERO)
    return int(min(max(total, ZERO), Decimal(100)).quantize(ONE, rounding=ROUND_HALF_UP))


def proposed_action(score: int, params: dict[str, Any]) -> ProposedAction:
    if score >= params["suspend"]:
        return ProposedAction.SUSPEND
    if score >= params["ads_offline"]:
        return ProposedAction.ADS_OFFLINE
    if score >= params["watch"]:
        return ProposedAction.WATCH
    return ProposedAction.NONE


def _components_json(parts: list[Component]) -> dict[str, Any]:
    return {
        part.name: {
            "figure": part.figure,
            "badness": str(part.badness.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)),
            "weight": part.weight,
            "points": str(part.points.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
        }
        for part in parts
    }


def _explanation(score: int, action: ProposedAction, parts: list[Component]) -> str:
    seen = "; ".join(
        f"{part.name} {part.points.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}: "
        f"{part.figure}"
        for part in sorted(parts, key=lambda part: -part.points)
        if part.points > 0
    )
    head = _("Score %(score)d, proposed: %(action)s") % {"score": score, "action": action.label}
    return f"{head}. {seen}" if seen else head


def merchant_score(*, merchant: Merchant, now: datetime | None = None) -> MerchantRiskScore:
    """Compute the merchant's score for the day of `now` and store it, replacing the day's row
    (its confirmation, if any, stays). At or above the watch threshold, report the alert."""
    now = now or timezone.now()
    _mode, params = rule_setting(MerchantRisk)
    parts = components_for(merchant=merchant, now=now)
    score = score_of(parts)
    action = proposed_action(score, params)
    explanation = _explanation(score, action, parts)
    with transaction.atomic(durable=True):
        row, _created = MerchantRiskScore.objects.update_or_create(
            merchant_user_id=merchant.user_id,
            day=now.date(),
            defaults={
                "score": score,
                "components": _components_json(parts),
                "explanation": explanation,
                "proposed_action": action,
                "computed_at": now,
            },
        )
        if action != ProposedAction.NONE:
            report(
                rule=MerchantRisk,
                user_id=merchant.user_id,
                subject=f"merchant_risk:{now.date().isoformat()}",
                hit=Hit(OUTCOMES[action], explanation),
            )
    return row


def score_merchants(*, now: datetime | None = None) -> list[MerchantRiskScore]:
    """Every scored merchant's row for the day of `now`."""
    now = now or timezone.now()
    return [
        merchant_score(merchant=merchant, now=now)
        for merchant in merchant_history.merchants_to_score()
    ]
