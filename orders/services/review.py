"""Staff review of orders a risk rule held: approving freezes the escrow as placement would
have (if the ad and both parties may still trade), rejecting cancels the order; a payment held
at mark paid is cleared once staff have checked it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ads import services as ads
from ads.models import Ad, Side
from ads.selectors import ad_hidden_reason
from core.locks import LockKind, lock_shared
from escrow import services as ledger
from escrow.selectors import price_index_for
from merchants.models import Merchant
from risk.restrictions import Action, Paused, require_not_paused

from ..models import Order, OrderStatus
from . import effects
from .chat import chat_system
from .common import lock_order, lock_with_ad, open_escrow, record_event, require
from .errors import OrderError
from .lifecycle import cancel
from .trade_risk import PAYMENT_CHECKED_NOTE


def _require_reviewer(actor: User) -> None:
    if not (actor.is_staff and actor.has_perm("orders.review_held_order")):
        raise OrderError(_("Only risk reviewers approve or reject held orders."))


def order_review_approve(*, actor: User, public_id: str) -> Order:
    """Freeze the held order's escrow. The ad must still be on the market at the order's
    amount (its merchant not paused since), and the taker still allowed to trade."""
    _require_reviewer(actor)
    try:
        with transaction.atomic(durable=True):
            merchant_id = Order.objects.filter(public_id=public_id).values("ad__merchant_id")
            # as at placement: the merchant row is shared before the ad is taken from
            lock_shared(LockKind.MERCHANT, Merchant, list(merchant_id.values_list(flat=True)))
            order, ad = lock_with_ad(public_id)
            require(order, None, "", OrderStatus.PENDING)
            _still_tradeable(order, ad)
            record_event(order, actor=actor, from_status=order.status, note="Approved by staff")
            open_escrow(order, ad)
            effects.order_changed(
                order,
                "Approved by staff; the escrow is frozen",
                actor=actor,
                from_status=OrderStatus.PENDING,
            )
    except (ads.AdError, ledger.LedgerError) as error:
        raise OrderError(error.message) from error
    return order


def _still_tradeable(order: Order, ad: Ad) -> None:
    """The held order keeps its figures; its ad must still be listed (its merchant not paused
    or gone since) and the taker not paused."""
    index = price_index_for(asset=ad.asset, fiat_code=ad.fiat.code)
    if ad_hidden_reason(ad, index=index, now=timezone.now()) is not None:
        raise OrderError(_("This ad is not available right now; reject the order instead."))
    action = Action.SELL if ad.side == Side.BUY else Action.BUY
    try:
        require_not_paused(user=order.taker, action=action)
    except Paused as error:
        raise OrderError(
            _("The taker may not trade now. %(why)s") % {"why": error.message}
        ) from error


def order_review_reject(*, actor: User, public_id: str, reason: str) -> Order:
    _require_reviewer(actor)
    with transaction.atomic(durable=True):
        order, _ad = lock_with_ad(public_id)
        require(order, None, "", OrderStatus.PENDING)
        cancel(order, actor=actor, reason=f"Rejected in review: {reason or 'no reason given'}")
    return order


def order_payment_check_clear(*, actor: User, public_id: str) -> Order:
    """Staff confirmed a payment a risk rule held: the flag goes and the seller is told in the
    chat that they may release. A payment staff find bad keeps its flag and goes to a dispute."""
    _require_reviewer(actor)
    with transaction.atomic(durable=True):
        order = lock_order(public_id)
        if not order.payment_check:
            raise OrderError(_("This order's payment is not being checked."))
        order.payment_check = ""
        order.save(update_fields=["payment_check"])
        record_event(order, actor=actor, from_status=order.status, note=PAYMENT_CHECKED_NOTE)
        chat_system(order=order, body=PAYMENT_CHECKED_NOTE)
    return order
