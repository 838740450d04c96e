"""Staff decide on a withdrawal waiting for review: approve it (a second person as well above
the asset's threshold), reject it (its hold is voided), or send a failed one again. Nobody
reviews their own withdrawal; the database refuses it too."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ...models.withdrawals import Withdrawal, WithdrawalStatus
from ..errors import NotAllowed
from . import effects
from .requesting import end_hold, lock_withdrawal, open_hold, wallet_accounts
from .rules import WithdrawalRefused


def _locked_for(actor: User, public_id: str, permission: str) -> Withdrawal:
    if not (actor.is_active and actor.is_staff and actor.has_perm(f"escrow.{permission}")):
        raise NotAllowed(_("Only staff with the withdrawal review permission may do this."))
    withdrawal = lock_withdrawal(public_id)
    if withdrawal is None:
        raise WithdrawalRefused(_("There is no such withdrawal."))
    if withdrawal.user_id == actor.pk:
        raise NotAllowed(_("You cannot review your own withdrawal."))
    return withdrawal


def _require(withdrawal: Withdrawal, status: str) -> None:
    if withdrawal.status != status:
        raise WithdrawalRefused(
            _("This withdrawal is %(status)s now; nothing was changed.")
            % {"status": str(withdrawal.get_status_display()).lower()}
        )


def withdrawal_approve(*, actor: User, public_id: str, note: str = "") -> Withdrawal:
    """Approve; when two approvals are needed the first is recorded and it waits for another
    person. Once approved it is queued for sending."""
    with transaction.atomic(durable=True):
        withdrawal = _locked_for(actor, public_id, "review_withdrawal")
        _require(withdrawal, WithdrawalStatus.REVIEW)
        note = (note or "").strip()
        if withdrawal.needs_two_approvals and withdrawal.first_approver_id is None:
            withdrawal.first_approver = actor
            withdrawal.review_note = note
            withdrawal.save(update_fields=["first_approver", "review_note"])
            return withdrawal
        if withdrawal.first_approver_id == actor.pk:
            raise NotAllowed(_("A second staff member must approve this withdrawal."))
        withdrawal.approve()
        withdrawal.reviewer, withdrawal.reviewed_at = actor, timezone.now()
        if note:
            withdrawal.review_note = "\n".join(filter(None, [withdrawal.review_note, note]))
        withdrawal.save(update_fields=["status", "reviewer", "reviewed_at", "review_note"])
        effects.changed(withdrawal)
    return withdrawal


def withdrawal_reject(*, actor: User, public_id: str, reason: str) -> Withdrawal:
    """Refuse to send it; the user's funds are free again and they read the reason."""
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise WithdrawalRefused(
            _("Give the user a reason (at least 5 characters)."), field="reason"
        )
    with transaction.atomic(durable=True):
        withdrawal = _locked_for(actor, public_id, "review_withdrawal")
        _require(withdrawal, WithdrawalStatus.REVIEW)
        withdrawal.reject()
        withdrawal.reviewer, withdrawal.reviewed_at = actor, timezone.now()
        withdrawal.review_note = reason
        end_hold(withdrawal, why=reason)
        fields = ["status", "reviewer", "reviewed_at", "review_note", "ended_at", "failure"]
        withdrawal.save(update_fields=fields)
        effects.changed(withdrawal)
    return withdrawal


def withdrawal_retry(*, actor: User, public_id: str) -> Withdrawal:
    """Send a failed withdrawal again: a new attempt, with a new hold (the first was voided
    when it failed) and a new idempotency key at the provider."""
    with transaction.atomic(durable=True):
        withdrawal = _locked_for(actor, public_id, "retry_withdrawal")
        _require(withdrawal, WithdrawalStatus.FAILED)
        source, external = wallet_accounts(withdrawal.user, withdrawal.network.asset)
        withdrawal.attempt += 1
        withdrawal.hold = open_hold(withdrawal, source=source, external=external)
        withdrawal.retry()
        withdrawal.failure, withdrawal.ended_at = "", None
        withdrawal.provider_ref, withdrawal.txid, withdrawal.confirmations = "", "", 0
        withdrawal.save(
            update_fields=[
                "attempt",
                "hold",
                "status",
                "failure",
                "ended_at",
                "provider_ref",
                "txid",
                "confirmations",
            ]
        )
        effects.changed(withdrawal)
    return withdrawal
