"""Four eyes on balance adjustments: within the asset's threshold an adjustment posts at once;
above it (or for an asset without a threshold) it waits as a proposal that another staff member
holding `escrow.approve_adjustment` approves (posting it, once) or rejects (nothing moves)."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest
from django.urls import reverse

from core.four_eyes import ProposalRefused, ProposalStatus
from escrow import services
from escrow.models import AdjustmentProposal, AdjustmentThreshold
from tests.concurrency import race
from tests.factories import funded_account, make_asset, make_user

from .ledger_state import snapshot

pytestmark = pytest.mark.django_db

REASON = "Reversal of a duplicated deposit"
FINANCE = ["escrow.adjust_balance", "escrow.approve_adjustment", "escrow.view_ledgeraccount"]


def finance(**kwargs):
    return make_user(staff=True, perms=[*FINANCE, "escrow.view_adjustmentproposal"], **kwargs)


@pytest.fixture
def account():
    return funded_account(make_user(), make_asset(symbol="AUSDT"), "10")


def propose(actor, account, amount="-3", key="k1"):
    return services.adjustment_request(
        actor=actor, account=account, amount=amount, reason=REASON, request_key=key
    )


def test_an_adjustment_within_the_threshold_posts_at_once(account):
    AdjustmentThreshold.objects.create(asset=account.asset, amount=Decimal(5))
    propose(finance(), account, "-3")
    account.refresh_from_db()
    assert account.balance == 7
    assert not AdjustmentProposal.objects.exists()


def test_an_adjustment_above_the_threshold_waits_and_moves_nothing(account):
    AdjustmentThreshold.objects.create(asset=account.asset, amount=Decimal(2))
    before = snapshot()
    proposal = propose(finance(), account, "-3")
    assert isinstance(proposal, AdjustmentProposal)
    assert proposal.status == ProposalStatus.PENDING
    assert snapshot() == before


def test_without_a_threshold_every_adjustment_waits(account):
    proposal = propose(finance(), account, "0.000001")
    assert isinstance(proposal, AdjustmentProposal)


def test_the_same_form_sent_twice_proposes_once(account):
    proposer = finance()
    assert propose(proposer, account).pk == propose(proposer, account).pk
    assert AdjustmentProposal.objects.count() == 1


def test_a_debit_the_account_cannot_pay_is_not_proposed(account):
    with pytest.raises(services.InsufficientFunds):
        propose(finance(), account, "-11")
    assert not AdjustmentProposal.objects.exists()


def test_another_staff_member_approves_and_it_posts_with_both_names(account):
    proposer, approver = finance(), finance()
    proposal = propose(proposer, account)
    done = services.adjustment_approve(actor=approver, proposal_id=proposal.pk)
    assert done.status == ProposalStatus.APPLIED
    assert done.decided_by_id == approver.pk
    account.refresh_from_db()
    assert account.balance == 7
    assert done.transfer is not None
    entry = done.transfer.entry
    assert entry.actor_id == proposer.pk
    assert str(approver) in entry.reason


def test_the_proposer_cannot_approve_their_own_and_nothing_moves(account):
    proposer = finance()
    proposal = propose(proposer, account)
    before = snapshot()
    with pytest.raises(ProposalRefused, match="Another staff member"):
        services.adjustment_approve(actor=proposer, proposal_id=proposal.pk)
    assert snapshot() == before
    assert AdjustmentProposal.objects.get().status == ProposalStatus.PENDING


def test_staff_without_the_approving_permission_cannot_approve(account):
    proposal = propose(finance(), account)
    adjuster = make_user(staff=True, perms=["escrow.adjust_balance"])
    before = snapshot()
    with pytest.raises(ProposalRefused):
        services.adjustment_approve(actor=adjuster, proposal_id=proposal.pk)
    assert snapshot() == before
    assert AdjustmentProposal.objects.get().status == ProposalStatus.PENDING


def test_a_rejection_keeps_its_reason_and_moves_nothing(account):
    proposal = propose(finance(), account)
    before = snapshot()
    rejecter = finance()
    done = services.adjustment_reject(
        actor=rejecter, proposal_id=proposal.pk, reason="No duplicate in the deposit log"
    )
    assert (done.status, done.decided_by_id) == (ProposalStatus.REJECTED, rejecter.pk)
    assert done.decision_reason == "No duplicate in the deposit log"
    assert snapshot() == before
    with pytest.raises(ProposalRefused, match="already decided"):
        services.adjustment_approve(actor=finance(), proposal_id=proposal.pk)
    assert snapshot() == before


def test_a_second_approval_applies_nothing_more(account):
    proposal = propose(finance(), account)
    services.adjustment_approve(actor=finance(), proposal_id=proposal.pk)
    with pytest.raises(ProposalRefused, match="already decided"):
        services.adjustment_approve(actor=finance(), proposal_id=proposal.pk)
    account.refresh_from_db()
    assert account.balance == 7


def test_an_approval_the_account_can_no_longer_pay_is_refused_and_stays_pending(account):
    proposal = propose(finance(), account, "-8")
    services.adjust(
        actor=finance(), account=account, amount="-5", reason=REASON, idempotency_key="other"
    )
    before = snapshot()
    with pytest.raises(ProposalRefused, match="Insufficient"):
        services.adjustment_approve(actor=finance(), proposal_id=proposal.pk)
    assert snapshot() == before
    assert AdjustmentProposal.objects.get().status == ProposalStatus.PENDING


# --- the staff screens ----------------------------------------------------------------------


def test_the_adjust_form_proposes_above_the_threshold_and_another_approves(client, account):
    url = reverse("admin:escrow_ledgeraccount_adjust", args=[account.pk])
    client.force_login(finance())
    data = {"amount": "-3", "reason": REASON, "request_key": "form-1"}
    response = client.post(url, data, follow=True)
    assert "waits for another staff member" in response.content.decode()
    proposal = AdjustmentProposal.objects.get()
    approve = reverse("admin:escrow_adjustmentproposal_approve", args=[proposal.pk])
    refused = client.post(approve)  # the proposer: refused, the page says why
    assert "Another staff member must decide" in refused.content.decode()
    account.refresh_from_db()
    assert account.balance == 10

    client.force_login(finance())
    assert client.get(approve).status_code == 200
    response = client.post(approve, follow=True)
    assert "Approved and applied." in response.content.decode()
    account.refresh_from_db()
    assert account.balance == 7


def test_the_approval_page_is_403_without_the_permission(client, account):
    proposal = propose(finance(), account)
    client.force_login(make_user(staff=True, perms=["escrow.adjust_balance"]))
    before = snapshot()
    url = reverse("admin:escrow_adjustmentproposal_approve", args=[proposal.pk])
    assert client.post(url).status_code == 403
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_post_the_adjustment_once():
    account = funded_account(make_user(), make_asset(symbol="RUSDT"), "10")
    proposal = propose(finance(), account)
    approvers = [finance(), finance()]
    results = race(
        [
            partial(services.adjustment_approve, actor=who, proposal_id=proposal.pk)
            for who in approvers
        ]
    )
    assert sum(isinstance(r, AdjustmentProposal) for r in results) == 1
    assert sum(isinstance(r, ProposalRefused) for r in results) == 1
    account.refresh_from_db()
    assert account.balance == 7


def test_the_database_refuses_a_proposal_decided_by_its_proposer(account):
    from django.db import IntegrityError, transaction

    proposer = finance()
    proposal = propose(proposer, account)
    with pytest.raises(IntegrityError), transaction.atomic():
        AdjustmentProposal.objects.filter(pk=proposal.pk).update(decided_by=proposer)
    assert AdjustmentProposal.objects.get().decided_by_id is None
