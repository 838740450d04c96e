"""Who may place an order on an ad, and how much: the taker's own conditions (restrictions,
the ad's counterparty conditions, open orders, their KYC level's daily limit) and the maker's
(the tier's per-order and daily ceilings). The maker's standing on the market (account,
restrictions, break, hours) is the market's own rule, checked with the quote."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as people
from accounts.models import User, UserPaymentMethod
from accounts.selectors import trade_figures
from ads.models import Ad, Side
from core.config import config_value
from core.money import format_amount
from merchants.models import TierLimit
from risk.limits import OverLimit, require_within_daily, require_within_order_max
from risk.restrictions import Action, Paused, require_not_paused

from ..models import OPEN_STATUSES, Order, OrderStatus
from .errors import OrderError
from .pricing import Quote


def check_taker(ad: Ad, user: User, *, taker_sells: bool) -> None:
    """The taker's own conditions, read under the lock on the taker's row."""
    if ad.merchant.user_id == user.pk:
        raise OrderError(_("This is your own ad."))
    if people.is_blocked_between(user=user, other=ad.merchant.user):
        raise OrderError(_("You cannot trade with this merchant."))
    try:
        require_not_paused(user=user, action=Action.SELL if taker_sells else Action.BUY)
    except Paused as error:
        raise OrderError(error.message) from error
    if people.kyc_level(user=user) < ad.min_kyc_level:
        raise OrderError(
            _("This ad needs identity verification level %(level)s.") % {"level": ad.min_kyc_level}
        )
    age_days = (timezone.now() - user.date_joined).days
    if age_days < ad.min_account_age_days:
        raise OrderError(
            _("This ad needs an account at least %(days)s days old.")
            % {"days": ad.min_account_age_days}
        )
    _check_trade_record(ad, user)
    open_count = Order.objects.filter(Q(buyer=user) | Q(seller=user), status__in=OPEN_STATUSES)
    if open_count.count() >= config_value("ORDER_MAX_OPEN_PER_USER"):
        raise OrderError(
            _("You already have %(count)s open orders; finish one first.")
            % {"count": config_value("ORDER_MAX_OPEN_PER_USER")}
        )


def _check_trade_record(ad: Ad, user: User) -> None:
    # both figures come from the trade counters, the same the profile and the market show
    if ad.min_completed_orders > 0:
        completed = trade_figures(user=user, days=None).completed
        if completed < ad.min_completed_orders:
            raise OrderError(
                _("This ad needs %(count)s completed orders.") % {"count": ad.min_completed_orders}
            )
    if ad.min_completion_rate > 0:
        rate = trade_figures(user=user).completion_rate
        if rate is None or rate < ad.min_completion_rate:
            needed = format_amount(ad.min_completion_rate)
            if rate is None:
                raise OrderError(
                    _(
                        "This ad needs a 30-day completion rate of at least %(rate)s%%; "
                        "you have none yet."
                    )
                    % {"rate": needed}
                )
            raise OrderError(
                _(
                    "This ad needs a 30-day completion rate of at least %(rate)s%%; "
                    "yours is %(yours)s%%."
                )
                % {"rate": needed, "yours": format_amount(rate)}
            )


def _day_start() -> Any:
    return timezone.now() - timedelta(days=1)


def check_taker_daily_limit(ad: Ad, user: User, figures: Quote) -> None:
    """The taker's KYC level allows so much a day in this fiat (orders as buyer or seller over
    the last 24 hours, canceled ones aside)."""
    limit = people.kyc_daily_limit(user=user, fiat_code=ad.fiat.code)
    if limit is None:
        return
    today = Order.objects.filter(
        Q(buyer=user) | Q(seller=user), fiat=ad.fiat, created_at__gte=_day_start()
    ).exclude(status=OrderStatus.CANCELED)
    used = today.aggregate(total=Sum("fiat_total"))["total"] or Decimal(0)
    try:
        require_within_daily(
            limit=limit,
            used=used,
            amount=figures.fiat_total,
            fiat_code=ad.fiat.code,
            whose="yours",
        )
    except OverLimit as error:
        raise OrderError(error.message) from error


def check_tier_order_max(ad: Ad, limit: TierLimit | None, figures: Quote) -> None:
    """The tier's per-order ceiling, as it is now (staff may have lowered it since the ad was
    written)."""
    try:
        require_within_order_max(
            limit=limit.per_order_max if limit else None,
            amount=figures.fiat_total,
            fiat_code=ad.fiat.code,
        )
    except OverLimit as error:
        raise OrderError(error.message) from error


def check_tier_daily_limit(ad: Ad, limit: TierLimit | None, order: Order) -> None:
    """The tier's daily ceiling over every other order on the merchant's ads in this fiat in
    the last 24 hours, canceled ones aside, plus `order`. Run under the merchant's row lock, so
    two orders on two of the merchant's ads cannot both pass it."""
    if limit is None:
        return
    today = (
        Order.objects.filter(
            ad__merchant_id=ad.merchant_id, fiat_id=ad.fiat_id, created_at__gte=_day_start()
        )
        .exclude(status=OrderStatus.CANCELED)
        .exclude(pk=order.pk)
    )
    used = today.aggregate(total=Sum("fiat_total"))["total"] or Decimal(0)
    try:
        require_within_daily(
            limit=limit.daily_max,
            used=used,
            amount=order.fiat_total,
            fiat_code=ad.fiat.code,
            whose="the merchant's",
        )
    except OverLimit as error:
        raise OrderError(error.message) from error


def payment_details(ad: Ad, user: User, method_ids: list[int] | None) -> list[dict[str, Any]]:
    """What the buyer will see of the seller's accounts, copied now so later edits don't
    change an open order: the merchant's methods on a sell ad, the taker's chosen ones on a
    buy ad; only methods of types the platform still offers."""
    if ad.side == Side.SELL:
        methods = [m for m in ad.payment_methods.all() if m.method_type.enabled]
        if not methods:
            raise OrderError(_("This ad is not available right now."))
    else:
        accepted = {kind.pk for kind in ad.payment_types.all() if kind.enabled}
        methods = list(
            UserPaymentMethod.objects.filter(
                user=user, pk__in=method_ids or [], method_type_id__in=accepted
            ).select_related("method_type")
        )
        if not methods:
            raise OrderError(_("Choose one of your payment methods that this ad accepts."))
    return [
        {
            "type": method.method_type.name,
            "holder": method.holder_name,
            # as the platform rated the type when the order opened (the placement rules read it)
            "risk_class": method.method_type.risk_class,
            "lines": [
                [label, value] for label, value in people.payment_method_detail_lines(method=method)
            ],
        }
        for method in methods
    ]
