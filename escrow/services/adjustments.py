"""Staff adjustments with four eyes: an adjustment above the asset's threshold (every one, for
an asset without a threshold) waits as a proposal until another staff member holding
`escrow.approve_adjustment` approves it; approving posts it in the same transaction, once."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.four_eyes import ProposalRefused, ProposalStatus, claim, mark_applied, require_reason

from ..models import AdjustmentProposal, AdjustmentThreshold, LedgerAccount
from ..models.transfers import Transfer
from .errors import LedgerError
from .recording import _require_funds
from .transfers import adjust, adjustment_checked

APPROVE = "escrow.approve_adjustment"


def adjustment_needs_approval(*, account: LedgerAccount, amount: object) -> bool:
    threshold = AdjustmentThreshold.objects.filter(asset_id=account.asset_id).first()
    return threshold is None or abs(amount) > threshold.amount  # type: ignore[arg-type]


def adjustment_request(
    *, actor: User, account: LedgerAccount, amount: object, reason: str, request_key: str
) -> Transfer | AdjustmentProposal:
    """Adjust `account` at once when the amount is within the asset's threshold, else propose
    it for approval. The same `request_key` twice: one adjustment, one proposal."""
    signed, reason = adjustment_checked(actor=actor, account=account, amount=amount, reason=reason)
    if not adjustment_needs_approval(account=account, amount=signed):
        return adjust(
            actor=actor,
            account=account,
            amount=signed,
            reason=reason,
            idempotency_key=f"adjust:{request_key}",
        )
    existing = AdjustmentProposal.objects.filter(request_key=request_key).first()
    if existing is not None:
        return existing
    if signed < 0:  # checked again when approved; a debit that cannot be made is not proposed
        current = LedgerAccount.objects.select_related("asset").get(pk=account.pk)
        _require_funds(current, abs(signed))
    try:
        with transaction.atomic(durable=True):
            return AdjustmentProposal.objects.create(
                account=account,
                amount=signed,
                reason=reason,
                proposed_by=actor,
                request_key=request_key,
            )
    except IntegrityError:  # the same form sent twice at once
        return AdjustmentProposal.objects.get(request_key=request_key)


def adjustment_approve(*, actor: User, proposal_id: int) -> AdjustmentProposal:
    """Approve another staff member's adjustment and post it, in one transaction."""
    with transaction.atomic(durable=True):
        proposal = claim(
            AdjustmentProposal, pk=proposal_id, actor=actor, permission=APPROVE, to="approved"
        )
        account = LedgerAccount.objects.select_related("asset").get(pk=proposal.account_id)
        proposer = User.objects.get(pk=proposal.proposed_by_id)
        try:
            posted = adjust(
                actor=proposer,
                account=account,
                amount=proposal.amount,
                reason=_("%(reason)s (approved by %(approver)s)")
                % {"reason": proposal.reason, "approver": actor},
                idempotency_key=f"adjustment-proposal:{proposal.pk}",
            )
        except LedgerError as error:
            raise ProposalRefused(error.message) from error
        AdjustmentProposal.objects.filter(pk=proposal.pk).update(transfer=posted)
        mark_applied(proposal)
        proposal.transfer = posted
        return proposal


def adjustment_reject(*, actor: User, proposal_id: int, reason: str) -> AdjustmentProposal:
    """Reject another staff member's adjustment: nothing moves, the reason is kept."""
    reason = require_reason(reason)
    with transaction.atomic(durable=True):
        return claim(
            AdjustmentProposal,
            pk=proposal_id,
            actor=actor,
            permission=APPROVE,
            to=ProposalStatus.REJECTED,
            reason=reason,
        )
