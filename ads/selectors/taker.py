"""Whether a would-be taker meets an ad's counterparty conditions: KYC level, account age,
completed orders and 30-day completion rate.

`taker_standing` reads the taker's figures once (a market page reads them once for all its
rows); `taker_unmet_reason` is pure: the same figures and ad always give the same answer, so
the market marks a row with exactly the reason the order would be refused for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import kyc_level, trade_figures
from core.money import format_amount

from ..models import Ad


@dataclass(frozen=True)
class TakerStanding:
    """What an ad's counterparty conditions look at, for one user."""

    kyc_level: int
    account_age_days: int
    completed_orders: int  # all time
    completion_rate: Decimal | None  # percent over 30 days; None before any order ended


def taker_standing(*, user: User, now: datetime | None = None) -> TakerStanding:
    """`user`'s figures for the counterparty conditions, in three queries."""
    now = now or timezone.now()
    return TakerStanding(
        kyc_level=kyc_level(user=user),
        account_age_days=(now - user.date_joined).days,
        completed_orders=trade_figures(user=user, days=None).completed,
        completion_rate=trade_figures(user=user).completion_rate,
    )


def taker_unmet_reason(ad: Ad, standing: TakerStanding) -> str | None:
    """The first counterparty condition of `ad` the taker fails, in words for them; None when
    they meet them all. Checked in the order the order form checks them."""
    if standing.kyc_level < ad.min_kyc_level:
        return _("This ad needs identity verification level %(level)s.") % {
            "level": ad.min_kyc_level
        }
    if standing.account_age_days < ad.min_account_age_days:
        return _("This ad needs an account at least %(days)s days old.") % {
            "days": ad.min_account_age_days
        }
    if ad.min_completed_orders > 0 and standing.completed_orders < ad.min_completed_orders:
        return _("This ad needs %(count)s completed orders.") % {"count": ad.min_completed_orders}
    if ad.min_completion_rate > 0:
        rate = standing.completion_rate
        if rate is None:
            return _(
                "This ad needs a 30-day completion rate of at least %(rate)s%%; you have none yet."
            ) % {"rate": format_amount(ad.min_completion_rate)}
        if rate < ad.min_completion_rate:
            return _(
                "This ad needs a 30-day completion rate of at least %(rate)s%%; "
                "yours is %(yours)s%%."
            ) % {"rate": format_amount(ad.min_completion_rate), "yours": format_amount(rate)}
    return None
