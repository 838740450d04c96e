"""The demo's staff roles: one demo staff member for each role that had none (arbiter, rule
editor, operations, auditor, a Superadmin beside the superuser), the adjustment thresholds, and
two proposals waiting for a second pair of eyes: a rule change the rule editor proposed and a
balance adjustment finance proposed. Sign in as admin@demo.local (or superadmin@demo.local) to
approve or reject them."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group

from accounts.models import User
from escrow import services as ledger
from escrow.models import AdjustmentProposal, AdjustmentThreshold, Asset
from risk.engine.services import rule_setting_propose
from risk.models import Mode, RuleSettingProposal

if TYPE_CHECKING:
    from .demo import DemoPerson

# email, nickname, legal name, what the login list says, the role's group
ROLE_STAFF = [
    (
        "arbiter@demo.local",
        "arb_ari",
        "Ari Arbiter",
        "staff (arbiter: decides disputes)",
        "Arbiter",
    ),
    (
        "rules@demo.local",
        "rule_rae",
        "Rae Rules",
        "staff (rule editor: a rule change waits for approval)",
        "Rule editor",
    ),
    ("ops@demo.local", "ops_oscar", "Oscar Ops", "staff (operations)", "Operations"),
    ("auditor@demo.local", "audit_ada", "Ada Auditor", "staff (auditor: reads)", "Auditor"),
    (
        "superadmin@demo.local",
        "super_sol",
        "Sol Superadmin",
        "staff (Superadmin: approves)",
        "Superadmin",
    ),
]
# an adjustment up to this applies at once; above it, another staff member approves
ADJUSTMENT_THRESHOLDS = {"USDT": "100", "BTC": "0.002", "ETH": "0.05"}
RULE_PROPOSAL = "order_above_own_median"


def _thresholds() -> None:
    for symbol, amount in ADJUSTMENT_THRESHOLDS.items():
        asset = Asset.objects.filter(symbol=symbol).first()
        if asset is not None:
            AdjustmentThreshold.objects.get_or_create(
                asset=asset, defaults={"amount": Decimal(amount)}
            )


def _rule_change(editor: User) -> None:
    if RuleSettingProposal.objects.filter(code=RULE_PROPOSAL, proposed_by=editor).exists():
        return
    rule_setting_propose(
        actor=editor,
        code=RULE_PROPOSAL,
        mode=Mode.ACTIVE,
        params={},
        reason="A month in shadow mode with few false positives: let it act.",
    )


def _adjustment(finance: User, owner: User) -> None:
    if AdjustmentProposal.objects.filter(request_key="demo-adjustment-bob").exists():
        return
    usdt = Asset.objects.filter(symbol="USDT").first()
    if usdt is None:
        return
    ledger.adjustment_request(
        actor=finance,
        account=ledger.account_for(owner=owner, asset=usdt),
        amount=Decimal("250"),
        reason="A 250 USDT deposit reached the treasury without its address; the chain shows "
        "it came from bob's own wallet.",
        request_key="demo-adjustment-bob",
    )


def seed_roles(*, people: dict[str, User]) -> list[DemoPerson]:
    """The role staff, the thresholds and the two pending proposals (idempotent)."""
    from .demo import DemoPerson, _person  # demo.py calls this module: imported when run

    specs = []
    for email, nickname, legal_name, role, group_name in ROLE_STAFF:
        spec = DemoPerson(email, nickname, legal_name, role, {}, True)
        user = _person(spec)
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            user.groups.add(group)
        specs.append(spec)
    _thresholds()
    rules = User.objects.get(email="rules@demo.local")
    _rule_change(rules)
    finance = User.objects.filter(email="finance@demo.local").first()
    bob = people.get("bob@demo.local")
    if finance is not None and bob is not None:
        _adjustment(finance, bob)
    return specs
