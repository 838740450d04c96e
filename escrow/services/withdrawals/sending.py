"""An approved withdrawal goes to the custody provider and is followed until it ends.

The provider is never called inside a transaction holding the withdrawal's lock: the state
moves to processing and commits first, then the send goes out with the attempt's idempotency
key, then what the provider answered is recorded. A worker that dies in between leaves a
withdrawal processing with no provider reference; the sweep sends it again with the same key,
which the provider treats as the same send. When the provider reports it done the hold is
posted (the amount to the chain side, the fee to fee income); when it reports a failure the hold
is voided. Either happens once: the withdrawal's lock and the hold's key see to it."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ... import custody
from ...models import AccountKind
from ...models.withdrawals import Withdrawal, WithdrawalStatus
from ..holds import hold_post
from ..recording import platform_account
from . import effects
from .requesting import end_hold, lock_withdrawal
from .rules import WithdrawalRefused

ON_CHAIN = (WithdrawalStatus.PROCESSING, WithdrawalStatus.CONFIRMING)


def _locked(public_id: str) -> Withdrawal:
    withdrawal = lock_withdrawal(public_id)
    if withdrawal is None:  # withdrawals are never deleted: a wrong id is a caller's mistake
        raise WithdrawalRefused(_("There is no such withdrawal."))
    return withdrawal


def withdrawal_send(*, public_id: str) -> Withdrawal:
    """Hand an approved withdrawal to the provider (again, safely, when a send was cut off)."""
    with transaction.atomic(durable=True):
        withdrawal = _locked(public_id)
        if withdrawal.status == WithdrawalStatus.APPROVED:
            withdrawal.start_sending()
            withdrawal.sent_at, withdrawal.provider = timezone.now(), custody.provider().code
            withdrawal.save(update_fields=["status", "sent_at", "provider"])
        elif withdrawal.status != WithdrawalStatus.PROCESSING or withdrawal.provider_ref:
            return withdrawal  # sent already, or no longer to be sent
    status = custody.provider().send(
        network_code=withdrawal.network.code,
        asset_symbol=withdrawal.network.asset.symbol,
        address=withdrawal.address,
        memo=withdrawal.memo,
        amount=withdrawal.amount,
        idempotency_key=withdrawal.send_key,
    )
    return _record(public_id, status)


def withdrawal_observe(*, public_id: str) -> Withdrawal:
    """Ask the provider where a sent withdrawal stands and record it."""
    withdrawal = Withdrawal.objects.get(public_id=public_id)
    if withdrawal.status not in ON_CHAIN or not withdrawal.provider_ref:
        return withdrawal
    return _record(public_id, custody.provider().send_status(provider_ref=withdrawal.provider_ref))


def _record(public_id: str, status: custody.SendStatus) -> Withdrawal:
    with transaction.atomic(durable=True):
        withdrawal = _locked(public_id)
        if withdrawal.status not in ON_CHAIN:
            return withdrawal  # ended meanwhile (another worker recorded the same news)
        if withdrawal.provider_ref and withdrawal.provider_ref != status.provider_ref:
            return withdrawal  # news of an earlier attempt
        withdrawal.provider_ref = status.provider_ref
        withdrawal.txid = status.txid or withdrawal.txid
        withdrawal.confirmations = status.confirmations
        fields = ["provider_ref", "txid", "confirmations", "status"]
        if status.state == custody.SendState.CONFIRMING:
            withdrawal.seen_on_chain()
        elif status.state == custody.SendState.DONE:
            _post(withdrawal)
            withdrawal.complete()
            fields.append("ended_at")
        elif status.state == custody.SendState.FAILED:
            withdrawal.failure = (status.detail or "refused by the provider")[:300]
            end_hold(withdrawal, why=withdrawal.failure)
            withdrawal.fail()
            fields += ["ended_at", "failure"]
        withdrawal.save(update_fields=fields)
        if withdrawal.status != WithdrawalStatus.CONFIRMING:
            effects.changed(withdrawal)
    return withdrawal


def _post(withdrawal: Withdrawal) -> None:
    assert withdrawal.hold_id is not None
    fee_account = platform_account(asset=withdrawal.network.asset, kind=AccountKind.FEE_INCOME)
    hold_post(
        hold_id=withdrawal.hold_id,
        amount=withdrawal.amount,
        fee=withdrawal.fee,
        fee_account=fee_account if withdrawal.fee else None,
        idempotency_key=f"{withdrawal.send_key}:post",
    )
    withdrawal.ended_at = timezone.now()


# an approved withdrawal whose queued send has not started by then is sent by the sweep
SEND_GRACE = timedelta(seconds=30)


def withdrawals_sweep() -> int:
    """The beat's pass: send what was approved and not sent, follow what is on the chain.
    Returns how many withdrawals were looked at."""
    stale = timezone.now() - SEND_GRACE
    waiting = Withdrawal.objects.filter(
        status=WithdrawalStatus.APPROVED, reviewed_at__lt=stale
    ) | Withdrawal.objects.filter(status=WithdrawalStatus.PROCESSING, provider_ref="")
    following = Withdrawal.objects.filter(status__in=ON_CHAIN).exclude(provider_ref="")
    count = 0
    for public_id in list(waiting.values_list("public_id", flat=True)):
        withdrawal_send(public_id=public_id)
        count += 1
    for public_id in list(following.values_list("public_id", flat=True)):
        withdrawal_observe(public_id=public_id)
        count += 1
    return count
