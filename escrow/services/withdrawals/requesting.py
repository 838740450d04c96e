"""A user asks for a withdrawal, or takes one back.

The request is checked twice: once before the fund password is tried (so a paused network or a
cooling address is said at once, and costs no try), and again under the locks, where the ledger
hold is opened. The user's row lock serialises one person's withdrawals, so rolling limits and
the T+N lock hold however many requests race; the ledger's own checks are the backstop for the
balance."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services.fund_password import fund_password_verify
from core.ids import random_id
from core.locks import LockKind, lock_one
from core.money import format_amount
from risk.engine import alerts_outlive_refusal
from risk.restrictions import Action, require_not_paused

from ... import selectors
from ...models import (
    AccountKind,
    Asset,
    LedgerAccount,
    Network,
    TransferKind,
    WithdrawalAddress,
)
from ...models.transfers import Transfer
from ...models.withdrawals import Withdrawal, WithdrawalPolicy, WithdrawalStatus
from ..errors import InsufficientFunds
from ..holds import hold_open, hold_void
from ..recording import account_for, lock_for_moves, lock_set, platform_account
from . import effects, rules


@dataclass(frozen=True)
class Requested:
    withdrawal: Withdrawal
    cancel_token: str  # for the confirmation mail's link; empty on a replayed request


def _reference_value(network: Network, amount: Decimal) -> Decimal | None:
    return selectors.value_in(
        asset=network.asset, amount=amount, fiat_code=settings.WITHDRAWAL_REFERENCE_FIAT
    )


@dataclass(frozen=True)
class _Checked:
    entry: WithdrawalAddress
    policy: WithdrawalPolicy | None
    amount: Decimal

    @property
    def network(self) -> Network:
        return self.entry.network


def _precheck(*, actor: User, entry_id: int, amount: object) -> _Checked:
    require_not_paused(user=actor, action=Action.WITHDRAW)
    entry = rules.usable_entry(user=actor, entry_id=entry_id)
    policy = rules.policy_for(entry.network)
    rules.require_open(entry.network, policy)
    return _Checked(entry, policy, rules.checked_amount(amount, entry.network))


def wallet_accounts(user: User, asset: Asset) -> tuple[LedgerAccount, LedgerAccount]:
    """The user's available account and the chain side, locked before anything moves."""
    source = account_for(owner=user, asset=asset)
    external = platform_account(asset=asset, kind=AccountKind.EXTERNAL)
    lock_for_moves(lock_set(accounts=[source, external]))
    return source, external


def open_hold(
    withdrawal: Withdrawal, *, source: LedgerAccount, external: LedgerAccount
) -> Transfer:
    """Hold the amount and the fee for this attempt: one hold per attempt, ever."""
    return hold_open(
        debit=source,
        credit=external,
        amount=withdrawal.total,
        kind=TransferKind.WITHDRAWAL,
        ref=withdrawal.ref,
        idempotency_key=f"{withdrawal.ref}:hold:{withdrawal.attempt}",
    )


def withdrawal_request(
    *,
    actor: User,
    entry_id: int,
    amount: object,
    fund_password: str,
    totp_code: str | None = None,
    request_key: str,
    request: HttpRequest | None = None,
) -> Requested:
    """Withdraw `amount` (what arrives; the network's fee comes on top) to one of the actor's
    address book entries. The same `request_key` twice (a double submit) is one withdrawal."""
    request_key = (request_key or "").strip()[:64]
    replay = Withdrawal.objects.filter(user=actor, request_key=request_key).first()
    if not request_key or replay is not None:
        if replay is None:
            raise rules.WithdrawalRefused(_("The form has expired; open it again."))
        return Requested(replay, "")
    _precheck(actor=actor, entry_id=entry_id, amount=amount)
    # commits its own record of the try, so it runs before our transaction
    fund_password_verify(
        actor=actor, raw=fund_password, totp_code=totp_code, purpose="withdraw", request=request
    )
    token = secrets.token_urlsafe(32)
    try:
        with alerts_outlive_refusal(), transaction.atomic(durable=True):
            withdrawal = _request_locked(
                actor=actor, entry_id=entry_id, amount=amount, request_key=request_key
            )
            withdrawal.cancel_token_hash = token_hash(token)
            withdrawal.save(update_fields=["cancel_token_hash"])
            effects.requested(withdrawal, token)
    except IntegrityError:  # the same form sent twice at once: the first one stands
        return Requested(Withdrawal.objects.get(user=actor, request_key=request_key), "")
    return Requested(withdrawal, token)


def _request_locked(*, actor: User, entry_id: int, amount: object, request_key: str) -> Withdrawal:
    lock_one(LockKind.USER, User.objects.filter(pk=actor.pk))
    checked = _precheck(actor=actor, entry_id=entry_id, amount=amount)
    entry, policy, value, network = checked.entry, checked.policy, checked.amount, checked.network
    first = rules.first_to_address(user=actor, address=entry.address, memo=entry.memo)
    if first:
        rules.require_new_address_cap(policy, value, network.asset.symbol)
    worth = _reference_value(network, value + network.withdraw_fee)
    rules.require_within_limits(rules.limit_use(user=actor, network=network), worth)

    source, external = wallet_accounts(actor, network.asset)
    total = value + network.withdraw_fee
    can = selectors.withdrawable(user=actor, asset=network.asset).withdrawable
    if total > can:
        raise InsufficientFunds(
            _("You can withdraw up to %(most)s %(symbol)s now, with the fee of %(fee)s on top.")
            % {
                "most": format_amount(max(can - network.withdraw_fee, Decimal(0))),
                "symbol": network.asset.symbol,
                "fee": format_amount(network.withdraw_fee),
            },
            field="amount",
        )
    public_id = random_id(10, prefix="W")
    reasons = rules.review_reasons(
        user=actor,
        subject=f"withdrawal:{public_id}",
        amount=value,
        worth=worth,
        network=network,
        policy=policy,
        first=first,
    )
    withdrawal = Withdrawal.objects.create(
        public_id=public_id,
        user=actor,
        network=network,
        book_entry=entry,
        address=entry.address,
        memo=entry.memo,
        amount=value,
        fee=network.withdraw_fee,
        request_key=request_key,
        reference_fiat=settings.WITHDRAWAL_REFERENCE_FIAT,
        reference_value=worth,
        first_to_address=first,
        review_reasons=reasons,
        needs_two_approvals=rules.needs_two_approvals(policy, value),
    )
    withdrawal.hold = open_hold(withdrawal, source=source, external=external)
    if not reasons:
        withdrawal.approve()  # nothing to look at: it goes straight to the provider
        withdrawal.reviewed_at = timezone.now()
    withdrawal.save(update_fields=["hold", "status", "reviewed_at"])
    return withdrawal


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lock_withdrawal(public_id: str) -> Withdrawal | None:
    """The withdrawal's row, locked; its hold and accounts are locked after it as they move."""
    return lock_one(
        LockKind.WALLET,
        Withdrawal.objects.select_related("network__asset", "user").filter(public_id=public_id),
    )


def end_hold(withdrawal: Withdrawal, *, why: str) -> None:
    """Void the hold of a withdrawal that will not be sent (exactly once per attempt)."""
    assert withdrawal.hold_id is not None
    hold_void(hold_id=withdrawal.hold_id, idempotency_key=f"{withdrawal.send_key}:void")
    withdrawal.ended_at = timezone.now()
    withdrawal.failure = withdrawal.failure or why


def withdrawal_cancel(*, actor: User, public_id: str) -> Withdrawal:
    """The user takes back a withdrawal not yet sent; its hold is voided."""
    with transaction.atomic(durable=True):
        withdrawal = lock_withdrawal(public_id)
        if withdrawal is None or withdrawal.user_id != actor.pk:
            raise rules.WithdrawalRefused(_("There is no such withdrawal."))
        if not withdrawal.is_cancelable:
            raise rules.WithdrawalRefused(
                _("This withdrawal is %(status)s and can no longer be canceled.")
                % {"status": str(withdrawal.get_status_display()).lower()}
            )
        withdrawal.cancel()
        end_hold(withdrawal, why="")
        withdrawal.save(update_fields=["status", "ended_at", "failure"])
        effects.changed(withdrawal)
    return withdrawal


__all__ = ["Requested", "WithdrawalStatus", "withdrawal_cancel", "withdrawal_request"]
