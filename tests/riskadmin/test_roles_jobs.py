"""Each staff role (riskadmin/roles.py) reaches the screens of its job and gets 403 on a sample
of the others'; customer service works a case but cannot decide it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from disputes import services as disputes
from disputes.selectors import can_decide_disputes
from tests.factories import funded_account, make_asset, make_user

pytestmark = pytest.mark.django_db

ADJUST = "escrow_ledgeraccount_adjust"  # takes the ledger account's id

# role: (admin URL names it reaches, a sample it gets 403 on)
JOBS = {
    "Customer service": (
        ["disputes_dispute_changelist", "orders_order_changelist", "accounts_user_changelist"],
        ["risk_alert_changelist", "escrow_withdrawal_changelist", "risk_rulesetting_add", ADJUST],
    ),
    "Arbiter": (
        ["disputes_dispute_changelist", "orders_order_changelist"],
        ["accounts_restriction_changelist", "escrow_withdrawal_changelist", ADJUST],
    ),
    "Risk analyst": (
        ["risk_alert_changelist", "risk_rulesnooze_add", "escrow_withdrawal_changelist"],
        ["risk_rulesetting_add", "escrow_adjustmentproposal_changelist", "escrow_asset_add"],
    ),
    "Rule editor": (
        [
            "risk_rulesetting_changelist",
            "risk_rulesetting_add",
            "risk_rulesettingproposal_changelist",
        ],
        ["accounts_restriction_changelist", "escrow_withdrawal_changelist", "risk_rulesnooze_add"],
    ),
    "Finance": (
        ["escrow_withdrawal_changelist", ADJUST, "escrow_adjustmentproposal_changelist"],
        ["escrow_adjustmentthreshold_add", "risk_rulesetting_add", "riskadmin_rolegrant_add"],
    ),
    "Operations": (
        ["escrow_asset_add", "disputes_approvalthreshold_add"],
        [ADJUST, "risk_rulesettingproposal_changelist", "riskadmin_rolegrant_changelist"],
    ),
    "Auditor": (
        ["riskadmin_rolegrant_changelist", "risk_rulesettingproposal_changelist"],
        ["riskadmin_rolegrant_add", "risk_rulesetting_add", ADJUST, "escrow_asset_add"],
    ),
    "Superadmin": (
        ["riskadmin_rolegrant_add", "escrow_adjustmentthreshold_add", ADJUST],
        [],
    ),
}


def member(role: str) -> User:
    user = make_user(staff=True)
    user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def account():
    return funded_account(make_user(), make_asset(symbol="JUSDT"), "10")


def url(name: str, account) -> str:
    args = [account.pk] if name == ADJUST else []
    return reverse(f"admin:{name}", args=args)


@pytest.mark.parametrize("role", list(JOBS))
def test_each_role_reaches_its_job_and_gets_403_elsewhere(client, role, account):
    client.force_login(member(role))
    mine, not_mine = JOBS[role]
    for name in mine:
        assert client.get(url(name, account)).status_code == 200, name
    for name in not_mine:
        assert client.get(url(name, account)).status_code == 403, name


def test_every_role_is_a_group():
    assert set(JOBS) <= set(Group.objects.values_list("name", flat=True))
    assert not Group.objects.filter(name="Risk officer").exists()


def test_customer_service_claims_a_case_but_cannot_decide_it(client):
    from tests.disputes.factories import Trades, disputed_order

    agent = member("Customer service")
    dispute = disputed_order(Trades())
    disputes.dispute_claim(actor=agent, dispute_public_id=dispute.public_id)
    assert not can_decide_disputes(user=agent)
    client.force_login(agent)
    decide = reverse("admin:disputes_dispute_decide", args=[dispute.pk])
    response = client.post(decide, {"outcome": "refund", "reason": "The seller never got paid."})
    assert response.status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == "open"
    assert not dispute.decisions.exists()


def test_an_arbiter_may_decide_and_approve_others_decisions():
    arbiter = member("Arbiter")
    assert can_decide_disputes(user=arbiter)
    assert arbiter.has_perm("disputes.approve_decision")


def test_a_risk_analyst_no_longer_approves_dispute_decisions():
    analyst = member("Risk analyst")
    assert not analyst.has_perm("disputes.approve_decision")
    assert analyst.has_perms(
        ["accounts.review_kyc", "risk.change_alert", "escrow.review_withdrawal"]
    )


def test_a_rule_editor_proposes_and_approves_but_tunes_nothing_else():
    editor = member("Rule editor")
    assert editor.has_perms(["risk.change_rulesetting", "risk.approve_rulesettingproposal"])
    assert not editor.has_perm("risk.add_rulesnooze")


def test_finance_adjusts_and_approves_adjustments_but_not_their_threshold():
    finance = member("Finance")
    assert finance.has_perms(["escrow.adjust_balance", "escrow.approve_adjustment"])
    assert not finance.has_perm("escrow.change_adjustmentthreshold")
    assert not finance.has_perm("riskadmin.approve_rolegrant")
