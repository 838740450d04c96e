"""Posted transfers: moved at once (a transfer, a deposit from the chain side, a staff
adjustment)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.money import to_decimal

from ..models import AccountKind, Asset, LedgerAccount, TransferKind
from ..models.transfers import Entry, Transfer
from .errors import InvalidAmount, LedgerError, NotAllowed
from .recording import (
    _amount,
    _lock_accounts,
    _once,
    _require_funds,
    _two_sides,
    account_for,
    platform_account,
)


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
    # a refused deposit leaves no new empty account behind
    with transaction.atomic(savepoint=True):
        return transfer(
            debit=platform_account(asset=asset, kind=AccountKind.EXTERNAL),
            credit=account_for(owner=owner, asset=asset),
            amount=amount,
            kind=TransferKind.DEPOSIT,
            ref=ref,
            idempotency_key=idempotency_key,
        )


def adjustment_checked(
    *, actor: User, account: LedgerAccount, amount: object, reason: str
) -> tuple[Decimal, str]:
    """Refuse an adjustment that may not be made (permission, reason, amount, account);
    return the signed amount and the reason, cleaned."""
    if not (actor.is_active and actor.is_staff and actor.has_perm("escrow.adjust_balance")):
        raise NotAllowed(_("Only staff with the adjustment permission may adjust balances."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise LedgerError(_("Give the reason for the adjustment (at least 10 characters)."))
    try:
        signed = to_decimal(amount)
    except (TypeError, ValueError) as exc:
        raise InvalidAmount(_("The amount must be a decimal number.")) from exc
    _amount(abs(signed), account.asset)
    if account.kind == AccountKind.ADJUSTMENT:
        raise LedgerError(_("Choose the account to correct, not the adjustment account itself."))
    return signed, reason


def adjust(
    *, actor: User, account: LedgerAccount, amount: object, reason: str, idempotency_key: str
) -> Transfer:
    """A staff correction for abnormal asset handling: a signed amount, a reason, on record.

    A positive amount credits `account` from the platform adjustment account, a negative one
    debits it (never below what the account owes).
    """
    signed, reason = adjustment_checked(actor=actor, account=account, amount=amount, reason=reason)
    asset = account.asset
    value = _amount(abs(signed), asset)

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
        actor=actor,
        reason=reason,
    )
