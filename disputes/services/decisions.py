"""Deciding a dispute: carried out at once, or proposed and carried out when a second staff
member approves it; the order moves through orders.services and the losing party's penalties
(a trading pause, a collateral deduction) in the same transaction.

Two staff deciding one dispute at the same moment: the order lock serializes them, and the
second finds the dispute no longer open and is refused.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from accounts.models.security import RestrictionKind, RestrictionSource
from accounts.services.activity import notify, record_trade
from accounts.services.security import restrict
from core.errors import DomainError
from core.i18n import speaking_to
from core.locks import LockKind, lock_one
from core.money import format_amount, format_crypto, format_fiat, to_decimal
from escrow import services as ledger
from merchants.services.penalties import (
    collateral_frozen,
    collateral_lock_set,
    merchant_collateral_deduct,
)
from orders import services as orders
from orders.models import Order

from ..models import ActionKind, Decision, DecisionStatus, Dispute, DisputeStatus, Outcome
from ..selectors.access import refusal_to_approve, refusal_to_decide, refusal_to_reject
from ..selectors.case import approval_needed
from .common import (
    DisputeInvalid,
    DisputeNotFound,
    act,
    admin_url,
    lock,
    page_url,
    refuse,
    require_open,
    translated,
)

REASON_MIN = 10
RESTRICT_HOURS_MAX = 365 * 24


def _paused_reason(loser: User, order_ref: str, hours: int) -> str:
    """The restriction's reason is kept as text and shown to the loser: in their language."""
    with speaking_to(loser):
        return ngettext(
            "The appeal on order %(ref)s was decided against you; new orders are paused for "
            "%(hours)s hour.",
            "The appeal on order %(ref)s was decided against you; new orders are paused for "
            "%(hours)s hours.",
            hours,
        ) % {"ref": order_ref, "hours": hours}


def _loser_id(dispute: Dispute, outcome: str) -> int | None:
    if outcome == Outcome.RELEASE:
        return dispute.order.seller_id
    if outcome == Outcome.REFUND:
        return dispute.order.buyer_id
    return None


def _clean_penalties(
    outcome: str, restrict_loser_hours: object, collateral_deduction: object
) -> tuple[int | None, Decimal | None]:
    hours = None if restrict_loser_hours in (None, "", 0) else restrict_loser_hours
    deduction = None if collateral_deduction in (None, "") else collateral_deduction
    if outcome == Outcome.RETURN_TO_PAID and (hours is not None or deduction is not None):
        raise DisputeInvalid(
            "Returning the order to paid has no losing party: no penalty can be applied."
        )
    restrict_hours = None
    if hours is not None:
        try:
            restrict_hours = int(str(hours))
        except ValueError as error:
            raise DisputeInvalid(
                "Give the restriction in whole hours.", field="restrict_loser_hours"
            ) from error
        if not 1 <= restrict_hours <= RESTRICT_HOURS_MAX:
            raise DisputeInvalid(
                f"A restriction lasts 1 to {RESTRICT_HOURS_MAX} hours.",
                field="restrict_loser_hours",
            )
    amount = None
    if deduction is not None:
        try:
            amount = to_decimal(deduction)
        except (TypeError, ValueError) as error:
            raise DisputeInvalid(
                "Give the deduction as a number.", field="collateral_deduction"
            ) from error
        if amount <= 0:
            raise DisputeInvalid(_("A deduction must be above zero."), field="collateral_deduction")
    return restrict_hours, amount


def _penalized(dispute: Dispute, outcome: str, deduction: Decimal | None) -> User | None:
    """Whose merchant row a decision locks first: the loser, when it deducts collateral."""
    loser_id = _loser_id(dispute, outcome)
    if deduction is None or loser_id is None:
        return None
    return User.objects.get(pk=loser_id)


def _execute(decision: Decision, dispute: Dispute, order: Order, *, actor: User) -> None:
    """Carry a decision out (inside the caller's lock of the penalized merchant, the ad, the
    order and the dispute)."""
    require_open(dispute)
    loser_id = _loser_id(dispute, decision.outcome)
    loser = User.objects.get(pk=loser_id) if loser_id is not None else None
    if decision.outcome != Outcome.RETURN_TO_PAID:
        # every hold and account the order's escrow and the penalty move, before any moves
        needed = orders.escrow_lock_set(order)
        if decision.collateral_deduction is not None and loser is not None:
            needed = needed | collateral_lock_set(merchant_user=loser)
        ledger.lock_for_moves(needed)
    note = f"Dispute {dispute.public_id} decided: {decision.get_outcome_display().lower()}"
    if decision.outcome == Outcome.RELEASE:
        orders.order_resolve_release(actor=actor, public_id=order.public_id, note=note)
    elif decision.outcome == Outcome.REFUND:
        orders.order_resolve_refund(actor=actor, public_id=order.public_id, note=note)
    else:
        orders.order_dispute_withdraw(actor=actor, public_id=order.public_id, note=note)
        orders.order_assign_staff(staff=None, public_id=order.public_id)
    now = timezone.now()
    dispute.status, dispute.outcome, dispute.closed_at = (
        DisputeStatus.RESOLVED,
        decision.outcome,
        now,
    )
    dispute.save(update_fields=["status", "outcome", "closed_at"])
    decision.status, decision.decided_at = DecisionStatus.EXECUTED, now
    decision.save(update_fields=["status", "decided_at", "approved_by"])
    act(dispute, actor, ActionKind.DECIDED, f"{decision.get_outcome_display()}: {decision.reason}")
    if loser is not None:
        _penalize(decision, dispute, loser, actor=actor)


def _penalize(decision: Decision, dispute: Dispute, loser: User, *, actor: User) -> None:
    order = dispute.order
    record_trade(user=loser, asset_symbol=order.asset.symbol, disputes_lost=1)
    applied = []
    if decision.restrict_loser_hours:
        hours = decision.restrict_loser_hours
        restrict(
            user=loser,
            kind=RestrictionKind.TRADE,
            reason=_paused_reason(loser, order.public_id, hours),
            until=timezone.now() + timedelta(hours=hours),
            actor=actor,
            source=RestrictionSource.STAFF,
        )
        applied.append(format_lazy(gettext_lazy("Trading paused for {hours} h"), hours=hours))
    if decision.collateral_deduction is not None:
        taken = merchant_collateral_deduct(
            merchant_user=loser,
            amount=decision.collateral_deduction,
            reason=f"Dispute {dispute.public_id}: {decision.reason}",
            idempotency_key=f"dispute:{dispute.public_id}:collateral",
            actor=actor,
        )
        applied.append(
            format_lazy(
                gettext_lazy("{amount} {symbol} taken from the collateral"),
                amount=format_crypto(taken.amount),
                symbol=taken.asset_symbol,
            )
        )
    if applied:
        summary = format_lazy("; ".join(["{}"] * len(applied)), *applied)
        act(dispute, actor, ActionKind.PENALTY, f"{loser}: {summary}")
        notify(
            user=loser,
            kind="dispute.penalty",
            title=format_lazy(
                gettext_lazy("Penalty after the appeal on order {ref}"), ref=order.public_id
            ),
            body=format_lazy(
                gettext_lazy("{summary}. Reason: {reason}"), summary=summary, reason=decision.reason
            ),
            url=page_url(dispute),
        )


def _check_deduction_possible(dispute: Dispute, outcome: str, amount: Decimal | None) -> None:
    """Refuse a deduction that could never be carried out, before it waits for approval."""
    if amount is None:
        return
    loser_id = _loser_id(dispute, outcome)
    frozen = collateral_frozen(merchant_user_id=loser_id) if loser_id else None
    if frozen is None:
        raise DisputeInvalid(
            "The losing party has no merchant collateral to deduct from.",
            field="collateral_deduction",
        )
    held, symbol = frozen
    if amount > held:
        raise DisputeInvalid(
            f"The collateral is {format_amount(held)} {symbol}; deduct at most that.",
            field="collateral_deduction",
        )


def dispute_decide(
    *,
    actor: User,
    dispute_public_id: str,
    outcome: str,
    reason: str,
    restrict_loser_hours: int | None = None,
    collateral_deduction: object = None,
) -> Decision:
    """The assignee decides: carried out at once, or, when the order is above the approval
    threshold of its fiat (or the fiat has none), proposed and left pending for a second
    staff member; nothing moves until then."""
    refuse(refusal_to_decide(actor))
    if outcome not in Outcome.values:
        raise DisputeInvalid(_("Choose the outcome."), field="outcome")
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise DisputeInvalid(
            f"Give the reason for the decision (at least {REASON_MIN} characters).",
            field="reason",
        )
    hours, deduction = _clean_penalties(outcome, restrict_loser_hours, collateral_deduction)
    try:
        seen = Dispute.objects.select_related("order").filter(public_id=dispute_public_id or "")
        first = seen.first()
        penalized = _penalized(first, outcome, deduction) if first is not None else None
        with transaction.atomic(durable=True):
            dispute, order = lock(dispute_public_id, penalized=penalized)
            refuse(refusal_to_decide(actor, dispute))
            _check_deduction_possible(dispute, outcome, deduction)
            decision = Decision.objects.create(
                dispute=dispute,
                outcome=outcome,
                reason=reason,
                proposed_by=actor,
                restrict_loser_hours=hours,
                collateral_deduction=deduction,
            )
            if approval_needed(dispute=dispute):
                act(
                    dispute,
                    actor,
                    ActionKind.PROPOSED,
                    f"#{decision.pk} {decision.get_outcome_display()}: {reason}",
                )
                _ask_for_approval(decision, dispute, proposer=actor)
            else:
                _execute(decision, dispute, order, actor=actor)
    except DomainError as error:
        raise translated(error) from error
    return decision


def _ask_for_approval(decision: Decision, dispute: Dispute, *, proposer: User) -> None:
    order = dispute.order
    approvers = (
        User.objects.with_perm(
            "disputes.approve_decision", backend="django.contrib.auth.backends.ModelBackend"
        )
        .filter(is_active=True, is_staff=True)
        .exclude(pk__in=[proposer.pk, order.buyer_id, order.seller_id])
    )
    for approver in approvers:
        notify(
            user=approver,
            kind="dispute.decision_pending",
            title=format_lazy(
                gettext_lazy("A decision on dispute {ref} needs your approval"),
                ref=dispute.public_id,
            ),
            body=format_lazy(
                gettext_lazy("{proposer} proposes: {outcome} on order {order} ({total} {fiat})."),
                proposer=proposer,
                outcome=Outcome(decision.outcome).label,
                order=order.public_id,
                total=format_fiat(order.fiat_total, order.fiat.minor_units),
                fiat=order.fiat.code,
            ),
            url=admin_url(dispute),
            dedupe_key=f"dispute-decision:{decision.pk}",
        )


def _lock_decision(decision_id: int) -> tuple[Decision, Dispute, Order]:
    seen = Decision.objects.select_related("dispute__order").filter(pk=decision_id).first()
    if seen is None:
        raise DisputeNotFound(_("There is no such decision."))
    penalized = _penalized(seen.dispute, seen.outcome, seen.collateral_deduction)
    dispute, order = lock(seen.dispute.public_id, penalized=penalized)
    decision = lock_one(LockKind.DECISION, Decision.objects.filter(pk=decision_id))
    assert decision is not None
    return decision, dispute, order


def decision_approve(*, actor: User, decision_id: int) -> Decision:
    """A second staff member (not the proposer, not a party) approves: it is carried out."""
    refuse(refusal_to_approve(actor))
    try:
        with transaction.atomic(durable=True):
            decision, dispute, order = _lock_decision(decision_id)
            refuse(refusal_to_approve(actor, decision, dispute=dispute))
            decision.approved_by = actor
            act(dispute, actor, ActionKind.APPROVED, f"#{decision.pk} approved")
            _execute(decision, dispute, order, actor=actor)
    except DomainError as error:
        raise translated(error) from error
    return decision


def decision_reject(*, actor: User, decision_id: int, reason: str) -> Decision:
    """A second staff member rejects a pending decision; the dispute stays open with its
    assignee, who may decide again."""
    refuse(refusal_to_reject(actor))
    reason = (reason or "").strip()
    if not reason:
        raise DisputeInvalid(_("Give the reason for rejecting the decision."), field="reason")
    try:
        with transaction.atomic(durable=True):
            decision, dispute, _order = _lock_decision(decision_id)
            refuse(refusal_to_reject(actor, decision, dispute=dispute))
            decision.status, decision.decided_at = DecisionStatus.REJECTED, timezone.now()
            decision.save(update_fields=["status", "decided_at"])
            act(dispute, actor, ActionKind.REJECTED, f"#{decision.pk} rejected: {reason}")
            notify(
                user=decision.proposed_by_id,
                kind="dispute.decision_rejected",
                title=format_lazy(
                    gettext_lazy("Your decision on dispute {ref} was rejected"),
                    ref=dispute.public_id,
                ),
                body=reason,
                url=admin_url(dispute),
            )
    except DomainError as error:
        raise translated(error) from error
    return decision
