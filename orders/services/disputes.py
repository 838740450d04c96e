"""The order's side of a dispute, run inside the disputes service's own transaction.

The disputes app records the appeal and the decision; the order moves here, in the same
transaction, through the same escrow code as the parties' own actions. Lock order: the ad, the
order (`order_lock_for_dispute`), then the dispute row, then the escrow's holds and accounts."""

from __future__ import annotations

from django.db import transaction
from django.db.models.functions import Now
from django.utils.translation import gettext as _

from accounts.models import User
from core.config import config_value

from ..models import Order, OrderStatus
from . import effects
from .common import lock_order, lock_with_ad, record_event, require
from .errors import OrderError, OrderNotFound, OrderStateError
from .lifecycle import cancel, release


def _in_callers_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Dispute transitions run inside the disputes service's transaction.")


def _staff_not_party(order: Order, staff: User) -> None:
    if not staff.is_staff:
        raise OrderError(_("Only staff decide disputes."))
    if order.role_of(staff.pk) is not None:
        raise OrderError(_("Nobody decides a dispute about their own order."))


def order_lock_for_dispute(*, public_id: str) -> Order:
    """Lock the order's ad, then the order, before the caller locks its dispute."""
    _in_callers_transaction()
    order, _ad = lock_with_ad(public_id)
    return order


def order_dispute_open(*, actor: User, public_id: str, note: str = "Appeal opened") -> Order:
    """A party appeals a paid order once `appeal_after` has passed (by the database clock)."""
    _in_callers_transaction()
    order = lock_order(public_id)
    if order.role_of(actor.pk) is None:
        raise OrderNotFound(_("There is no such order."))
    require(order, None, "", OrderStatus.PAID)
    due = Order.objects.filter(pk=order.pk, appeal_after__lte=Now()).exists()
    if not due:
        minutes = config_value("ORDER_APPEAL_AFTER_MINUTES")
        if order.appeal_after:
            raise OrderStateError(
                _(
                    "You can appeal from %(at)s UTC: give the other party %(minutes)s minutes "
                    "after payment first."
                )
                % {"at": f"{order.appeal_after:%Y-%m-%d %H:%M}", "minutes": minutes}
            )
        raise OrderStateError(
            _("You can appeal: give the other party %(minutes)s minutes after payment first.")
            % {"minutes": minutes}
        )
    before = order.status
    order.open_dispute()
    order.save(update_fields=["status"])
    record_event(order, actor=actor, from_status=before, note=note)
    effects.order_changed(order, note, actor=actor, from_status=before)
    return order


def order_dispute_withdraw(*, actor: User, public_id: str, note: str) -> Order:
    """Back to paid: the appellant withdrew, or staff returned the order to the parties."""
    _in_callers_transaction()
    order = lock_order(public_id)
    if order.role_of(actor.pk) is None and not actor.is_staff:
        raise OrderNotFound(_("There is no such order."))
    require(order, None, "", OrderStatus.DISPUTED)
    before = order.status
    order.withdraw_dispute()
    order.save(update_fields=["status"])
    record_event(order, actor=actor, from_status=before, note=note)
    effects.order_changed(order, note, actor=actor, from_status=before)
    return order


def order_resolve_release(*, actor: User, public_id: str, note: str) -> Order:
    """Staff decided for the buyer: the hold posts, as a seller's release would."""
    _in_callers_transaction()
    order = lock_order(public_id)
    _staff_not_party(order, actor)
    require(order, None, "", OrderStatus.DISPUTED)
    release(order, actor=actor, note=note, by_staff=True)
    return order


def order_resolve_refund(*, actor: User, public_id: str, note: str) -> Order:
    """Staff decided for the seller: the hold voids and the crypto goes back to the ad (or the
    seller), as a cancellation would."""
    _in_callers_transaction()
    order, _ad = lock_with_ad(public_id)
    _staff_not_party(order, actor)
    require(order, None, "", OrderStatus.DISPUTED)
    cancel(order, actor=actor, reason=note, refund=True)
    return order


def order_assign_staff(*, staff: User | None, public_id: str) -> Order:
    """Who handles the order's dispute (None: nobody); they may read and join its chat. The
    disputes service has checked who may assign."""
    _in_callers_transaction()
    order = lock_order(public_id)
    if staff is not None:
        _staff_not_party(order, staff)
    order.assigned_staff = staff
    order.save(update_fields=["assigned_staff"])
    return order
