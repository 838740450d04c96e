"""Every write to an order. Each service runs in one durable transaction, locks rows in the
global order (the ad, then the order, then ledger accounts), checks the state under the lock,
saves the transition with an OrderEvent, and moves the escrow in the same commit. Work for
after the commit (the timeout task) is queued with on_commit.

Escrow per order: the seller's crypto (`escrow_amount`) is frozen as one hold, credited to the
buyer; release posts `buyer_receives` to the buyer and `fee` to the platform; cancel voids it.
For a merchant's sell ad the hold comes out of the ad reservation, for a buy ad out of the
taking seller's available balance.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Now
from django.utils import timezone

from accounts import selectors as people
from accounts.models import Restriction, User, UserPaymentMethod
from accounts.models.security import RestrictionSource
from accounts.selectors_figures import trade_figures
from accounts.services.fund_password import fund_password_verify
from accounts.services.security import restrict
from ads import services as ads
from ads.models import Ad, PriceIndex, Side
from ads.pricing import ad_price
from ads.selectors import ad_hidden_reason
from core.errors import DomainError
from core.money import fiat_total, format_amount, has_at_most_places, quantum, to_decimal
from core.uploads import CleanImage, UploadRejected, clean_image
from escrow import services as ledger
from escrow.models import AccountKind, LedgerAccount, TransferKind

from . import effects
from .models import OPEN_STATUSES, Order, OrderEvent, OrderStatus, PaymentProof

PUBLIC_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class OrderError(DomainError):
    code = "order"


class OrderNotFound(OrderError):
    code = "not_found"


class OrderStateError(OrderError):
    code = "wrong_state"


def new_public_id() -> str:
    """Order numbers are random, never sequential: they reveal nothing about volume."""
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(14))


# --- placing an order -------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    price: Decimal
    amount: Decimal
    fiat_total: Decimal
    fee: Decimal

    def escrow_and_receipt(self, side: str) -> tuple[Decimal, Decimal]:
        """The maker pays the fee: on a sell ad on top of what the seller freezes, on a buy ad
        out of what the buying merchant receives."""
        if side == Side.SELL:
            return self.amount + self.fee, self.amount
        return self.amount, self.amount - self.fee


def quote(ad: Ad, *, price: Decimal, fiat_amount: object = None, amount: object = None) -> Quote:
    """Turn what the user typed (fiat to pay, or crypto to get) into the order's figures."""
    precision, minor = ad.asset.precision, ad.fiat.minor_units
    try:
        if amount not in (None, ""):
            crypto = to_decimal(amount)
            if not has_at_most_places(crypto, precision):
                raise OrderError(f"{ad.asset.symbol} has at most {precision} decimal places.")
        elif fiat_amount not in (None, ""):
            crypto = (to_decimal(fiat_amount) / price).quantize(
                quantum(precision), rounding=ROUND_DOWN
            )
        else:
            raise OrderError("Enter how much to trade.")
    except (TypeError, ValueError) as error:
        raise OrderError("Enter the amount as a number.") from error
    if crypto <= 0:
        raise OrderError("The amount must be greater than zero.")
    total = fiat_total(crypto, price, minor)
    rate = to_decimal(settings.MAKER_FEE_RATES.get(ad.asset.symbol, "0"))
    fee = (crypto * rate).quantize(quantum(precision), rounding=ROUND_DOWN)
    return Quote(price=price, amount=crypto, fiat_total=total, fee=fee)


def _check_taker(ad: Ad, user: User, taker_sells: bool) -> None:
    if ad.merchant.user_id == user.pk:
        raise OrderError("This is your own ad.")
    if people.is_blocked_between(user=user, other=ad.merchant.user):
        raise OrderError("You cannot trade with this merchant.")
    for kind in ["trade", "sell"] if taker_sells else ["trade"]:
        blocked = people.active_restriction(user=user, kind=kind)
        if blocked is not None:
            until = f" until {blocked.until:%Y-%m-%d %H:%M} UTC" if blocked.until else ""
            raise OrderError(f"New orders are paused on your account{until}: {blocked.reason}")
    if people.kyc_level(user=user) < ad.min_kyc_level:
        raise OrderError(f"This ad needs identity verification level {ad.min_kyc_level}.")
    age_days = (timezone.now() - user.date_joined).days
    if age_days < ad.min_account_age_days:
        raise OrderError(f"This ad needs an account at least {ad.min_account_age_days} days old.")
    # both figures come from the trade counters, the same the profile and the market show
    if ad.min_completed_orders > 0:
        completed = trade_figures(user=user, days=None).completed
        if completed < ad.min_completed_orders:
            raise OrderError(f"This ad needs {ad.min_completed_orders} completed orders.")
    if ad.min_completion_rate > 0:
        rate = trade_figures(user=user).completion_rate
        if rate is None or rate < ad.min_completion_rate:
            yours = f"yours is {format_amount(rate)}%" if rate is not None else "you have none yet"
            raise OrderError(
                f"This ad needs a 30-day completion rate of at least "
                f"{format_amount(ad.min_completion_rate)}%; {yours}."
            )
    open_count = Order.objects.filter(Q(buyer=user) | Q(seller=user), status__in=OPEN_STATUSES)
    if open_count.count() >= settings.ORDER_MAX_OPEN_PER_USER:
        raise OrderError(
            f"You already have {settings.ORDER_MAX_OPEN_PER_USER} open orders; finish one first."
        )


def _quote_on(ad: Ad, index: PriceIndex | None, *, fiat_amount: object, amount: object) -> Quote:
    """The order's figures on `ad` as it is now; refused when the ad is off the market or the
    amount is outside its limits. Pure: run again under the ad's lock to see it unchanged."""
    price = ad_price(ad, index)
    if ad_hidden_reason(ad, index=index, now=timezone.now()) is not None or price is None:
        raise OrderError("This ad is not available right now.")
    figures = quote(ad, price=price, fiat_amount=fiat_amount, amount=amount)
    if not ad.min_order_fiat <= figures.fiat_total <= ad.max_order_fiat:
        raise OrderError(
            f"This ad takes orders from {format_amount(ad.min_order_fiat)} to "
            f"{format_amount(ad.max_order_fiat)} {ad.fiat.code}."
        )
    return figures


def _check_daily_limit(ad: Ad, user: User, figures: Quote) -> None:
    fiat = ad.fiat.code
    limit = people.kyc_daily_limit(user=user, fiat_code=fiat)
    if limit is not None:
        since = timezone.now() - timedelta(days=1)
        today = Order.objects.filter(
            Q(buyer=user) | Q(seller=user), fiat=ad.fiat, created_at__gte=since
        ).exclude(status=OrderStatus.CANCELED)
        used = today.aggregate(total=Sum("fiat_total"))["total"] or Decimal(0)
        if used + figures.fiat_total > limit:
            raise OrderError(
                f"Your verification level allows {format_amount(limit)} {fiat} a day; "
                f"{format_amount(used)} is used. Verify a higher level to trade more."
            )


def _payment_details(ad: Ad, user: User, method_ids: list[int] | None) -> list[dict[str, Any]]:
    """What the buyer will see of the seller's accounts, copied now so later edits don't
    change an open order."""
    if ad.side == Side.SELL:
        methods = list(ad.payment_methods.select_related("method_type"))
    else:
        accepted = set(ad.payment_types.values_list("pk", flat=True))
        methods = list(
            UserPaymentMethod.objects.filter(
                user=user, pk__in=method_ids or [], method_type_id__in=accepted
            ).select_related("method_type")
        )
        if not methods:
            raise OrderError("Choose one of your payment methods that this ad accepts.")
    return [
        {
            "type": method.method_type.name,
            "holder": method.holder_name,
            "lines": [
                [label, value] for label, value in people.payment_method_detail_lines(method=method)
            ],
        }
        for method in methods
    ]


def _needs_review(user: User, figures: Quote, fiat_code: str) -> str:
    young = timezone.now() - user.date_joined < timedelta(days=settings.RISK_NEW_ACCOUNT_DAYS)
    threshold = settings.RISK_NEW_ACCOUNT_MAX_FIAT.get(fiat_code)
    if young and threshold is not None and figures.fiat_total > to_decimal(threshold):
        return (
            f"New account (under {settings.RISK_NEW_ACCOUNT_DAYS} days) above "
            f"{threshold} {fiat_code}"
        )
    return ""


def order_place(
    *,
    user: User,
    ad_public_id: str,
    idempotency_key: str,
    fiat_amount: object = None,
    amount: object = None,
    payment_method_ids: list[int] | None = None,
) -> Order:
    """Open an order on an ad. The escrow is frozen in the same transaction, unless the risk
    rule holds the order for staff review. A double submit (same key) returns the first order."""
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise OrderError("The order form has expired; reload the page and try again.")
    existing = Order.objects.filter(taker=user, idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic(durable=True):
            # Everything that does not need the hot ad's row lock runs first, under a lock on
            # the taker's row: the taker's checks, the quote, the order row and its first event.
            # The ad is locked last and only for taking from it and freezing the escrow.
            # Lock order: taker, ad, order, ledger accounts.
            User.objects.select_for_update().filter(pk=user.pk).first()
            seen = (
                Ad.objects.select_related("merchant__user", "asset", "fiat")
                .filter(public_id=ad_public_id)
                .first()
            )
            if seen is None:
                raise OrderError("This ad does not exist.")
            taker_sells = seen.side == Side.BUY
            _check_taker(seen, user, taker_sells)
            details = _payment_details(seen, user, payment_method_ids)
            index = PriceIndex.objects.filter(asset=seen.asset, fiat=seen.fiat).first()
            figures = _quote_on(seen, index, fiat_amount=fiat_amount, amount=amount)
            _check_daily_limit(seen, user, figures)
            escrow_amount, receipt = figures.escrow_and_receipt(seen.side)
            if receipt <= 0:
                raise OrderError("The amount is too small to cover the fee.")
            merchant = seen.merchant.user
            order = Order.objects.create(
                public_id=new_public_id(),
                ad=seen,
                taker=user,
                buyer=merchant if taker_sells else user,
                seller=user if taker_sells else merchant,
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
            _event(order, actor=user, from_status="", note="Order placed")
            order.review_reason = _needs_review(user, figures, seen.fiat.code)
            if order.review_reason:  # nothing is taken from the ad until staff approve
                order.save(update_fields=["review_reason"])
                _event(
                    order,
                    actor=None,
                    from_status=OrderStatus.PENDING,
                    note=f"Held for review: {order.review_reason}",
                )
            else:
                accounts = _escrow_accounts(order, seen.side)
                ad = (
                    Ad.objects.select_for_update(of=("self",))
                    .select_related("merchant__user", "asset", "fiat")
                    .get(pk=seen.pk)
                )
                if _quote_on(ad, index, fiat_amount=fiat_amount, amount=amount) != figures:
                    raise OrderError(
                        "The ad changed while you were ordering; check its price and limits "
                        "and order again."
                    )
                _open_escrow(order, ad, accounts)
            effects.order_changed(order, "Order placed", actor=user, from_status="")
    except IntegrityError:
        # a concurrent submit of the same form won the unique (taker, key): return its order
        existing = Order.objects.filter(taker=user, idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    except (ads.AdError, ledger.LedgerError) as error:
        raise OrderError(error.message) from error
    return order


def _escrow_accounts(order: Order, side: str) -> tuple[LedgerAccount, LedgerAccount]:
    """Where the escrow comes from (the ad reservation for a sell ad, the taking seller's
    available balance for a buy ad) and whose account it is frozen for. Looked up (or opened,
    for a first-time buyer) without any lock."""
    kind = AccountKind.AD_RESERVE if side == Side.SELL else AccountKind.AVAILABLE
    source = ledger.account_for(owner=order.seller, asset=order.asset, kind=kind)
    return source, ledger.account_for(owner=order.buyer, asset=order.asset)


def _open_escrow(
    order: Order, ad: Ad, accounts: tuple[LedgerAccount, LedgerAccount] | None = None
) -> None:
    """Freeze the seller's crypto and start the payment clock (inside the caller's lock).
    `accounts`: from `_escrow_accounts`, when the caller looked them up before its lock."""
    taken = order.escrow_amount if ad.side == Side.SELL else order.amount
    ads.ad_take(ad_id=ad.pk, amount=taken)
    source, credit = accounts or _escrow_accounts(order, ad.side)
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
    _event(order, actor=None, from_status=before, note="Escrow frozen; waiting for payment")
    public_id, eta = order.public_id, order.pay_by
    transaction.on_commit(lambda: _schedule_expiry(public_id, eta))


def _schedule_expiry(public_id: str, eta: Any) -> None:
    from .tasks import expire_order

    # at-least-once and maybe never (broker restart): the beat sweep is the authority
    expire_order.apply_async(args=(public_id,), eta=eta)


def _event(order: Order, *, actor: User | None, from_status: str, note: str = "") -> OrderEvent:
    return OrderEvent.objects.create(
        order=order, actor=actor, from_status=from_status, to_status=order.status, note=note[:300]
    )


# --- the lifecycle ----------------------------------------------------------------------------


def _lock(public_id: str) -> Order:
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("asset", "ad")
        .filter(public_id=public_id)
        .first()
    )
    if order is None:
        raise OrderNotFound("There is no such order.")
    return order


def _lock_with_ad(public_id: str) -> tuple[Order, Ad]:
    """Lock the order's ad, then the order: the global lock order, for every change that
    gives crypto back to an ad or takes it from one."""
    ad_id = Order.objects.filter(public_id=public_id).values_list("ad_id", flat=True).first()
    if ad_id is None:
        raise OrderNotFound("There is no such order.")
    ad = Ad.objects.select_for_update(of=("self",)).select_related("asset", "fiat").get(pk=ad_id)
    return _lock(public_id), ad


def _require(order: Order, user: User | None, role: str, *states: str) -> None:
    if user is not None and order.role_of(user.pk) != role:
        raise OrderNotFound("There is no such order.")
    if order.status not in states:
        raise OrderStateError(f"This order is {order.get_status_display().lower()}.")


def _deadline_passed(order: Order) -> bool:
    """By the database clock, so every worker and web process agrees."""
    return not Order.objects.filter(pk=order.pk, pay_by__gt=Now()).exists()


MAX_PROOFS = 5


def clean_proofs(uploads: list[UploadedFile]) -> list[CleanImage]:
    """Every proof validated and re-encoded before anything is stored; one bad file refuses
    them all, naming it."""
    if len(uploads) > MAX_PROOFS:
        raise OrderError(f"Attach at most {MAX_PROOFS} proof images.")
    try:
        return [clean_image(upload) for upload in uploads]
    except UploadRejected as error:
        raise OrderError(error.message, field="proofs") from error


def order_mark_paid(
    *,
    user: User,
    public_id: str,
    method: str,
    note: str = "",
    proofs: list[UploadedFile] | None = None,
) -> Order:
    """The buyer says the fiat is sent, with up to five proof images. Refused once the payment
    window has closed: the timeout and the click get one outcome, never both."""
    method = (method or "").strip()
    if not method:
        raise OrderError("Say which payment method you used.")
    images = clean_proofs(list(proofs or []))
    stored: list[PaymentProof] = []
    try:
        with transaction.atomic(durable=True):
            order = _lock(public_id)
            _require(order, user, "buyer", OrderStatus.AWAITING_PAYMENT)
            if _deadline_passed(order):
                raise OrderStateError(
                    "The payment window has closed; this order is being canceled."
                )
            before = order.status
            order.mark_paid()
            order.paid_at, order.paid_method = timezone.now(), method[:80]
            order.paid_note = note[:500]
            order.appeal_after = order.paid_at + timedelta(
                minutes=settings.ORDER_APPEAL_AFTER_MINUTES
            )
            order.save(
                update_fields=["status", "paid_at", "paid_method", "paid_note", "appeal_after"]
            )
            for image in images:
                proof = PaymentProof(
                    order=order,
                    uploaded_by=user,
                    content_type=image.content_type,
                    width=image.width,
                    height=image.height,
                )
                proof.file.save("proof", image.content, save=False)
                stored.append(proof)
                proof.save()
            note_text = f"Paid by {order.paid_method}"
            if images:
                note_text += f", {len(images)} proof image{'s' if len(images) > 1 else ''}"
            _event(order, actor=user, from_status=before, note=note_text)
            effects.order_changed(
                order, "Buyer marked the order as paid", actor=user, from_status=before
            )
    except Exception:
        # nothing half-done: files written before a failed commit are removed
        for proof in stored:
            proof.file.delete(save=False)
        raise
    return order


def _cancel(order: Order, *, actor: User | None, reason: str, refund: bool = False) -> None:
    """Void the hold, give the amount back to the ad, close the order (inside the lock).
    `refund`: staff decided a dispute for the seller (disputed -> canceled)."""
    before = order.status
    if order.hold_id is not None:
        ledger.hold_void(hold_id=order.hold_id, idempotency_key=f"order:{order.public_id}:void")
        taken = order.escrow_amount if order.ad.side == Side.SELL else order.amount
        ads.ad_give_back(ad_id=order.ad_id, amount=taken)
    if refund:
        order.resolve_refund()
    else:
        order.cancel()
    order.canceled_at, order.canceled_by, order.cancel_reason = timezone.now(), actor, reason[:300]
    order.save(update_fields=["status", "canceled_at", "canceled_by", "cancel_reason"])
    _event(order, actor=actor, from_status=before, note=reason)
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
    if recent <= settings.ORDER_CANCEL_LIMIT:
        return
    steps = settings.ORDER_CANCEL_RESTRICT_HOURS
    earlier = Restriction.objects.filter(
        user=buyer, source=RestrictionSource.CANCELLATIONS, starts_at__gte=now - timedelta(days=7)
    ).count()
    hours = steps[min(earlier, len(steps) - 1)]
    restrict(
        user=buyer,
        kind="trade",
        reason=(
            f"{recent} orders canceled or unpaid in 24 hours; new orders are paused for "
            f"{hours} hour{'s' if hours != 1 else ''}."
        ),
        until=now + timedelta(hours=hours),
        source=RestrictionSource.CANCELLATIONS,
    )


def order_cancel(*, user: User, public_id: str, reason: str) -> Order:
    """The buyer cancels before paying; the seller's crypto goes back where it came from."""
    reason = (reason or "").strip()
    if not reason:
        raise OrderError("Give a reason for canceling.")
    with transaction.atomic(durable=True):
        order, _ = _lock_with_ad(public_id)
        _require(order, user, "buyer", OrderStatus.AWAITING_PAYMENT)
        _cancel(order, actor=user, reason=f"Canceled by the buyer: {reason}")
    return order


def order_expire(*, public_id: str) -> bool:
    """Cancel an order still unpaid at its deadline. Safe to run any number of times, from the
    task queued at the deadline or from the sweep: it re-checks under the lock."""
    with transaction.atomic(durable=True):
        try:
            order, _ = _lock_with_ad(public_id)
        except OrderNotFound:
            return False
        if order.status != OrderStatus.AWAITING_PAYMENT or not _deadline_passed(order):
            return False
        _cancel(order, actor=None, reason="Not paid within the payment window")
    return True


def expire_overdue_orders() -> int:
    """The sweep: every unpaid order past its deadline, by the database clock."""
    overdue = Order.objects.filter(
        status=OrderStatus.AWAITING_PAYMENT, pay_by__lte=Now()
    ).values_list("public_id", flat=True)
    return sum(order_expire(public_id=public_id) for public_id in list(overdue))


def order_release(
    *, user: User, public_id: str, fund_password: str, totp_code: str | None = None
) -> Order:
    """The seller confirms the fiat arrived: the hold posts to the buyer, the fee to the
    platform. Needs the fund password (and a TOTP code with 2FA on)."""
    order = Order.objects.filter(public_id=public_id).first()
    if order is None or order.role_of(user.pk) != "seller":
        raise OrderNotFound("There is no such order.")
    if order.status != OrderStatus.PAID:
        raise OrderStateError(f"This order is {order.get_status_display().lower()}.")
    # commits its own record of the try, so it runs before our transaction
    fund_password_verify(user=user, raw=fund_password, totp_code=totp_code, purpose="release")
    with transaction.atomic(durable=True):
        order = _lock(public_id)
        _require(order, user, "seller", OrderStatus.PAID)
        _release(order, actor=user, note="Released by the seller")
    return order


def _release(order: Order, *, actor: User, note: str, by_staff: bool = False) -> None:
    """Post the hold to the buyer (and the fee to the platform), close the order (inside the
    lock). `by_staff`: a dispute decided for the buyer (disputed -> released)."""
    _post_escrow(order)
    before = order.status
    if by_staff:
        order.resolve_release()
    else:
        order.release()
    order.released_at = timezone.now()
    order.save(update_fields=["status", "released_at"])
    _event(order, actor=actor, from_status=before, note=note)
    effects.order_changed(order, note, actor=actor, from_status=before)


def _post_escrow(order: Order) -> None:
    assert order.hold_id is not None
    fee_account = ledger.platform_account(asset=order.asset, kind=AccountKind.FEE_INCOME)
    ledger.hold_post(
        hold_id=order.hold_id,
        amount=order.buyer_receives,
        fee=order.fee,
        fee_account=fee_account if order.fee else None,
        idempotency_key=f"order:{order.public_id}:release",
    )


# --- staff review of held orders ----------------------------------------------------------------


def _require_reviewer(staff: User) -> None:
    if not (staff.is_staff and staff.has_perm("orders.review_held_order")):
        raise OrderError("Only risk reviewers approve or reject held orders.")


def order_review_approve(*, staff: User, public_id: str) -> Order:
    _require_reviewer(staff)
    try:
        with transaction.atomic(durable=True):
            order, ad = _lock_with_ad(public_id)
            _require(order, None, "", OrderStatus.PENDING)
            _event(order, actor=staff, from_status=order.status, note="Approved by staff")
            _open_escrow(order, ad)
            effects.order_changed(
                order,
                "Approved by staff; the escrow is frozen",
                actor=staff,
                from_status=OrderStatus.PENDING,
            )
    except (ads.AdError, ledger.LedgerError) as error:
        raise OrderError(error.message) from error
    return order


def order_review_reject(*, staff: User, public_id: str, reason: str) -> Order:
    _require_reviewer(staff)
    with transaction.atomic(durable=True):
        order = _lock(public_id)
        _require(order, None, "", OrderStatus.PENDING)
        _cancel(order, actor=staff, reason=f"Rejected in review: {reason or 'no reason given'}")
    return order


# --- disputes: run inside the disputes service's own transaction ------------------------------
#
# The disputes app records the appeal and the decision; the order moves here, in the same
# transaction, through the same escrow code as the parties' own actions. Lock order: the ad,
# the order (order_lock_for_dispute), then the dispute row, then ledger accounts.


def _in_callers_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Dispute transitions run inside the disputes service's transaction.")


def _staff_not_party(order: Order, staff: User) -> None:
    if not staff.is_staff:
        raise OrderError("Only staff decide disputes.")
    if order.role_of(staff.pk) is not None:
        raise OrderError("Nobody decides a dispute about their own order.")


def order_lock_for_dispute(*, public_id: str) -> Order:
    """Lock the order's ad, then the order, before the caller locks its dispute."""
    _in_callers_transaction()
    order, _ = _lock_with_ad(public_id)
    return order


def order_dispute_open(*, user: User, public_id: str, note: str = "Appeal opened") -> Order:
    """A party appeals a paid order once `appeal_after` has passed (by the database clock)."""
    _in_callers_transaction()
    order = _lock(public_id)
    if order.role_of(user.pk) is None:
        raise OrderNotFound("There is no such order.")
    _require(order, None, "", OrderStatus.PAID)
    due = Order.objects.filter(pk=order.pk, appeal_after__lte=Now()).exists()
    if not due:
        when = f" from {order.appeal_after:%Y-%m-%d %H:%M} UTC" if order.appeal_after else ""
        raise OrderStateError(
            f"You can appeal{when}: give the other party "
            f"{settings.ORDER_APPEAL_AFTER_MINUTES} minutes after payment first."
        )
    before = order.status
    order.open_dispute()
    order.save(update_fields=["status"])
    _event(order, actor=user, from_status=before, note=note)
    effects.order_changed(order, note, actor=user, from_status=before)
    return order


def order_dispute_withdraw(*, actor: User, public_id: str, note: str) -> Order:
    """Back to paid: the appellant withdrew, or staff returned the order to the parties."""
    _in_callers_transaction()
    order = _lock(public_id)
    if order.role_of(actor.pk) is None and not actor.is_staff:
        raise OrderNotFound("There is no such order.")
    _require(order, None, "", OrderStatus.DISPUTED)
    before = order.status
    order.withdraw_dispute()
    order.save(update_fields=["status"])
    _event(order, actor=actor, from_status=before, note=note)
    effects.order_changed(order, note, actor=actor, from_status=before)
    return order


def order_resolve_release(*, staff: User, public_id: str, note: str) -> Order:
    """Staff decided for the buyer: the hold posts, as a seller's release would."""
    _in_callers_transaction()
    order = _lock(public_id)
    _staff_not_party(order, staff)
    _require(order, None, "", OrderStatus.DISPUTED)
    _release(order, actor=staff, note=note, by_staff=True)
    return order


def order_resolve_refund(*, staff: User, public_id: str, note: str) -> Order:
    """Staff decided for the seller: the hold voids and the crypto goes back to the ad (or the
    seller), as a cancellation would."""
    _in_callers_transaction()
    order, _ = _lock_with_ad(public_id)
    _staff_not_party(order, staff)
    _require(order, None, "", OrderStatus.DISPUTED)
    _cancel(order, actor=staff, reason=note, refund=True)
    return order


def order_assign_staff(*, staff: User | None, public_id: str) -> Order:
    """Who handles the order's dispute (None: nobody); they may read and join its chat."""
    _in_callers_transaction()
    order = _lock(public_id)
    if staff is not None:
        _staff_not_party(order, staff)
    order.assigned_staff = staff
    order.save(update_fields=["assigned_staff"])
    return order
