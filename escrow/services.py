"""Every write to the ledger. Nothing else creates transfers or touches balances.

Each service:
- takes an idempotency key: a replay with the same request returns the first result, the same
  key with a different request is refused (`IdempotencyConflict`);
- runs in one transaction (a savepoint when the caller already has one, so an order can open
  and freeze its escrow in a single commit);
- locks rows in the global order - the hold, then ledger accounts by ascending id - and checks
  balances under those locks; the database's CHECK constraint is the backstop;
- refuses with a `LedgerError` whose message a person can read, having changed nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.errors import DomainError
from core.money import format_amount, has_at_most_places, to_decimal

from .models import (
    MAY_GO_NEGATIVE,
    AccountKind,
    Asset,
    Entry,
    LedgerAccount,
    Transfer,
    TransferKind,
)

IDEMPOTENCY_CONSTRAINT = "escrow_entry_idempotency_key_key"
MAX_AMOUNT = Decimal(10) ** 20

T = TypeVar("T")


class LedgerError(DomainError):
    code = "ledger"


class InvalidAmount(LedgerError):
    code = "invalid_amount"


class InsufficientFunds(LedgerError):
    code = "insufficient_funds"


class IdempotencyConflict(LedgerError):
    code = "idempotency_conflict"


class HoldNotOpen(LedgerError):
    code = "hold_not_open"


class NotAllowed(LedgerError):
    code = "not_allowed"


# --- accounts ---------------------------------------------------------------------------------


def account_for(*, owner: User, asset: Asset, kind: str = AccountKind.AVAILABLE) -> LedgerAccount:
    """The owner's account of `kind` for `asset`, created empty on first use."""
    account, _ = LedgerAccount.objects.get_or_create(owner=owner, asset=asset, kind=kind)
    return account


def platform_account(*, asset: Asset, kind: str) -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(owner=None, asset=asset, kind=kind)
    return account


# --- the shared machinery ---------------------------------------------------------------------


def _fingerprint(action: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps({"action": action, **payload}, sort_keys=True, default=_canonical)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _is_duplicate_key(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == IDEMPOTENCY_CONSTRAINT


def _once(
    *,
    key: str,
    action: str,
    payload: dict[str, Any],
    ref: str,
    apply: Callable[[Entry], T],
    replay: Callable[[Entry], T],
    actor: User | None = None,
    reason: str = "",
) -> T:
    """Run `apply` under a new entry for `key`, or return `replay` of the entry already there.

    Two calls racing with one key: the second blocks on the unique key until the first commits,
    then finds its entry and replays it.
    """
    key = (key or "").strip()
    if not key or len(key) > 200:
        raise LedgerError("An idempotency key of 1 to 200 characters is required.")
    fingerprint = _fingerprint(action, payload)
    for _ in range(2):
        existing = Entry.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.action != action or existing.fingerprint != fingerprint:
                raise IdempotencyConflict(
                    f"The key {key!r} was already used for a different request."
                )
            return replay(existing)
        try:
            with transaction.atomic():
                entry = Entry.objects.create(
                    idempotency_key=key,
                    action=action,
                    ref=ref,
                    fingerprint=fingerprint,
                    actor=actor,
                    reason=reason,
                )
                return apply(entry)
        except IntegrityError as error:
            if not _is_duplicate_key(error):
                raise
    raise LedgerError("The request could not be recorded; try again.")  # pragma: no cover


def _amount(value: object, asset: Asset, *, what: str = "amount") -> Decimal:
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError) as exc:
        raise InvalidAmount(f"The {what} must be a decimal number.") from exc
    if amount <= 0:
        raise InvalidAmount(f"The {what} must be greater than zero.")
    if amount >= MAX_AMOUNT:
        raise InvalidAmount(f"The {what} is too large.")
    if not has_at_most_places(amount, asset.precision):
        raise InvalidAmount(
            f"{asset.symbol} amounts have at most {asset.precision} decimal places."
        )
    return amount


def _optional_amount(value: object, asset: Asset, *, what: str) -> Decimal:
    """Zero, or a valid amount of `asset`."""
    try:
        if to_decimal(value) == 0:
            return Decimal(0)
    except (TypeError, ValueError) as exc:
        raise InvalidAmount(f"The {what} must be a decimal number.") from exc
    return _amount(value, asset, what=what)


def _canonical(value: object) -> str:
    """One spelling per number, so "10" and "10.00" are the same request."""
    try:
        return f"{to_decimal(value).normalize():f}"
    except (TypeError, ValueError):
        return repr(value)


def _lock_accounts(*account_ids: int) -> dict[int, LedgerAccount]:
    """Lock the accounts' rows in ascending id order and return them fresh from the database."""
    ids = sorted(set(account_ids))
    locked = (
        LedgerAccount.objects.select_for_update(of=("self",))
        .select_related("asset")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    return {account.pk: account for account in locked}


def _require_funds(account: LedgerAccount, amount: Decimal) -> None:
    if account.kind in MAY_GO_NEGATIVE:
        return
    if account.spendable < amount:
        raise InsufficientFunds(
            f"Insufficient {account.asset.symbol}: {format_amount(account.spendable)} available, "
            f"{format_amount(amount)} needed."
        )


def _same_asset(asset: Asset, *accounts: LedgerAccount) -> None:
    if any(account.asset_id != asset.pk for account in accounts):
        raise LedgerError("Both sides of a transfer must hold the same asset.")


def _two_sides(debit: LedgerAccount, credit: LedgerAccount) -> Asset:
    if debit.pk == credit.pk:
        raise LedgerError("A transfer needs two different accounts.")
    asset = debit.asset
    _same_asset(asset, credit)
    return asset


# --- posted transfers -------------------------------------------------------------------------


def transfer(
    *,
    debit: LedgerAccount,
    credit: LedgerAccount,
    amount: object,
    kind: str,
    ref: str = "",
    idempotency_key: str,
) -> Transfer:
    """Move `amount` from `debit` to `credit` at once."""
    asset = _two_sides(debit, credit)
    value = _amount(amount, asset)

    def apply(entry: Entry) -> Transfer:
        locked = _lock_accounts(debit.pk, credit.pk)
        _require_funds(locked[debit.pk], value)
        return Transfer.objects.create(
            entry=entry,
            debit_account_id=debit.pk,
            credit_account_id=credit.pk,
            asset=asset,
            amount=value,
            kind=kind,
            phase=Transfer.Phase.SINGLE,
            status=Transfer.Status.POSTED,
            ref=ref,
        )

    payload = {"debit": debit.pk, "credit": credit.pk, "amount": value, "kind": kind, "ref": ref}
    return _once(
        key=idempotency_key,
        action=Entry.Action.TRANSFER,
        payload=payload,
        ref=ref,
        apply=apply,
        replay=lambda entry: entry.transfers.get(),
    )


def deposit(
    *, owner: User, asset: Asset, amount: object, ref: str, idempotency_key: str
) -> Transfer:
    """Credit crypto that arrived from the chain side to the owner's available balance."""
    with transaction.atomic():  # a refused deposit leaves no new empty account behind
        return transfer(
            debit=platform_account(asset=asset, kind=AccountKind.EXTERNAL),
            credit=account_for(owner=owner, asset=asset),
            amount=amount,
            kind=TransferKind.DEPOSIT,
            ref=ref,
            idempotency_key=idempotency_key,
        )


def adjust(
    *, staff: User, account: LedgerAccount, amount: object, reason: str, idempotency_key: str
) -> Transfer:
    """A staff correction for abnormal asset handling: a signed amount, a reason, on record.

    A positive amount credits `account` from the platform adjustment account, a negative one
    debits it (never below what the account owes).
    """
    if not (staff.is_active and staff.is_staff and staff.has_perm("escrow.adjust_balance")):
        raise NotAllowed("Only staff with the adjustment permission may adjust balances.")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise LedgerError("Give the reason for the adjustment (at least 10 characters).")
    asset = account.asset
    try:
        signed = to_decimal(amount)
    except (TypeError, ValueError) as exc:
        raise InvalidAmount("The amount must be a decimal number.") from exc
    value = _amount(abs(signed), asset)
    if account.kind == AccountKind.ADJUSTMENT:
        raise LedgerError("Choose the account to correct, not the adjustment account itself.")

    def apply(entry: Entry) -> Transfer:
        counter = platform_account(asset=asset, kind=AccountKind.ADJUSTMENT)
        debit, credit = (counter, account) if signed > 0 else (account, counter)
        locked = _lock_accounts(debit.pk, credit.pk)
        _require_funds(locked[debit.pk], value)
        return Transfer.objects.create(
            entry=entry,
            debit_account_id=debit.pk,
            credit_account_id=credit.pk,
            asset=asset,
            amount=value,
            kind=TransferKind.ADJUSTMENT,
            phase=Transfer.Phase.SINGLE,
            status=Transfer.Status.POSTED,
            ref=f"adjustment:{account.pk}",
        )

    payload = {"account": account.pk, "amount": signed, "reason": reason}
    return _once(
        key=idempotency_key,
        action=Entry.Action.ADJUSTMENT,
        payload=payload,
        ref=f"adjustment:{account.pk}",
        apply=apply,
        replay=lambda entry: entry.transfers.get(),
        actor=staff,
        reason=reason,
    )


# --- holds (two-phase transfers) --------------------------------------------------------------


def hold_open(
    *,
    debit: LedgerAccount,
    credit: LedgerAccount,
    amount: object,
    kind: str,
    ref: str,
    idempotency_key: str,
) -> Transfer:
    """Freeze `amount` on `debit`, bound for `credit`. Ends once, by `hold_post` or `hold_void`."""
    asset = _two_sides(debit, credit)
    value = _amount(amount, asset)

    def apply(entry: Entry) -> Transfer:
        locked = _lock_accounts(debit.pk, credit.pk)
        _require_funds(locked[debit.pk], value)
        return Transfer.objects.create(
            entry=entry,
            debit_account_id=debit.pk,
            credit_account_id=credit.pk,
            asset=asset,
            amount=value,
            kind=kind,
            phase=Transfer.Phase.PENDING,
            status=Transfer.Status.PENDING,
            ref=ref,
        )

    payload = {"debit": debit.pk, "credit": credit.pk, "amount": value, "kind": kind, "ref": ref}
    return _once(
        key=idempotency_key,
        action=Entry.Action.HOLD_OPEN,
        payload=payload,
        ref=ref,
        apply=apply,
        replay=lambda entry: entry.transfers.get(),
    )


def _lock_open_hold(hold_id: int) -> Transfer:
    hold = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("asset")
        .filter(pk=hold_id, phase=Transfer.Phase.PENDING)
        .first()
    )
    if hold is None:
        raise HoldNotOpen(f"There is no hold #{hold_id}.")
    if hold.status != Transfer.Status.PENDING:
        raise HoldNotOpen(f"Hold #{hold_id} has already been {hold.get_status_display().lower()}.")
    return hold


def _resolution(entry: Entry, hold: Transfer, **fields: Any) -> Transfer:
    return Transfer.objects.create(
        entry=entry, pending=hold, asset=hold.asset, ref=hold.ref, **fields
    )


def hold_post(
    *,
    hold_id: int,
    idempotency_key: str,
    amount: object | None = None,
    fee: object = 0,
    fee_account: LedgerAccount | None = None,
) -> Entry:
    """Release a hold: `amount` goes to the hold's credit account, an optional `fee` from the
    same frozen funds goes to `fee_account`, and whatever is left is voided back to the debit
    account, all in one step. With no `amount`, everything but the fee is posted."""

    def apply(entry: Entry) -> Entry:
        hold = _lock_open_hold(hold_id)
        asset = hold.asset
        fee_value = _optional_amount(fee, asset, what="fee")
        if fee_value and fee_account is None:
            raise LedgerError("A fee needs a fee account.")
        if fee_account is not None:
            _same_asset(asset, fee_account)
            if fee_account.kind != AccountKind.FEE_INCOME:
                raise LedgerError("Fees go to a platform fee income account.")
        post_value = _amount(hold.amount - fee_value if amount is None else amount, asset)
        if post_value + fee_value > hold.amount:
            raise InvalidAmount(
                f"Cannot post {format_amount(post_value + fee_value)} from a hold of "
                f"{format_amount(hold.amount)}."
            )
        fee_ids = [fee_account.pk] if fee_value and fee_account is not None else []
        _lock_accounts(hold.debit_account_id, hold.credit_account_id, *fee_ids)
        Transfer.objects.filter(pk=hold.pk).update(
            status=Transfer.Status.POSTED, resolved_at=timezone.now()
        )
        common = {"debit_account_id": hold.debit_account_id, "status": Transfer.Status.POSTED}
        _resolution(
            entry,
            hold,
            credit_account_id=hold.credit_account_id,
            amount=post_value,
            kind=hold.kind,
            phase=Transfer.Phase.POST,
            **common,
        )
        if fee_value and fee_account is not None:
            _resolution(
                entry,
                hold,
                credit_account_id=fee_account.pk,
                amount=fee_value,
                kind=TransferKind.FEE,
                phase=Transfer.Phase.POST,
                **common,
            )
        remainder = hold.amount - post_value - fee_value
        if remainder > 0:
            _void_record(entry, hold, remainder)
        return entry

    payload = {
        "hold": hold_id,
        "amount": None if amount is None else _canonical(amount),
        "fee": _canonical(fee),
        "fee_account": fee_account.pk if fee_account else None,
    }
    return _once(
        key=idempotency_key,
        action=Entry.Action.HOLD_POST,
        payload=payload,
        ref=f"hold:{hold_id}",
        apply=apply,
        replay=lambda entry: entry,
    )


def _void_record(entry: Entry, hold: Transfer, amount: Decimal) -> Transfer:
    """The record of frozen funds returned to the debit account; it moves no balance itself
    (ending the hold already released the pending amount)."""
    return _resolution(
        entry,
        hold,
        debit_account_id=hold.debit_account_id,
        credit_account_id=hold.credit_account_id,
        amount=amount,
        kind=hold.kind,
        phase=Transfer.Phase.VOID,
        status=Transfer.Status.VOIDED,
    )


def hold_void(*, hold_id: int, idempotency_key: str) -> Entry:
    """Cancel a hold: the frozen amount becomes spendable again on the debit account."""

    def apply(entry: Entry) -> Entry:
        hold = _lock_open_hold(hold_id)
        _lock_accounts(hold.debit_account_id, hold.credit_account_id)
        Transfer.objects.filter(pk=hold.pk).update(
            status=Transfer.Status.VOIDED, resolved_at=timezone.now()
        )
        _void_record(entry, hold, hold.amount)
        return entry

    return _once(
        key=idempotency_key,
        action=Entry.Action.HOLD_VOID,
        payload={"hold": hold_id},
        ref=f"hold:{hold_id}",
        apply=apply,
        replay=lambda entry: entry,
    )
