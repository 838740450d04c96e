"""Staff acting on one dispute at the same instant, on real threads and transactions: exactly
one outcome takes effect and the ledger stays sound."""

from __future__ import annotations

from decimal import Decimal

import pytest

from disputes import services
from disputes.models import ApprovalThreshold, Decision, DecisionStatus, DisputeStatus, Outcome
from escrow.models.transfers import Transfer
from escrow.verification import verify
from orders.models import Order, OrderStatus
from tests.concurrency import race

from .factories import approver, arbiter, assigned, disputed_order, no_approval_needed

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Decided on the statements of both parties."


def test_two_staff_deciding_opposite_outcomes_get_one_result(market):
    no_approval_needed(market)
    dispute = disputed_order(market)
    first, second = arbiter(), arbiter()
    assigned(dispute, first)

    def decide(who, outcome):
        return lambda: services.dispute_decide(
            actor=who, dispute_public_id=dispute.public_id, outcome=outcome, reason=REASON
        )

    # the assignee twice (two browser tabs) and a colleague, all at once
    results = race(
        [
            decide(first, Outcome.RELEASE),
            decide(first, Outcome.REFUND),
            decide(second, Outcome.REFUND),
        ]
    )
    done = [r for r in results if isinstance(r, Decision)]
    refused = [r for r in results if not isinstance(r, Decision)]
    assert len(done) == 1, results
    assert all(isinstance(r, services.DisputeError) for r in refused), refused
    dispute.refresh_from_db()
    order = Order.objects.get(pk=dispute.order_id)
    assert dispute.status == DisputeStatus.RESOLVED
    assert dispute.outcome == done[0].outcome
    expected = OrderStatus.RELEASED if done[0].outcome == Outcome.RELEASE else OrderStatus.CANCELED
    assert order.status == expected
    assert Decision.objects.filter(dispute=dispute).count() == 1
    hold = Transfer.objects.get(pk=order.hold_id)
    assert hold.status != Transfer.Status.PENDING
    assert Transfer.objects.filter(pending=hold).values("entry_id").distinct().count() == 1
    assert verify().ok


def test_approve_racing_reject_and_a_withdrawal_gives_one_outcome(market):
    ApprovalThreshold.objects.update_or_create(fiat=market.fiat, defaults={"amount": Decimal(1)})
    dispute = disputed_order(market)
    proposer = arbiter()
    assigned(dispute, proposer)
    decision = services.dispute_decide(
        actor=proposer, dispute_public_id=dispute.public_id, outcome=Outcome.REFUND, reason=REASON
    )
    one, two = approver(), approver()
    results = race(
        [
            lambda: services.decision_approve(actor=one, decision_id=decision.pk),
            lambda: services.decision_approve(actor=two, decision_id=decision.pk),
            lambda: services.decision_reject(actor=two, decision_id=decision.pk, reason="No."),
            lambda: services.dispute_withdraw(
                actor=dispute.opened_by, dispute_public_id=dispute.public_id
            ),
        ]
    )
    succeeded = [r for r in results if not isinstance(r, Exception)]
    assert len(succeeded) in (1, 2), results  # a reject leaves the appeal open to withdraw
    assert all(isinstance(r, services.DisputeError) for r in results if isinstance(r, Exception))
    decision.refresh_from_db()
    dispute.refresh_from_db()
    order = Order.objects.get(pk=dispute.order_id)
    if decision.status == DecisionStatus.EXECUTED:
        assert (dispute.outcome, order.status) == (Outcome.REFUND, OrderStatus.CANCELED)
        assert len(succeeded) == 1
    else:
        assert order.status in (OrderStatus.PAID, OrderStatus.DISPUTED)
        assert dispute.status in (DisputeStatus.WITHDRAWN, DisputeStatus.OPEN)
        assert Transfer.objects.get(pk=order.hold_id).status == Transfer.Status.PENDING
    assert verify().ok
