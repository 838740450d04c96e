"""Ending merchants' resignations: the collateral comes back only once no ad and no order of
theirs is open and the cooling period has passed since the later of the request and their last
order's end. This is the lowest app that knows both ads and orders, so the rule lives here."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce, Greatest

from accounts.models import User
from ads.selectors import merchant_has_open_ads
from core.locks import LockKind, lock_one
from merchants import services as merchant_services
from merchants.models import Merchant
from merchants.selectors import merchants_due_for_resignation

from ..models import OPEN_STATUSES, Order


def _orders_of(user_id: int) -> Q:
    return Q(buyer_id=user_id) | Q(seller_id=user_id)


def _last_order_end(user_id: int) -> datetime | None:
    ended = Order.objects.filter(_orders_of(user_id)).aggregate(
        last=Max(Coalesce(Greatest("released_at", "canceled_at"), "released_at", "canceled_at"))
    )
    last: datetime | None = ended["last"]
    return last


def complete_resignation(*, merchant: Merchant) -> bool:
    """End one resignation if it is due; False (nothing changed) while business is open or
    the cooling period runs. Locks the merchant's user row (their own new orders wait) and the
    merchant row (orders on their ads wait), then looks."""
    try:
        with transaction.atomic(durable=True):
            lock_one(LockKind.USER, User.objects.filter(pk=merchant.user_id))
            lock_one(LockKind.MERCHANT, Merchant.objects.filter(pk=merchant.pk))
            open_orders = Order.objects.filter(
                _orders_of(merchant.user_id), status__in=OPEN_STATUSES
            ).exists()
            merchant_services.merchant_complete_resignation(
                merchant=merchant,
                has_open_business=open_orders or merchant_has_open_ads(merchant=merchant),
                last_business_at=_last_order_end(merchant.user_id),
            )
    except merchant_services.MerchantError:
        return False  # not yet: the next run looks again
    return True


def complete_due_resignations() -> int:
    """The hourly sweep: every resignation past its cooling period is tried; returns how many
    ended."""
    return sum(complete_resignation(merchant=m) for m in merchants_due_for_resignation())
