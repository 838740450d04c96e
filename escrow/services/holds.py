"""Holds (two-phase transfers): opened to freeze funds, ended exactly once by a post (all or
part, with an optional fee) or a void."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.locks import LockKind, lock_one
from core.money import format_amount

from ..models import AccountKind, LedgerAccount, TransferKind, WithdrawalLock
from ..models.transfers import Entry, Transfer
from .errors import HoldNotOpen, InvalidAmount, LedgerError
from .recording import (
    _amount,
    _canonical,
    _lock_accounts,
    _once,
    _optional_amount,
    _require_funds,
    _same_asset,
    _two_sides,
)


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
    hold = lock_one(
        LockKind.HOLD,
        Transfer.objects.select_related("asset").filter(pk=hold_id, phase=Transfer.Phase.PENDING),
    )
    if hold is None:
        raise HoldNotOpen(_("There is no hold #%(id)s.") % {"id": hold_id})
    if hold.status != Transfer.Status.PENDING:
        raise HoldNotOpen(
            _("Hold #%(id)s has already been %(status)s.")
            % {"id": hold_id, "status": str(hold.get_status_display()).lower()}
        )
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
    withdrawal_lock: timedelta | None = None,
) -> Entry:
    """Release a hold: `amount` goes to the hold's credit account, an optional `fee` from the
    same frozen funds goes to `fee_account`, and whatever is left is voided back to the debit
    account, all in one step. With no `amount`, everything but the fee is posted.

    `withdrawal_lock`: the credited amount may be traded at once but not withdrawn for this
    long after the post (a T+N lot on the credit, which must be a person's available
    account). It is part of the request: a replay returns the first post and its one lock."""
    if withdrawal_lock is not None and withdrawal_lock <= timedelta(0):
        raise LedgerError("A withdrawal lock lasts a positive time; pass None for no lock.")

    def apply(entry: Entry) -> Entry:
        hold = _lock_open_hold(hold_id)
        asset = hold.asset
        fee_value = _optional_amount(fee, asset, what="fee")
        if fee_value and fee_account is None:
            raise LedgerError("A fee needs a fee account.")
        if fee_account is not None:
            _same_asset(asset, fee_account)
            if fee_account.kind != AccountKind.FEE_INCOME:
                raise LedgerError(_("Fees go to a platform fee income account."))
        post_value = _amount(hold.amount - fee_value if amount is None else amount, asset)
        if post_value + fee_value > hold.amount:
            raise InvalidAmount(
                _("Cannot post %(wanted)s from a hold of %(held)s.")
                % {
                    "wanted": format_amount(post_value + fee_value),
                    "held": format_amount(hold.amount),
                }
            )
        fee_ids = [fee_account.pk] if fee_value and fee_account is not None else []
        locked = _lock_accounts(hold.debit_account_id, hold.credit_account_id, *fee_ids)
        Transfer.objects.filter(pk=hold.pk).update(
            status=Transfer.Status.POSTED, resolved_at=timezone.now()
        )
        common = {"debit_account_id": hold.debit_account_id, "status": Transfer.Status.POSTED}
        credited = _resolution(
            entry,
            hold,
            credit_account_id=hold.credit_account_id,
            amount=post_value,
            kind=hold.kind,
            phase=Transfer.Phase.POST,
            **common,
        )
        if withdrawal_lock is not None:
            _lock_withdrawal(credited, locked[hold.credit_account_id], withdrawal_lock)
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
    if withdrawal_lock is not None:  # absent otherwise, so earlier posts keep their fingerprint
        payload["withdrawal_lock"] = str(withdrawal_lock)
    return _once(
        key=idempotency_key,
        action=Entry.Action.HOLD_POST,
        payload=payload,
        ref=f"hold:{hold_id}",
        apply=apply,
        replay=lambda entry: entry,
    )


def _lock_withdrawal(credited: Transfer, account: LedgerAccount, period: timedelta) -> None:
    """The lot of a post: its amount cannot leave the platform until `period` after the post,
    by the database clock that stamped the transfer."""
    if account.kind != AccountKind.AVAILABLE or account.owner_id is None:
        raise LedgerError("A withdrawal lock rests on a credit to a person's available balance.")
    WithdrawalLock.objects.create(
        owner_id=account.owner_id,
        asset_id=credited.asset_id,
        amount=credited.amount,
        unlocks_at=credited.created_at + period,
        ref=credited.ref,
        transfer=credited,
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
