"""A merchant's figures over 30 days, from the daily trade counters the orders app writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from accounts.selectors import (
    FIGURES_DAYS,
    TradeFigures,
    trade_figures,
    trade_figures_grouped,
    trade_orders_by_day,
    trade_volume_by_asset,
)

from ..models import (
    Merchant,
)

# --- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MerchantFigures:
    """A merchant's last 30 days. Rates are percentages (0-100); None = nothing to rate yet."""

    orders_30d: int = 0
    completed_30d: int = 0
    completion_rate: Decimal | None = None
    avg_payment_seconds: int | None = None  # escrow frozen -> marked paid, as the buyer
    avg_release_seconds: int | None = None  # marked paid -> released, as the seller
    positive_feedback_rate: Decimal | None = None
    appeals_30d: int = 0  # disputes opened on the merchant's orders, by either party
    appeal_rate: Decimal | None = None
    disputes_lost_30d: int = 0
    # (asset symbol, volume), largest first, each in its own unit (an asset's symbol labels it)
    volume_by_asset: list[tuple[str, Decimal]] = field(default_factory=list)
    orders_by_day: list[tuple[date, int]] = field(default_factory=list)  # oldest first

    @property
    def has_orders(self) -> bool:
        return self.orders_30d > 0

    @property
    def avg_payment_text(self) -> str:
        return duration_text(self.avg_payment_seconds)

    @property
    def avg_release_text(self) -> str:
        return duration_text(self.avg_release_seconds)


def duration_text(seconds: int | None) -> str:
    """ "4 min", "1 h 05 min", or "—" when there is nothing to average."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return _("%(seconds)s s") % {"seconds": max(seconds, 0)}
    minutes = (seconds + 30) // 60
    if minutes < 60:
        return _("%(minutes)s min") % {"minutes": minutes}
    return _("%(hours)s h %(minutes)s min") % {
        "hours": minutes // 60,
        "minutes": f"{minutes % 60:02d}",
    }


def merchant_figures(*, merchant: Merchant) -> MerchantFigures:
    """The merchant center's figures over the last 30 days (UTC days, today included).

    Orders are those that ended in the window and count towards the completion rate: completed
    ones, and those canceled through the merchant (as a buyer: canceled, unpaid in time, or a
    dispute lost); a buyer canceling on the merchant's ad does not count against them. Payment
    time is the merchant's own as a buyer, release time their own as a seller. Volume is per
    asset, each in its own unit. `orders_by_day` has one entry per day so the charts draw every
    day, zeros included.
    """
    user_id = merchant.user_id
    figures = trade_figures(user=user_id, days=FIGURES_DAYS)
    return MerchantFigures(
        orders_30d=figures.orders,
        completed_30d=figures.completed,
        completion_rate=figures.completion_rate,
        avg_payment_seconds=figures.avg_pay_seconds,
        avg_release_seconds=figures.avg_release_seconds,
        positive_feedback_rate=figures.positive_rate,
        appeals_30d=figures.appeals,
        appeal_rate=figures.appeal_rate,
        disputes_lost_30d=figures.disputes_lost,
        volume_by_asset=trade_volume_by_asset(user=user_id, days=FIGURES_DAYS),
        orders_by_day=trade_orders_by_day(user=user_id, days=FIGURES_DAYS),
    )


def merchant_public_figures(*, merchant_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Figures the market shows beside each merchant, for a whole page at once (one query):
    `{merchant_id: {"orders_30d": int, "completion_rate": Decimal | None}}`, over the same 30
    days and with the same meaning as `merchant_figures`."""
    ids = list(dict.fromkeys(merchant_ids))
    found = (
        trade_figures_grouped(key="user__merchant", days=FIGURES_DAYS, user__merchant__in=ids)
        if ids
        else {}
    )
    answer: dict[int, dict[str, Any]] = {}
    for merchant_id in ids:
        figures = found.get(merchant_id, TradeFigures())
        answer[merchant_id] = {
            "orders_30d": figures.orders,
            "completion_rate": figures.completion_rate,
        }
    return answer
