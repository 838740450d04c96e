"""Taking part of a merchant's collateral for the platform (a penalty decided by staff).

The collateral is one escrow hold (available -> collateral account). A deduction, in the
caller's transaction: post the deducted part of the hold to the merchant's collateral account
(the rest of the hold is voided back to available in the same step), move that part from the
collateral account to the platform's income, and freeze the rest again as a new hold, which
becomes the merchant's `collateral_hold_id`. Each ledger step has a key derived from the
caller's, and the whole deduction is recognised by its platform transfer, so a replay changes
nothing and returns the first result.

Lock order (core.locks): the merchant (`merchant_lock_for_penalty`, which the disputes app takes
first, before the order's ad), then the holds and ledger accounts (`collateral_lock_set`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.locks import LockKind, lock_one
from core.money import format_amount, has_at_most_places, to_decimal
from escrow import services as ledger
from escrow.models import AccountKind, TransferKind
from escrow.selectors import MovedAmount, moved_by_key

from ..models import Merchant
from ..selectors import collateral_hold
from .errors import CollateralUnavailable, MerchantError, MerchantNotAllowed


@dataclass(frozen=True)
class CollateralDeduction:
    amount: Decimal
    asset_symbol: str
    remaining: Decimal
    replayed: bool


def merchant_lock_for_penalty(*, merchant_user: User) -> Merchant | None:
    """Lock the merchant row of `merchant_user` (None when they are not a merchant)."""
    return lock_one(
        LockKind.MERCHANT, Merchant.objects.select_related("user").filter(user_id=merchant_user.pk)
    )


def collateral_lock_set(*, merchant_user: User) -> ledger.LockSet:
    """What a deduction from `merchant_user`'s collateral moves through: the collateral hold
    (and so their available and collateral accounts) and the platform's fee account, for a
    caller that locks everything before moving anything."""
    merchant = Merchant.objects.filter(user_id=merchant_user.pk).first()
    hold = collateral_hold(hold_id=merchant.collateral_hold_id) if merchant else None
    if hold is None:
        return ledger.lock_set()
    fee = ledger.platform_account(asset=hold.asset, kind=AccountKind.FEE_INCOME)
    return ledger.lock_set(holds=[hold.pk], accounts=[fee])


def _previous(key: str) -> MovedAmount | None:
    return moved_by_key(idempotency_key=f"{key}:take")


def _remaining(merchant: Merchant) -> Decimal:
    hold = collateral_hold(hold_id=merchant.collateral_hold_id)
    if hold is None or not hold.is_open:
        return Decimal(0)
    return hold.amount


def _checked_request(*, idempotency_key: str, reason: str, actor: User) -> str:
    """The deduction's key, once the request itself is well formed and made by staff."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A collateral deduction runs inside the caller's transaction.")
    key = (idempotency_key or "").strip()
    if not key or len(key) > 180:
        raise MerchantError(_("A deduction needs an idempotency key of 1 to 180 characters."))
    if not (reason or "").strip():
        raise MerchantError(_("Give the reason for the deduction."))
    if not actor.is_staff:
        raise MerchantNotAllowed("Only staff deduct collateral.")
    return key


def merchant_collateral_deduct(
    *, merchant_user: User, amount: object, reason: str, idempotency_key: str, actor: User
) -> CollateralDeduction:
    """Take `amount` of `merchant_user`'s collateral for the platform; refused (nothing
    changed) above what is frozen. Runs inside the caller's transaction."""
    key = _checked_request(idempotency_key=idempotency_key, reason=reason, actor=actor)
    merchant = merchant_lock_for_penalty(merchant_user=merchant_user)
    if merchant is None:
        raise MerchantNotAllowed(f"{merchant_user.public_name} is not a merchant: no collateral.")
    try:
        value = to_decimal(amount)
    except (TypeError, ValueError) as error:
        raise MerchantError(_("The deduction must be a decimal number.")) from error

    previous = _previous(key)
    if previous is not None:
        if previous.amount != value:
            raise MerchantError(f"The deduction {key!r} was already made with another amount.")
        return CollateralDeduction(
            amount=previous.amount,
            asset_symbol=previous.asset.symbol,
            remaining=_remaining(merchant),
            replayed=True,
        )

    hold = collateral_hold(hold_id=merchant.collateral_hold_id)
    if hold is None or not hold.is_open:
        raise CollateralUnavailable(f"{merchant.display_name} has no collateral frozen.")
    asset = hold.asset
    if value <= 0 or not has_at_most_places(value, asset.precision):
        raise MerchantError(
            f"The deduction must be above zero with at most {asset.precision} decimal places."
        )
    if value > hold.amount:
        raise CollateralUnavailable(
            f"{merchant.display_name}'s collateral is {format_amount(hold.amount)} "
            f"{asset.symbol}; {format_amount(value)} cannot be deducted from it."
        )

    owner = merchant.user
    collateral = ledger.account_for(owner=owner, asset=asset, kind=AccountKind.COLLATERAL)
    # the deducted part leaves the hold for the collateral account, the rest is voided ...
    ledger.hold_post(hold_id=hold.pk, amount=value, idempotency_key=f"{key}:post")
    ledger.transfer(
        debit=collateral,
        credit=ledger.platform_account(asset=asset, kind=AccountKind.FEE_INCOME),
        amount=value,
        kind=TransferKind.ADJUSTMENT,
        ref=f"merchant:{merchant.pk}:penalty",
        idempotency_key=f"{key}:take",
    )
    # ... and frozen again at once, so the merchant never has it spendable
    remaining = hold.amount - value
    new_hold_id = None
    if remaining > 0:
        new_hold = ledger.hold_open(
            debit=ledger.account_for(owner=owner, asset=asset),
            credit=collateral,
            amount=remaining,
            kind=TransferKind.COLLATERAL,
            ref=f"merchant-application:{merchant.application_id}",
            idempotency_key=f"{key}:refreeze",
        )
        new_hold_id = int(new_hold.pk)
    merchant.collateral_hold_id = new_hold_id
    merchant.save(update_fields=["collateral_hold_id"])
    return CollateralDeduction(
        amount=value, asset_symbol=asset.symbol, remaining=remaining, replayed=False
    )


def collateral_frozen(*, merchant_user_id: int) -> tuple[Decimal, str] | None:
    """What a merchant has frozen as collateral now (amount, asset symbol); None for someone
    who is not a merchant or has nothing frozen. A read for a decision's form; the deduction
    checks again under its lock."""
    merchant = Merchant.objects.filter(user_id=merchant_user_id).first()
    hold = collateral_hold(hold_id=merchant.collateral_hold_id) if merchant else None
    if hold is None or not hold.is_open:
        return None
    return hold.amount, hold.asset.symbol
