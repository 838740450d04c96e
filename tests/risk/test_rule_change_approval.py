"""Four eyes on the rules: the rule's page (and the mode action) propose a change; it applies,
through `rule_setting_change`, only when another staff member holding
`risk.approve_rulesettingproposal` approves it, and the change record names both."""

from __future__ import annotations

from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.four_eyes import ProposalRefused, ProposalStatus
from risk.engine.services import (
    rule_setting_approve,
    rule_setting_change,
    rule_setting_propose,
    rule_setting_reject,
)
from risk.models import Mode, RuleSetting, RuleSettingChange, RuleSettingProposal
from tests.concurrency import race
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CODE = "new_account_large_order"
EDITOR = [
    "risk.view_rulesetting",
    "risk.add_rulesetting",
    "risk.change_rulesetting",
    "risk.view_rulesettingproposal",
    "risk.approve_rulesettingproposal",
]


def editor():
    return make_user(staff=True, perms=EDITOR)


def propose(actor, mode=Mode.SHADOW, params=None):
    return rule_setting_propose(
        actor=actor, code=CODE, mode=mode, params=params or {"days": 5}, reason="trial run"
    )


def test_a_proposal_changes_nothing_until_approved():
    proposal = propose(editor())
    assert proposal.status == ProposalStatus.PENDING
    assert not RuleSetting.objects.exists()
    assert not RuleSettingChange.objects.exists()


def test_a_bad_value_is_refused_before_anyone_reviews_it():
    with pytest.raises(ValidationError):
        propose(editor(), params={"days": 9999})
    assert not RuleSettingProposal.objects.exists()


def test_staff_without_the_rule_permission_cannot_propose():
    with pytest.raises(ValidationError):
        propose(make_user(staff=True))
    assert not RuleSettingProposal.objects.exists()


def test_another_editor_approves_and_the_record_names_both():
    proposer, approver = editor(), editor()
    proposal = propose(proposer)
    done = rule_setting_approve(actor=approver, proposal_id=proposal.pk)
    assert done.status == ProposalStatus.APPLIED
    setting = RuleSetting.objects.get(code=CODE)
    assert (setting.mode, setting.params, setting.version) == (Mode.SHADOW, {"days": 5}, 1)
    change = RuleSettingChange.objects.get(code=CODE)
    assert (change.changed_by_id, change.approved_by_id) == (proposer.pk, approver.pk)
    assert change.reason == "trial run"


def test_the_proposer_cannot_approve_their_own():
    proposer = editor()
    proposal = propose(proposer)
    with pytest.raises(ProposalRefused, match="Another staff member"):
        rule_setting_approve(actor=proposer, proposal_id=proposal.pk)
    assert not RuleSetting.objects.exists()
    assert RuleSettingProposal.objects.get().status == ProposalStatus.PENDING


def test_staff_without_the_approving_permission_cannot_approve():
    proposal = propose(editor())
    reader = make_user(staff=True, perms=["risk.view_rulesetting", "risk.change_rulesetting"])
    with pytest.raises(ProposalRefused):
        rule_setting_approve(actor=reader, proposal_id=proposal.pk)
    assert not RuleSetting.objects.exists()


def test_a_rejection_leaves_the_rule_as_it_is():
    admin = make_user(superuser=True)
    rule_setting_change(actor=admin, code=CODE, mode=Mode.ACTIVE, params={}, reason="start")
    proposal = propose(editor(), mode=Mode.OFF)
    done = rule_setting_reject(actor=editor(), proposal_id=proposal.pk, reason="keep it on")
    assert (done.status, done.decision_reason) == (ProposalStatus.REJECTED, "keep it on")
    setting = RuleSetting.objects.get(code=CODE)
    assert (setting.mode, setting.version) == (Mode.ACTIVE, 1)
    assert RuleSettingChange.objects.count() == 1


def test_a_second_approval_applies_nothing_more():
    proposal = propose(editor())
    rule_setting_approve(actor=editor(), proposal_id=proposal.pk)
    with pytest.raises(ProposalRefused, match="already decided"):
        rule_setting_approve(actor=editor(), proposal_id=proposal.pk)
    assert RuleSetting.objects.get(code=CODE).version == 1


def test_a_proposal_made_before_another_change_is_refused():
    stale, fresh = propose(editor(), mode=Mode.OFF), propose(editor())
    rule_setting_approve(actor=editor(), proposal_id=fresh.pk)
    with pytest.raises(ProposalRefused, match="changed since"):
        rule_setting_approve(actor=editor(), proposal_id=stale.pk)
    assert RuleSetting.objects.get(code=CODE).mode == Mode.SHADOW
    assert RuleSettingProposal.objects.get(pk=stale.pk).status == ProposalStatus.PENDING


def test_the_rule_page_proposes_and_another_approves_in_the_admin(client):
    client.force_login(editor())
    values = {"code": CODE, "mode": Mode.SHADOW, "params": '{"days": 5}', "reason": "trial run"}
    response = client.post(reverse("admin:risk_rulesetting_add"), values, follow=True)
    assert "waits for another staff member" in response.content.decode()
    assert not RuleSetting.objects.exists()
    proposal = RuleSettingProposal.objects.get()
    client.force_login(editor())
    url = reverse("admin:risk_rulesettingproposal_approve", args=[proposal.pk])
    assert "trial run" in client.get(url).content.decode()
    client.post(url)
    assert RuleSetting.objects.get(code=CODE).mode == Mode.SHADOW


def test_the_approval_page_is_403_without_the_permission(client):
    proposal = propose(editor())
    client.force_login(make_user(staff=True, perms=["risk.view_rulesettingproposal"]))
    url = reverse("admin:risk_rulesettingproposal_approve", args=[proposal.pk])
    assert client.post(url).status_code == 403
    assert not RuleSetting.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_apply_the_change_once():
    proposal = propose(editor())
    approvers = [editor(), editor()]
    results = race(
        [partial(rule_setting_approve, actor=who, proposal_id=proposal.pk) for who in approvers]
    )
    assert sum(isinstance(r, RuleSettingProposal) for r in results) == 1
    assert sum(isinstance(r, ProposalRefused) for r in results) == 1
    assert RuleSetting.objects.get(code=CODE).version == 1
    assert RuleSettingChange.objects.count() == 1
