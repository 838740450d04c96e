"""Placing an order on an ad.

Everything that does not need the hot ad's row lock runs first, under a lock on the taker's
row: the taker's checks, the quote, the order row and its first event. Then the merchant's row
(shared with other orders on the merchant's ads; taken alone when the tier has a daily limit
in this fiat, which is summed under it), and last the ad, only for taking from it and freezing
the escrow. A risk rule may hold the order for staff review instead; nothing is frozen then."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accounts.models import User, UserPaymentMethod
from ads import services as ads
from ads.models import Ad, Side
from ads.selectors import MakerStanding, maker_standing
from core.config.maintenance import NEW_ORDERS, switched_off
from core.ids import random_id
from core.locks import LockKind, lock_one, lock_shared
from escrow import services as ledger
from escrow.models import PriceIndex
from escrow.selectors import price_index_for
from merchants.models import Merchant
from merchants.selectors import tier_limit
from risk.engine import Point, alerts_outlive_refusal, decide
from risk.rules import Outcome

from ..models import Order, OrderStatus
from . import effects
from .common import escrow_accounts, lock_ad, open_escrow, record_event
from .eligibility import (
    check_taker,
    check_taker_daily_limit,
    check_tier_daily_limit,
    check_tier_order_max,
    payment_details,
)
from .errors import OrderError
from .pricing import Quote, quote_on
from .risk_facts import placement_facts, refusal


def new_public_id() -> str:
    """Order numbers (core.ids): random, never sequential."""
    return random_id(14)


def order_place(
    *,
    actor: User,
    ad_public_id: str,
    idempotency_key: str,
    fiat_amount: object = None,
    amount: object = None,
    payment_method_ids: list[int] | None = None,
) -> Order:
    """`actor` opens an order on an ad. The escrow is frozen in the same transaction, unless a
    risk rule holds the order for staff review. A double submit (same key) returns the first
    order."""
    paused = switched_off(NEW_ORDERS)
    if paused:
        raise OrderError(paused)
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise OrderError(_("The order form has expired; reload the page and try again."))
    existing = Order.objects.filter(taker=actor, idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        with alerts_outlive_refusal(), transaction.atomic(durable=True):
            return _place(actor, ad_public_id, key, fiat_amount, amount, payment_method_ids)
    except IntegrityError:
        # a concurrent submit of the same form won the unique (taker, key): return its order
        existing = Order.objects.filter(taker=actor, idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    except (ads.AdError, ledger.LedgerError) as error:
        raise OrderError(error.message) from error


def _place(
    actor: User,
    ad_public_id: str,
    key: str,
    fiat_amount: object,
    amount: object,
    method_ids: list[int] | None,
) -> Order:
    lock_one(LockKind.USER, User.objects.filter(pk=actor.pk))
    methods = UserPaymentMethod.objects.select_related("method_type")
    seen = (
        Ad.objects.select_related("merchant__user", "asset", "fiat")
        .prefetch_related(Prefetch("payment_methods", queryset=methods), "payment_types")
        .filter(public_id=ad_public_id)
        .first()
    )
    if seen is None:
        raise OrderError(_("This ad does not exist."))
    taker_sells = seen.side == Side.BUY
    check_taker(seen, actor, taker_sells=taker_sells)
    index = price_index_for(asset=seen.asset, fiat_code=seen.fiat.code)
    standing = maker_standing(user=seen.merchant.user)
    figures = quote_on(seen, index, fiat_amount=fiat_amount, amount=amount, standing=standing)
    details = payment_details(seen, actor, method_ids)
    check_taker_daily_limit(seen, actor, figures)
    limit = tier_limit(tier_id=seen.merchant.tier_id, fiat_id=seen.fiat_id)
    check_tier_order_max(seen, limit, figures)
    _escrow, receipt = figures.escrow_and_receipt(seen.side)
    if receipt <= 0:
        raise OrderError(_("The amount is too small to cover the fee."))
    order = _new_order(seen, actor, key, figures, details)
    # review: an alert, and the order goes on; hold: it waits for staff; block: refused
    decision = decide(point=Point.ORDER_PLACE, facts=placement_facts(order=order, taker=actor))
    # the merchant's row: staff suspending them, or their resignation completing, waits for
    # this order to commit (and then sees it); a daily limit is summed under it alone
    if limit is not None:
        lock_one(LockKind.MERCHANT, Merchant.objects.filter(pk=seen.merchant_id))
        check_tier_daily_limit(seen, limit, order)
    else:
        lock_shared(LockKind.MERCHANT, Merchant, [seen.merchant_id])
    if decision.outcome == Outcome.BLOCK:
        raise OrderError(refusal(decision))
    if decision.outcome == Outcome.HOLD:  # nothing is taken from the ad until staff approve
        order.review_reason = decision.explanation[:200]
        order.save(update_fields=["review_reason"])
        record_event(
            order,
            actor=None,
            from_status=OrderStatus.PENDING,
            note=f"Held for review: {order.review_reason}",
        )
    else:
        _freeze(order, seen, index, standing, figures, fiat_amount=fiat_amount, amount=amount)
    effects.order_changed(order, "Order placed", actor=actor, from_status="")
    return order


def _new_order(
    seen: Ad, taker: User, key: str, figures: Quote, details: list[dict[str, Any]]
) -> Order:
    taker_sells = seen.side == Side.BUY
    merchant = seen.merchant.user
    escrow_amount, receipt = figures.escrow_and_receipt(seen.side)
    order = Order.objects.create(
        public_id=new_public_id(),
        ad=seen,
        taker=taker,
        buyer=merchant if taker_sells else taker,
        seller=taker if taker_sells else merchant,
        asset=seen.asset,
        fiat=seen.fiat,
        price=figures.price,
        amount=figures.amount,
        fiat_total=figures.fiat_total,
        fee=figures.fee,
        escrow_amount=escrow_amount,
        buyer_receives=receipt,
        payment_window_minutes=seen.payment_window_minutes,
        seller_payment_details=details,
        idempotency_key=key,
    )
    record_event(order, actor=taker, from_status="", note="Order placed")
    return order


def _freeze(
    order: Order,
    seen: Ad,
    index: PriceIndex | None,
    standing: MakerStanding,
    figures: Quote,
    *,
    fiat_amount: object,
    amount: object,
) -> None:
    """Under the hot ad's lock: the ad as it is now must give the same figures, then take from
    it and freeze the escrow."""
    accounts = escrow_accounts(order, seen.side)
    ad = lock_ad(seen.pk)  # with its merchant as it is now: that row is locked already
    again = quote_on(
        ad,
        index,
        fiat_amount=fiat_amount,
        amount=amount,
        standing=standing,
        payment_checked=True,
    )
    if again != figures:
        raise OrderError(
            _("The ad changed while you were ordering; check its price and limits and order again.")
        )
    open_escrow(order, ad, accounts)
