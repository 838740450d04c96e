"""Staff arbitration: who may take and decide a dispute, what each decision does to the
ledger, two-person approval above the threshold, and penalties for the losing party."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from accounts.models import Notification, Restriction, TradeDay
from disputes import services
from disputes.models import (
    ActionKind,
    ApprovalThreshold,
    Decision,
    DecisionStatus,
    Dispute,
    DisputeAction,
    DisputeStatus,
    Outcome,
)
from escrow.models import AccountKind
from escrow.models.transfers import Transfer
from escrow.verification import verify
from merchants.models import Merchant
from merchants.services.penalties import merchant_collateral_deduct
from orders.models import Order, OrderEvent, OrderStatus
from tests.orders.factories import balance, spendable

from .factories import (
    approver,
    arbiter,
    assigned,
    disputed_order,
    freeze_collateral,
    no_approval_needed,
    staff,
)

pytestmark = pytest.mark.django_db

REASON = "The bank statement shows the payment arrived."


def snapshot(dispute: Dispute) -> tuple:
    dispute.refresh_from_db()
    order = Order.objects.get(pk=dispute.order_id)
    return (
        order.status,
        order.assigned_staff_id,
        dispute.status,
        dispute.outcome,
        dispute.assigned_to_id,
        OrderEvent.objects.filter(order=order).count(),
        list(Decision.objects.order_by("pk").values_list("pk", "status")),
        DisputeAction.objects.count(),
        list(Transfer.objects.order_by("pk").values_list("pk", "status")),
        Restriction.objects.count(),
    )


def decide(dispute: Dispute, who, outcome: str = Outcome.RELEASE, **kwargs):
    return services.dispute_decide(
        actor=who, dispute_public_id=dispute.public_id, outcome=outcome, reason=REASON, **kwargs
    )


@pytest.fixture
def dispute(market) -> Dispute:
    no_approval_needed(market)
    return disputed_order(market)


# --- taking a dispute ---------------------------------------------------------------------------


def test_staff_claim_an_open_dispute_and_join_the_order(dispute):
    arbiter_ = arbiter()
    services.dispute_claim(actor=arbiter_, dispute_public_id=dispute.public_id)
    dispute.refresh_from_db()
    assert dispute.assigned_to_id == arbiter_.pk
    assert Order.objects.get(pk=dispute.order_id).assigned_staff_id == arbiter_.pk
    assert dispute.actions.last().kind == ActionKind.CLAIMED


def test_a_claimed_dispute_cannot_be_claimed_by_someone_else(dispute):
    first, second = arbiter(), arbiter()
    assigned(dispute, first)
    before = snapshot(dispute)
    with pytest.raises(services.DisputeNotAllowed, match="already handles"):
        services.dispute_claim(actor=second, dispute_public_id=dispute.public_id)
    assert snapshot(dispute) == before


def test_staff_without_the_permission_cannot_claim(dispute):
    before = snapshot(dispute)
    with pytest.raises(services.DisputeNotAllowed, match="permission"):
        services.dispute_claim(actor=staff(), dispute_public_id=dispute.public_id)
    assert snapshot(dispute) == before


def test_a_party_who_is_staff_cannot_claim_decide_or_be_assigned(dispute):
    from django.contrib.auth.models import Permission

    seller = dispute.order.seller
    seller.is_staff = True
    seller.save(update_fields=["is_staff"])
    seller.user_permissions.add(*Permission.objects.filter(content_type__app_label="disputes"))
    seller = type(seller).objects.get(pk=seller.pk)
    before = snapshot(dispute)
    with pytest.raises(services.DisputeNotAllowed, match="their own order"):
        services.dispute_claim(actor=seller, dispute_public_id=dispute.public_id)
    with pytest.raises(services.DisputeNotAllowed, match="a party"):
        services.dispute_assign(
            actor=staff("assign_dispute"), dispute_public_id=dispute.public_id, assignee=seller
        )
    assert snapshot(dispute) == before
    # even once assigned by a database edit, they cannot decide their own order
    Dispute.objects.filter(pk=dispute.pk).update(assigned_to=seller)
    before = snapshot(dispute)
    with pytest.raises(services.DisputeNotAllowed, match="their own order"):
        decide(dispute, seller, Outcome.REFUND)
    assert snapshot(dispute) == before


def test_a_dispute_assigner_hands_the_dispute_over(dispute):
    first, second = arbiter(), arbiter()
    assigned(dispute, first)
    lead = staff("assign_dispute")
    services.dispute_assign(actor=lead, dispute_public_id=dispute.public_id, assignee=second)
    dispute.refresh_from_db()
    assert dispute.assigned_to_id == second.pk
    assert Order.objects.get(pk=dispute.order_id).assigned_staff_id == second.pk
    assert Notification.objects.filter(user=second, kind="dispute.assigned").exists()
    with pytest.raises(services.DisputeNotAllowed, match="may not handle"):
        services.dispute_assign(actor=lead, dispute_public_id=dispute.public_id, assignee=staff())


def test_notes_are_kept_and_evidence_requests_reach_the_party(dispute):
    arbiter_ = assigned_arbiter(dispute)
    note = services.dispute_note(
        actor=arbiter_, dispute_public_id=dispute.public_id, text="Called the bank."
    )
    assert (note.kind, note.detail) == (ActionKind.NOTE, "Called the bank.")
    services.dispute_request_evidence(
        actor=arbiter_,
        dispute_public_id=dispute.public_id,
        party="seller",
        hours=6,
        message="Upload your bank statement for today.",
    )
    dispute.refresh_from_db()
    assert dispute.evidence_requested_from_id == dispute.order.seller_id
    assert dispute.evidence_due is not None
    notice = Notification.objects.get(user=dispute.order.seller, kind="dispute.evidence_requested")
    assert "bank statement" in notice.body
    # answering clears the request
    services.evidence_add(
        actor=dispute.order.seller, dispute_public_id=dispute.public_id, text="No payment arrived."
    )
    dispute.refresh_from_db()
    assert (dispute.evidence_requested_from_id, dispute.evidence_due) == (None, None)


def test_only_the_assignee_asks_for_evidence(dispute):
    assigned_arbiter(dispute)
    before = snapshot(dispute)
    with pytest.raises(services.DisputeNotAllowed, match="assigned"):
        services.dispute_request_evidence(
            actor=arbiter(),
            dispute_public_id=dispute.public_id,
            party="buyer",
            hours=6,
            message="More please.",
        )
    assert snapshot(dispute) == before


def assigned_arbiter(dispute: Dispute):
    person = arbiter()
    assigned(dispute, person)
    return person


# --- deciding -------------------------------------------------------------------------------


def test_release_posts_the_escrow_to_the_buyer(market, dispute):
    order = dispute.order
    reserve_before = balance(market.user, market.asset, AccountKind.AD_RESERVE)
    decision = decide(dispute, assigned_arbiter(dispute), Outcome.RELEASE)
    dispute.refresh_from_db()
    order.refresh_from_db()
    assert decision.status == DecisionStatus.EXECUTED
    assert (dispute.status, dispute.outcome) == (DisputeStatus.RESOLVED, Outcome.RELEASE)
    assert dispute.closed_at is not None
    assert order.status == OrderStatus.RELEASED
    assert balance(order.buyer, market.asset) == Decimal(100)
    assert balance(market.user, market.asset, AccountKind.AD_RESERVE) == reserve_before - 100
    assert Transfer.objects.get(pk=order.hold_id).status == Transfer.Status.POSTED
    lost = TradeDay.objects.get(user=order.seller, asset_symbol=market.asset.symbol)
    assert lost.disputes_lost == 1
    assert verify().ok


def test_refund_voids_the_escrow_back_to_the_ad(market, dispute):
    order = dispute.order
    ad = order.ad
    remaining = type(ad).objects.get(pk=ad.pk).remaining_quantity
    reserve_before = spendable(market.user, market.asset, AccountKind.AD_RESERVE)
    decide(dispute, assigned_arbiter(dispute), Outcome.REFUND)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert balance(order.buyer, market.asset) == 0
    assert type(ad).objects.get(pk=ad.pk).remaining_quantity == remaining + 100
    assert spendable(market.user, market.asset, AccountKind.AD_RESERVE) == reserve_before + 100
    assert Transfer.objects.get(pk=order.hold_id).status == Transfer.Status.VOIDED
    lost = TradeDay.objects.get(user=order.buyer, asset_symbol=market.asset.symbol)
    assert lost.disputes_lost == 1
    assert verify().ok


def test_return_to_paid_leaves_the_escrow_frozen(market, dispute):
    order = dispute.order
    decide(dispute, assigned_arbiter(dispute), Outcome.RETURN_TO_PAID)
    order.refresh_from_db()
    dispute.refresh_from_db()
    assert (order.status, order.assigned_staff_id) == (OrderStatus.PAID, None)
    assert (dispute.status, dispute.outcome) == (DisputeStatus.RESOLVED, Outcome.RETURN_TO_PAID)
    assert Transfer.objects.get(pk=order.hold_id).status == Transfer.Status.PENDING
    assert balance(order.buyer, market.asset) == 0
    assert not TradeDay.objects.filter(disputes_lost__gt=0).exists()
    assert verify().ok


def test_return_to_paid_takes_no_penalty(dispute):
    person = assigned_arbiter(dispute)
    before = snapshot(dispute)
    with pytest.raises(services.DisputeInvalid, match="no losing party"):
        decide(dispute, person, Outcome.RETURN_TO_PAID, restrict_loser_hours=24)
    assert snapshot(dispute) == before


def test_a_decision_on_an_order_no_longer_disputed_is_refused(dispute):
    person = assigned_arbiter(dispute)
    services.dispute_withdraw(actor=dispute.opened_by, dispute_public_id=dispute.public_id)
    before = snapshot(dispute)
    with pytest.raises(services.DisputeStateError, match="withdrawn"):
        decide(dispute, person, Outcome.RELEASE)
    assert snapshot(dispute) == before
    assert verify().ok


def test_a_decided_dispute_cannot_be_decided_again(dispute):
    person = assigned_arbiter(dispute)
    decide(dispute, person, Outcome.REFUND)
    before = snapshot(dispute)
    with pytest.raises(services.DisputeStateError, match="decided"):
        decide(dispute, person, Outcome.RELEASE)
    assert snapshot(dispute) == before


def test_unassigned_staff_cannot_decide(market, dispute):
    assigned_arbiter(dispute)
    before = snapshot(dispute)
    with pytest.raises(services.DisputeNotAllowed, match="assigned"):
        decide(dispute, arbiter(), Outcome.RELEASE)
    assert snapshot(dispute) == before
    # nobody assigned at all
    other = disputed_order(market)
    before = snapshot(other)
    with pytest.raises(services.DisputeNotAllowed, match="assigned"):
        decide(other, arbiter(), Outcome.RELEASE)
    assert snapshot(other) == before


def test_a_decision_needs_a_reason(dispute):
    person = assigned_arbiter(dispute)
    before = snapshot(dispute)
    with pytest.raises(services.DisputeInvalid, match="reason"):
        services.dispute_decide(
            actor=person, dispute_public_id=dispute.public_id, outcome="release", reason=" "
        )
    assert snapshot(dispute) == before


# --- two-person approval --------------------------------------------------------------------


@pytest.fixture
def big_dispute(market) -> Dispute:
    ApprovalThreshold.objects.update_or_create(
        fiat=market.fiat, defaults={"amount": Decimal("500")}
    )
    return disputed_order(market, fiat="780")


def test_above_the_threshold_a_decision_waits_and_nothing_moves(market, big_dispute):
    proposer = assigned_arbiter(big_dispute)
    second = approver()
    transfers = list(Transfer.objects.values_list("pk", "status"))
    decision = decide(big_dispute, proposer, Outcome.RELEASE)
    big_dispute.refresh_from_db()
    assert decision.status == DecisionStatus.PENDING
    assert big_dispute.status == DisputeStatus.OPEN
    assert Order.objects.get(pk=big_dispute.order_id).status == OrderStatus.DISPUTED
    assert list(Transfer.objects.values_list("pk", "status")) == transfers
    assert big_dispute.actions.last().kind == ActionKind.PROPOSED
    assert Notification.objects.filter(user=second, kind="dispute.decision_pending").exists()
    assert not Notification.objects.filter(user=proposer, kind="dispute.decision_pending")

    # the proposer cannot approve their own decision, nor propose another meanwhile
    before = snapshot(big_dispute)
    with pytest.raises(services.DisputeNotAllowed):
        services.decision_approve(actor=proposer, decision_id=decision.pk)
    with pytest.raises(services.DisputeStateError, match="waiting for approval"):
        decide(big_dispute, proposer, Outcome.REFUND)
    assert snapshot(big_dispute) == before

    services.decision_approve(actor=second, decision_id=decision.pk)
    decision.refresh_from_db()
    big_dispute.refresh_from_db()
    assert (decision.status, decision.approved_by_id) == (DecisionStatus.EXECUTED, second.pk)
    assert big_dispute.outcome == Outcome.RELEASE
    assert Order.objects.get(pk=big_dispute.order_id).status == OrderStatus.RELEASED
    assert balance(big_dispute.order.buyer, market.asset) == Decimal(100)
    assert verify().ok


def test_a_fiat_without_a_threshold_always_needs_approval(market):
    dispute = disputed_order(market, fiat="100")
    assert not ApprovalThreshold.objects.filter(fiat=market.fiat).exists()
    decision = decide(dispute, assigned_arbiter(dispute), Outcome.REFUND)
    assert decision.status == DecisionStatus.PENDING


def test_a_rejected_decision_leaves_the_dispute_open(big_dispute):
    proposer = assigned_arbiter(big_dispute)
    decision = decide(big_dispute, proposer, Outcome.REFUND)
    before = snapshot(big_dispute)
    with pytest.raises(services.DisputeNotAllowed):  # no approve_decision permission
        services.decision_reject(actor=arbiter(), decision_id=decision.pk, reason="No.")
    with pytest.raises(services.DisputeNotAllowed):  # the proposer
        services.decision_reject(actor=proposer, decision_id=decision.pk, reason="No.")
    assert snapshot(big_dispute) == before
    services.decision_reject(
        actor=approver(), decision_id=decision.pk, reason="Ask the bank first."
    )
    decision.refresh_from_db()
    big_dispute.refresh_from_db()
    assert decision.status == DecisionStatus.REJECTED
    assert (big_dispute.status, big_dispute.assigned_to_id) == (DisputeStatus.OPEN, proposer.pk)
    assert Order.objects.get(pk=big_dispute.order_id).status == OrderStatus.DISPUTED
    assert Notification.objects.filter(user=proposer, kind="dispute.decision_rejected").exists()
    # a new decision may be proposed; the rejected one cannot be approved any more
    with pytest.raises(services.DisputeStateError):
        services.decision_approve(actor=approver(), decision_id=decision.pk)
    assert decide(big_dispute, proposer, Outcome.RELEASE).status == DecisionStatus.PENDING


# --- penalties ------------------------------------------------------------------------------


def test_the_loser_is_restricted_from_trading(dispute):
    decide(dispute, assigned_arbiter(dispute), Outcome.REFUND, restrict_loser_hours=48)
    restriction = Restriction.objects.get(user=dispute.order.buyer)
    assert restriction.kind == "trade"
    assert restriction.until is not None
    assert dispute.order.public_id in restriction.reason
    assert not Restriction.objects.filter(user=dispute.order.seller).exists()
    assert dispute.actions.filter(kind=ActionKind.PENALTY).count() == 1


def test_a_collateral_deduction_moves_money_once(market, dispute):
    hold_id = freeze_collateral(market, "100")
    fee_before = platform_income(market)
    available_before = balance(market.user, market.asset)
    decide(dispute, assigned_arbiter(dispute), Outcome.RELEASE, collateral_deduction="30")
    merchant = Merchant.objects.get(pk=market.merchant.pk)
    assert Transfer.objects.get(pk=hold_id).status == Transfer.Status.POSTED
    assert merchant.collateral_hold_id is not None
    new_hold = Transfer.objects.get(pk=merchant.collateral_hold_id)
    assert (new_hold.status, new_hold.amount) == (Transfer.Status.PENDING, Decimal(70))
    assert platform_income(market) == fee_before + 30
    assert balance(market.user, market.asset) == available_before - 30
    assert spendable(market.user, market.asset) == available_before - 100
    assert verify().ok

    # a replay of the same deduction changes nothing and says so
    with transaction.atomic():
        again = merchant_collateral_deduct(
            merchant_user=market.user,
            amount=Decimal(30),
            reason="replay",
            idempotency_key=f"dispute:{dispute.public_id}:collateral",
            actor=arbiter(),
        )
    assert again.replayed
    assert again.amount == 30
    assert platform_income(market) == fee_before + 30
    assert Merchant.objects.get(pk=merchant.pk).collateral_hold_id == new_hold.pk
    assert verify().ok


def test_a_deduction_above_the_collateral_is_refused(market, dispute):
    freeze_collateral(market, "50")
    person = assigned_arbiter(dispute)
    before = snapshot(dispute)
    with pytest.raises(services.DisputeInvalid, match="deduct at most"):
        decide(dispute, person, Outcome.RELEASE, collateral_deduction="51")
    assert snapshot(dispute) == before


def test_a_deduction_from_a_loser_without_collateral_is_refused(dispute):
    person = assigned_arbiter(dispute)
    before = snapshot(dispute)
    with pytest.raises(services.DisputeInvalid, match="no merchant collateral"):
        decide(dispute, person, Outcome.REFUND, collateral_deduction="5")
    assert snapshot(dispute) == before


def platform_income(market) -> Decimal:
    from escrow.models import LedgerAccount

    account = LedgerAccount.objects.filter(
        owner=None, asset=market.asset, kind=AccountKind.FEE_INCOME
    ).first()
    return account.balance if account else Decimal(0)
