"""What every order service shares: the order's locks, the state checks, the event record,
freezing the escrow and the payment clock.

Lock order (core.locks, DESIGN.md section 4): people, the merchant, the ad, the order, the
dispute, then the escrow's holds and ledger accounts. Changes that give crypto back to an ad
or take it from one lock the ad before the order (`lock_with_ad`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ads import services as ads
from ads.models import Ad, Side
from core.locks import LockKind, lock_one
from escrow import services as ledger
from escrow.models import AccountKind, LedgerAccount, TransferKind

from ..models import Order, OrderEvent
from .errors import OrderNotFound, OrderStateError


def lock_order(public_id: str) -> Order:
    order = lock_one(
        LockKind.ORDER, Order.objects.select_related("asset", "ad").filter(public_id=public_id)
    )
    if order is None:
        raise OrderNotFound(_("There is no such order."))
    return order


def lock_ad(ad_id: int) -> Ad:
    rows = Ad.objects.select_related("merchant__user", "asset", "fiat").filter(pk=ad_id)
    ad = lock_one(LockKind.AD, rows)
    if ad is None:
        raise OrderNotFound(_("There is no such order."))
    return ad


def lock_with_ad(public_id: str) -> tuple[Order, Ad]:
    """Lock the order's ad, then the order: for every change that gives crypto back to an ad
    or takes it from one."""
    ad_id = Order.objects.filter(public_id=public_id).values_list("ad_id", flat=True).first()
    if ad_id is None:
        raise OrderNotFound(_("There is no such order."))
    ad = lock_ad(ad_id)
    return lock_order(public_id), ad


def require(order: Order, user: User | None, role: str, *states: str) -> None:
    """`user` (when given) is the order's `role`, and the order is in one of `states`."""
    if user is not None and order.role_of(user.pk) != role:
        raise OrderNotFound(_("There is no such order."))
    if order.status not in states:
        raise OrderStateError(
            _("This order is %(status)s.") % {"status": str(order.get_status_display()).lower()}
        )


def deadline_passed(order: Order) -> bool:
    """By the database clock, so every worker and web process agrees."""
    return not Order.objects.filter(pk=order.pk, pay_by__gt=Now()).exists()


def record_event(
    order: Order, *, actor: User | None, from_status: str, note: str = ""
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order, actor=actor, from_status=from_status, to_status=order.status, note=note[:300]
    )


def escrow_accounts(order: Order, side: str) -> tuple[LedgerAccount, LedgerAccount]:
    """Where the escrow comes from (the ad reservation for a sell ad, the taking seller's
    available balance for a buy ad) and whose account it is frozen for. Looked up (or opened,
    for a first-time buyer) without any lock."""
    kind = AccountKind.AD_RESERVE if side == Side.SELL else AccountKind.AVAILABLE
    source = ledger.account_for(owner=order.seller, asset=order.asset, kind=kind)
    return source, ledger.account_for(owner=order.buyer, asset=order.asset)


def taken_from_ad(order: Order) -> object:
    """What the order took from its ad's remainder: the escrow on a sell ad, the amount on a
    buy ad."""
    return order.escrow_amount if order.ad.side == Side.SELL else order.amount


def open_escrow(
    order: Order, ad: Ad, accounts: tuple[LedgerAccount, LedgerAccount] | None = None
) -> None:
    """Freeze the seller's crypto and start the payment clock (inside the caller's lock of the
    ad). `accounts`: from `escrow_accounts`, when the caller looked them up before its lock."""
    ads.ad_take(ad_id=ad.pk, amount=order.escrow_amount if ad.side == Side.SELL else order.amount)
    source, credit = accounts or escrow_accounts(order, ad.side)
    hold = ledger.hold_open(
        debit=source,
        credit=credit,
        amount=order.escrow_amount,
        kind=TransferKind.TRADE,
        ref=f"order:{order.public_id}",
        idempotency_key=f"order:{order.public_id}:hold",
    )
    before = order.status
    order.open_escrow()
    order.hold_id = hold.pk
    order.pay_by = timezone.now() + timedelta(minutes=order.payment_window_minutes)
    order.save(update_fields=["status", "hold_id", "pay_by"])
    record_event(order, actor=None, from_status=before, note="Escrow frozen; waiting for payment")
    public_id, eta = order.public_id, order.pay_by
    transaction.on_commit(lambda: _schedule_expiry(public_id, eta))


def _schedule_expiry(public_id: str, eta: datetime) -> None:
    from ..tasks import expire_order

    # at-least-once and maybe never (broker restart): the beat sweep is the authority
    expire_order.apply_async(args=(public_id,), eta=eta)
