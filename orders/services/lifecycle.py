"""The parties' own transitions: the buyer marks paid (with proofs) or cancels, the seller
releases, and unpaid orders expire at their deadline.

Each runs in one durable transaction: lock (core.locks order), check the state under the lock,
save the transition with an OrderEvent, move the escrow in the same commit."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Restriction, User
from accounts.models.security import RestrictionKind, RestrictionSource
from accounts.services.fund_password import fund_password_verify
from accounts.services.security import restrict
from ads import services as ads
from ads.models import Side
from core.config import config_value
from core.i18n import speaking_to
from core.uploads import CleanImage, UploadRejected, clean_image
from escrow import services as ledger
from escrow.models import AccountKind
from risk.engine import alerts_outlive_refusal
from risk.rules import Outcome

from ..models import Order, OrderStatus, PaymentProof
from . import effects
from .common import deadline_passed, lock_order, lock_with_ad, record_event, require, taken_from_ad
from .errors import OrderError, OrderNotFound, OrderStateError
from .trade_risk import hold_payment, mark_paid_decision, proof_hash, release_decision
from .withdrawal_lock import withdrawal_lock_for

MAX_PROOFS = 5


def clean_proofs(uploads: list[UploadedFile]) -> list[CleanImage]:
    """Every proof validated and re-encoded before anything is stored; one bad file refuses
    them all, naming it."""
    if len(uploads) > MAX_PROOFS:
        raise OrderError(_("Attach at most %(count)d proof images.") % {"count": MAX_PROOFS})
    try:
        return [clean_image(upload) for upload in uploads]
    except UploadRejected as error:
        raise OrderError(error.message, field="proofs") from error


def order_mark_paid(
    *,
    actor: User,
    public_id: str,
    method: str,
    note: str = "",
    paid_from_name: str = "",
    proofs: list[UploadedFile] | None = None,
) -> Order:
    """The buyer says the fiat is sent, with up to five proof images. Refused once the payment
    window has closed: the timeout and the click get one outcome, never both.

    The risk rules at mark paid: review is an alert; hold still marks the order paid (nobody
    can stop a buyer from saying they paid) but warns the seller in the chat not to release
    and flags the order for staff; block refuses, and nothing changes."""
    method = (method or "").strip()
    if not method:
        raise OrderError(_("Say which payment method you used."))
    images = clean_proofs(list(proofs or []))
    hashes = [proof_hash(image.content) for image in images]
    paid_from_name = " ".join((paid_from_name or "").split())[:120]
    stored: list[PaymentProof] = []
    try:
        with alerts_outlive_refusal(), transaction.atomic(durable=True):
            order = lock_order(public_id)
            require(order, actor, "buyer", OrderStatus.AWAITING_PAYMENT)
            if deadline_passed(order):
                raise OrderStateError(
                    _("The payment window has closed; this order is being canceled.")
                )
            decision = mark_paid_decision(
                order=order,
                paid_from_name=paid_from_name,
                hashes=[value for value in hashes if value is not None],
            )
            before = order.status
            order.mark_paid()
            order.paid_at, order.paid_method = timezone.now(), method[:80]
            order.paid_note = note[:500]
            order.paid_from_name = paid_from_name
            order.appeal_after = order.paid_at + timedelta(
                minutes=config_value("ORDER_APPEAL_AFTER_MINUTES")
            )
            order.save(
                update_fields=[
                    "status",
                    "paid_at",
                    "paid_method",
                    "paid_note",
                    "paid_from_name",
                    "appeal_after",
                ]
            )
            stored = [
                _store_proof(order, actor, image, value)
                for image, value in zip(images, hashes, strict=True)
            ]
            note_text = f"Paid by {order.paid_method}"
            if images:
                note_text += f", {len(images)} proof image{'s' if len(images) > 1 else ''}"
            record_event(order, actor=actor, from_status=before, note=note_text)
            effects.order_changed(
                order, "Buyer marked the order as paid", actor=actor, from_status=before
            )
            if decision.outcome == Outcome.HOLD:
                hold_payment(order, decision)
    except BaseException:
        # nothing half-done: files written before a failed commit are removed
        for proof in stored:
            proof.file.delete(save=False)
        raise
    return order


def _store_proof(
    order: Order, actor: User, image: CleanImage, image_hash: int | None
) -> PaymentProof:
    proof = PaymentProof(
        order=order,
        uploaded_by=actor,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        image_hash=image_hash,
    )
    proof.file.save("proof", image.content, save=False)
    proof.save()
    return proof


def escrow_lock_set(order: Order) -> ledger.LockSet:
    """What ending the order's escrow moves through: its hold (and so both its accounts), the
    platform's fee account when there is a fee, and on a sell ad the seller's available
    balance, where a give-back to an ad that no longer reserves lands."""
    accounts = []
    if order.fee:
        accounts.append(ledger.platform_account(asset=order.asset, kind=AccountKind.FEE_INCOME))
    if order.ad.side == Side.SELL:
        accounts.append(ledger.account_for(owner=order.seller, asset=order.asset))
    return ledger.lock_set(holds=[order.hold_id], accounts=accounts)


def cancel(order: Order, *, actor: User | None, reason: str, refund: bool = False) -> None:
    """Void the hold, give the amount back to the ad, close the order (inside the caller's lock
    of the ad and the order). `refund`: staff decided a dispute for the seller."""
    before = order.status
    if order.hold_id is not None:
        ledger.lock_for_moves(escrow_lock_set(order))
        ledger.hold_void(hold_id=order.hold_id, idempotency_key=f"order:{order.public_id}:void")
        ads.ad_give_back(ad_id=order.ad_id, amount=taken_from_ad(order))
    if refund:
        order.resolve_refund()
    else:
        order.cancel()
    order.canceled_at, order.canceled_by, order.cancel_reason = timezone.now(), actor, reason[:300]
    order.save(update_fields=["status", "canceled_at", "canceled_by", "cancel_reason"])
    record_event(order, actor=actor, from_status=before, note=reason)
    if actor is None or actor.pk == order.buyer_id:
        _apply_cancellation_cap(order.buyer)
    effects.order_changed(order, reason, actor=actor, from_status=before)


def _apply_cancellation_cap(buyer: User) -> None:
    """More than ORDER_CANCEL_LIMIT cancellations by a buyer (timeouts count) in 24 hours
    pause their new orders, longer each time: 1 h, 4 h, then 24 h by default."""
    now = timezone.now()
    recent = Order.objects.filter(
        Q(canceled_by=buyer) | Q(canceled_by__isnull=True),
        buyer=buyer,
        status=OrderStatus.CANCELED,
        canceled_at__gte=now - timedelta(hours=24),
    ).count()
    if recent <= config_value("ORDER_CANCEL_LIMIT"):
        return
    steps = config_value("ORDER_CANCEL_RESTRICT_HOURS")
    earlier = Restriction.objects.filter(
        user=buyer, source=RestrictionSource.CANCELLATIONS, starts_at__gte=now - timedelta(days=7)
    ).count()
    hours = steps[min(earlier, len(steps) - 1)]
    with speaking_to(buyer):  # the reason is kept as text, in the words the buyer reads
        reason = ngettext(
            "%(recent)s orders canceled or unpaid in 24 hours; new orders are paused for "
            "%(hours)s hour.",
            "%(recent)s orders canceled or unpaid in 24 hours; new orders are paused for "
            "%(hours)s hours.",
            hours,
        ) % {"recent": recent, "hours": hours}
    restrict(
        user=buyer,
        kind=RestrictionKind.TRADE,
        reason=reason,
        until=now + timedelta(hours=hours),
        source=RestrictionSource.CANCELLATIONS,
    )


def order_cancel(*, actor: User, public_id: str, reason: str) -> Order:
    """The buyer cancels before paying, and the seller's crypto goes back where it came from;
    or the taker withdraws an order still held for review (nothing was frozen yet)."""
    reason = (reason or "").strip()
    if not reason:
        raise OrderError(_("Give a reason for canceling."))
    with transaction.atomic(durable=True):
        order, _ad = lock_with_ad(public_id)
        if order.status == OrderStatus.PENDING and order.role_of(actor.pk) is not None:
            if order.taker_id != actor.pk:
                raise OrderStateError(_("Only the person who placed this order may withdraw it."))
            cancel(order, actor=actor, reason=f"Withdrawn during the review: {reason}")
            return order
        require(order, actor, "buyer", OrderStatus.AWAITING_PAYMENT)
        cancel(order, actor=actor, reason=f"Canceled by the buyer: {reason}")
    return order


def order_expire(*, public_id: str) -> bool:
    """Cancel an order still unpaid at its deadline. Safe to run any number of times, from the
    task queued at the deadline or from the sweep: it re-checks under the lock."""
    with transaction.atomic(durable=True):
        try:
            order, _ad = lock_with_ad(public_id)
        except OrderNotFound:
            return False
        if order.status != OrderStatus.AWAITING_PAYMENT or not deadline_passed(order):
            return False
        cancel(order, actor=None, reason="Not paid within the payment window")
    return True


def expire_overdue_orders() -> int:
    """The sweep: every unpaid order past its deadline, by the database clock."""
    overdue = Order.objects.filter(
        status=OrderStatus.AWAITING_PAYMENT, pay_by__lte=Now()
    ).values_list("public_id", flat=True)
    return sum(order_expire(public_id=public_id) for public_id in list(overdue))


def order_release(
    *, actor: User, public_id: str, fund_password: str, totp_code: str | None = None
) -> Order:
    """The seller confirms the fiat arrived: the hold posts to the buyer, the fee to the
    platform. Needs the fund password (and a TOTP code with 2FA on). The risk rules at
    release only refuse (block); review and hold leave an alert and the release goes on."""
    order = Order.objects.filter(public_id=public_id).first()
    if order is None or order.role_of(actor.pk) != "seller":
        raise OrderNotFound(_("There is no such order."))
    if order.status != OrderStatus.PAID:
        raise OrderStateError(
            _("This order is %(status)s.") % {"status": str(order.get_status_display()).lower()}
        )
    # commits its own record of the try, so it runs before our transaction
    fund_password_verify(actor=actor, raw=fund_password, totp_code=totp_code, purpose="release")
    with alerts_outlive_refusal(), transaction.atomic(durable=True):
        order = lock_order(public_id)
        require(order, actor, "seller", OrderStatus.PAID)
        release_decision(order=order)  # refuses on block; see there for review and hold
        release(order, actor=actor, note="Released by the seller")
    return order


def release(order: Order, *, actor: User, note: str, by_staff: bool = False) -> None:
    """Post the hold to the buyer (and the fee to the platform), close the order (inside the
    caller's lock of the order). `by_staff`: a dispute decided for the buyer. What the buyer
    receives is locked against withdrawal for their T+N days, in the same ledger call."""
    assert order.hold_id is not None
    fee_account = ledger.platform_account(asset=order.asset, kind=AccountKind.FEE_INCOME)
    ledger.hold_post(
        hold_id=order.hold_id,
        amount=order.buyer_receives,
        fee=order.fee,
        fee_account=fee_account if order.fee else None,
        idempotency_key=f"order:{order.public_id}:release",
        withdrawal_lock=withdrawal_lock_for(order),
    )
    before = order.status
    if by_staff:
        order.resolve_release()
    else:
        order.release()
    order.released_at = timezone.now()
    order.save(update_fields=["status", "released_at"])
    record_event(order, actor=actor, from_status=before, note=note)
    effects.order_changed(order, note, actor=actor, from_status=before)
