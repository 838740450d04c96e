"""Everything one case shows staff (the order, both parties' records, proofs, chat, escrow,
evidence, notes, history and decisions), what each outcome would do, and whether a decision
waits for a second staff member."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import kyc_legal_name, trade_figures
from core.money import format_amount, format_crypto
from escrow.selectors import EscrowLine, HoldView, escrow_lines, hold_view
from merchants.selectors import collateral_hold, merchant_for_user, merchant_is_current
from orders.models import ChatMessage, ChatMessageKind, Order, OrderEvent, PaymentProof
from orders.selectors import OrderFigures, order_figures

from ..models import (
    ActionKind,
    ApprovalThreshold,
    Decision,
    DecisionStatus,
    Dispute,
    DisputeAction,
    DisputeStatus,
    Evidence,
    Outcome,
)
from .queue import QueueDeadline, next_deadline

# --- one case ---------------------------------------------------------------------------------


def approval_needed(*, dispute: Dispute) -> bool:
    """Whether a decision on this dispute waits for a second staff member: the order's fiat
    total is above its fiat's threshold, or the fiat has no threshold set."""
    order = dispute.order
    threshold = ApprovalThreshold.objects.filter(fiat_id=order.fiat_id).first()
    return threshold is None or order.fiat_total > threshold.amount


def dispute_for_staff(*, pk: object) -> Dispute | None:
    try:
        key = int(str(pk))
    except ValueError:
        return None
    return (
        Dispute.objects.select_related(
            "order",
            "order__asset",
            "order__fiat",
            "order__ad",
            "order__ad__merchant",
            "order__buyer",
            "order__seller",
            "opened_by",
            "respondent",
            "assigned_to",
            "evidence_requested_from",
        )
        .filter(pk=key)
        .first()
    )


@dataclass(frozen=True)
class PartyFacts:
    """One party as the arbiter weighs them."""

    role: str  # buyer / seller
    user: User
    opened_it: bool
    legal_name: str | None
    account_age_days: int
    completed: int
    canceled: int
    completion_rate: Decimal | None  # percent, all time; None before any finished order
    earlier_disputes: int
    disputes_lost: int
    merchant_name: str = ""
    collateral: str = ""  # the merchant's collateral hold, as text

    @property
    def completion_rate_text(self) -> str:
        return "no orders yet" if self.completion_rate is None else f"{self.completion_rate}%"


def _lost_q(user: User) -> Q:
    return Q(outcome=Outcome.RELEASE, order__seller=user) | Q(
        outcome=Outcome.REFUND, order__buyer=user
    )


def party_facts(*, dispute: Dispute, user: User, role: str) -> PartyFacts:
    figures = trade_figures(user=user, days=None)  # all time: the whole record counts here
    earlier = Dispute.objects.filter(Q(opened_by=user) | Q(respondent=user)).exclude(pk=dispute.pk)
    merchant = merchant_for_user(user=user)
    collateral = ""
    if merchant is not None and merchant_is_current(merchant):
        hold = collateral_hold(hold_id=merchant.collateral_hold_id)
        collateral = f"{format_amount(hold.amount)} {hold.asset.symbol}" if hold else "none held"
    return PartyFacts(
        role=role,
        user=user,
        opened_it=dispute.opened_by_id == user.pk,
        legal_name=kyc_legal_name(user=user),
        account_age_days=max((timezone.now() - user.date_joined).days, 0),
        completed=figures.completed,
        canceled=figures.canceled,
        completion_rate=figures.completion_rate,
        earlier_disputes=earlier.count(),
        disputes_lost=earlier.filter(status=DisputeStatus.RESOLVED).filter(_lost_q(user)).count(),
        merchant_name=merchant.display_name if merchant is not None else "",
        collateral=collateral,
    )


@dataclass
class DisputeScreen:
    dispute: Dispute
    order: Order
    figures: OrderFigures
    deadline: QueueDeadline | None
    events: list[OrderEvent]
    parties: list[PartyFacts]
    proofs: list[PaymentProof]
    chat: list[ChatMessage]
    hold: HoldView | None
    escrow: list[EscrowLine]
    evidence: dict[str, list[Evidence]]  # "buyer" / "seller" -> oldest first
    notes: list[DisputeAction]
    history: list[DisputeAction]
    decisions: list[Decision]
    pending: Decision | None = None
    now: datetime = field(default_factory=timezone.now)


def dispute_screen(*, dispute: Dispute) -> DisputeScreen:
    order = dispute.order
    escrow = escrow_lines(ref=f"order:{order.public_id}", hold_id=order.hold_id)
    evidence: dict[str, list[Evidence]] = {"buyer": [], "seller": []}
    for item in Evidence.objects.filter(dispute=dispute).select_related("author"):
        evidence.setdefault(order.role_of(item.author_id) or "staff", []).append(item)
    history = list(DisputeAction.objects.filter(dispute=dispute).select_related("actor"))
    decisions = list(
        Decision.objects.filter(dispute=dispute).select_related("proposed_by", "approved_by")
    )
    return DisputeScreen(
        dispute=dispute,
        order=order,
        figures=order_figures(order=order),
        deadline=next_deadline(dispute),
        events=list(OrderEvent.objects.filter(order=order).select_related("actor")),
        parties=[
            party_facts(dispute=dispute, user=order.buyer, role="buyer"),
            party_facts(dispute=dispute, user=order.seller, role="seller"),
        ],
        proofs=list(PaymentProof.objects.filter(order=order)),
        chat=list(ChatMessage.objects.filter(order=order).select_related("sender")),
        hold=hold_view(hold_id=order.hold_id),
        escrow=escrow,
        evidence=evidence,
        notes=[action for action in history if action.kind == ActionKind.NOTE],
        history=history,
        decisions=decisions,
        pending=next((d for d in decisions if d.status == DecisionStatus.PENDING), None),
    )


def proof_for_staff(*, dispute: Dispute, proof_id: int) -> PaymentProof | None:
    """A payment proof of the dispute's own order; any other id is None."""
    return PaymentProof.objects.filter(order_id=dispute.order_id, pk=proof_id).first()


def chat_image_for_staff(*, dispute: Dispute, message_id: int) -> ChatMessage | None:
    """An image message of the dispute's own order's chat; any other id is None."""
    return ChatMessage.objects.filter(
        order_id=dispute.order_id, pk=message_id, kind=ChatMessageKind.IMAGE
    ).first()


def evidence_for_staff(*, dispute: Dispute, evidence_id: int) -> Evidence | None:
    """A file of this dispute's evidence; any other id (or a text-only item) is None."""
    return Evidence.objects.filter(dispute=dispute, pk=evidence_id).exclude(file="").first()


def pending_decision(*, decision_id: int) -> Decision | None:
    return (
        Decision.objects.select_related("dispute", "dispute__order", "proposed_by")
        .filter(pk=decision_id)
        .first()
    )


# --- what each outcome does, for the confirmation page ----------------------------------------


@dataclass(frozen=True)
class OutcomeEffect:
    outcome: str
    label: str
    effect: str
    loser: PartyFacts | None


def outcome_effects(*, dispute: Dispute, parties: list[PartyFacts]) -> list[OutcomeEffect]:
    order = dispute.order
    figures = order_figures(order=order)
    symbol = order.asset.symbol
    places = order.asset.precision
    by_role = {party.role: party for party in parties}
    escrow = f"{format_crypto(order.escrow_amount, places)} {symbol}"
    receives = f"{format_crypto(order.buyer_receives, places)} {symbol}"
    if order.fee:
        released = _(
            "The escrow of %(escrow)s is released: %(receives)s to the buyer and %(fee)s to the "
            "platform as the fee. The order ends released."
        ) % {
            "escrow": escrow,
            "receives": receives,
            "fee": f"{format_crypto(order.fee, places)} {symbol}",
        }
    else:
        released = _(
            "The escrow of %(escrow)s is released: %(receives)s to the buyer. The order ends "
            "released."
        ) % {"escrow": escrow, "receives": receives}
    return [
        OutcomeEffect(Outcome.RELEASE, str(Outcome.RELEASE.label), released, by_role["seller"]),
        OutcomeEffect(
            Outcome.REFUND,
            str(Outcome.REFUND.label),
            _(
                "The escrow of %(escrow)s goes back to the seller (to the ad when it is the "
                "merchant's sell ad). The order ends canceled; the buyer gets nothing for the "
                "%(total)s %(fiat)s."
            )
            % {"escrow": escrow, "total": figures.fiat_total, "fiat": order.fiat.code},
            by_role["buyer"],
        ),
        OutcomeEffect(
            Outcome.RETURN_TO_PAID,
            str(Outcome.RETURN_TO_PAID.label),
            _(
                "The order goes back to paid with %(escrow)s still frozen; the parties settle it "
                "themselves. Nobody loses: no penalty can be given."
            )
            % {"escrow": escrow},
            None,
        ),
    ]
