"""The staff roles: one Django group per job, each with the fewest permissions that job needs.

- Customer service: works the dispute queue (claim, note, ask a party for evidence) and reads
  what a case needs: orders, their events, chat and payment proofs, the users. Decides nothing:
  the decision is an Arbiter's.
- Arbiter: what customer service does, and decides the cases assigned to them; approves
  another staff member's decision above the approval threshold (the second pair of eyes).
- Risk analyst: restrictions, identity checks, orders held by the risk rule, people's risk
  levels and the withdrawal lock of each level, the blacklist, withdrawal review, the rules'
  alerts (closing them as confirmed or false positives), per-person snoozes and the case
  console (cases, their actions: ads offline, merchant suspended; restriction appeals), and
  confirms a merchant risk score's proposed action; reads the rules' settings and disputes.
- Rule editor: reads the rules, proposes a change of a rule's mode or parameters, and approves
  another rule editor's proposal; only the approval changes the rule (core/four_eyes.py).
- Finance: the withdrawal review queue (approve, reject, send a failed one again), the
  withdrawal thresholds, limits and the platform-wide pause, networks; reads deposits and the
  ledger's accounts; adjusts balances (above the asset's adjustment threshold the adjustment
  waits for another Finance member's approval) and approves others' adjustments. The
  adjustment thresholds themselves are Superadmin's.
- Operations: the catalogue (assets, fiat currencies, payment method types), the merchant
  program, its tiers and merchant review, the approval thresholds, the run-time configuration
  (core/config) and announcements; reads disputes and the analytics dashboard.
- Auditor: reads everything (the view permission of every model) and the operation log, and
  exports it; changes nothing. Like Superadmin, kept complete after each `migrate`.
- Superadmin: every permission there is; after each `migrate` it is given those of models
  added since (post_migrate, riskadmin/apps.py), so the role never silently falls behind the
  code. Who holds a role is itself four eyes: a grant (riskadmin/grants) applies when another
  Superadmin approves it; a removal applies at once.

The groups are made by data migrations (disputes 0003_staff_roles first, riskadmin
0001_staff_roles since), which run `apply_roles`. A change to ROLES comes with a new riskadmin
data migration that runs it again, strictly, after the migrations of every permission it
names. A renamed role keeps its members: its migration renames the group before applying the
roles (`rename_role`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

# what every dispute role reads of a case: the order, its events, chat and payment proofs
CASE_READS = ["view_order", "view_orderevent", "view_chatmessage", "view_paymentproof"]
DISPUTE_READS = ["view_dispute", "view_evidence", "view_disputeaction", "view_decision"]

ROLES: dict[str, dict[str, list[str]]] = {
    "Customer service": {
        "disputes": [*DISPUTE_READS, "handle_dispute"],
        "orders": CASE_READS,
        "accounts": ["view_user", "view_restrictionappeal"],
        # reads a person's risk cases (what they were told, what they appealed)
        "risk": ["view_case", "view_caseentry"],
    },
    "Arbiter": {
        "disputes": [*DISPUTE_READS, "handle_dispute", "decide_dispute", "approve_decision"],
        "orders": CASE_READS,
        "accounts": ["view_user"],
    },
    "Risk analyst": {
        "accounts": [
            "view_user",
            "view_restriction",
            "add_restriction",
            "change_restriction",
            "view_securityevent",
            "view_loginrecord",
            "review_kyc",
            "view_restrictionappeal",
        ],
        # held orders are approved or rejected from the order list
        "orders": ["view_order", "review_held_order", "view_orderevent"],
        # people's risk levels, the T+N withdrawal lock of each level, the blacklist
        "risk": [
            "view_userrisklevel",
            "add_userrisklevel",
            "change_userrisklevel",
            "view_withdrawallockpolicy",
            "add_withdrawallockpolicy",
            "change_withdrawallockpolicy",
            "view_blacklistentry",
            "add_blacklistentry",
            "change_blacklistentry",
            "view_alert",
            "change_alert",
            "view_rulesetting",
            "view_rulesettingchange",
            "view_rulesnooze",
            "add_rulesnooze",
            "change_rulesnooze",
            # the case console: alerts rolled up per person, worked to an action
            "view_case",
            "change_case",
            "view_caseentry",
        ],
        "disputes": DISPUTE_READS,
        "escrow": ["view_withdrawal", "review_withdrawal", "view_deposit"],
        # actions from a case or a merchant's risk score: ads offline, merchant suspended
        "ads": ["view_ad", "change_ad"],
        "merchants": ["view_merchant", "change_merchant"],
        "riskadmin": ["view_merchantriskscore", "confirm_merchantriskscore"],
    },
    "Rule editor": {
        # the rule's form proposes; the change applies when another rule editor approves
        "risk": [
            "view_rulesetting",
            "add_rulesetting",
            "change_rulesetting",
            "view_rulesettingchange",
            "view_rulesettingproposal",
            "approve_rulesettingproposal",
            "view_alert",
        ],
    },
    "Finance": {
        "escrow": [
            "view_withdrawal",
            "review_withdrawal",
            "retry_withdrawal",
            "view_withdrawalpolicy",
            "add_withdrawalpolicy",
            "change_withdrawalpolicy",
            "view_withdrawallimit",
            "add_withdrawallimit",
            "change_withdrawallimit",
            "view_walletcontrol",
            "add_walletcontrol",
            "change_walletcontrol",
            "view_network",
            "change_network",
            "view_deposit",
            "view_depositaddress",
            # ledger adjustments: above the asset's threshold another Finance member approves
            "view_ledgeraccount",
            "view_transfer",
            "adjust_balance",
            "view_adjustmentthreshold",
            "view_adjustmentproposal",
            "approve_adjustment",
        ],
        "accounts": ["view_user", "view_securityevent"],
        # the dashboard's fee income and volume
        "operations": ["view_orderday"],
    },
    "Operations": {
        "escrow": ["view_asset", "add_asset", "change_asset"],
        "core": [
            "view_fiatcurrency",
            "add_fiatcurrency",
            "change_fiatcurrency",
            # run-time configuration: every change with a reason, on the record
            "view_configchange",
            "change_configuration",
        ],
        # announcements to users and the analytics dashboard
        "operations": [
            "view_announcement",
            "add_announcement",
            "change_announcement",
            "view_orderday",
        ],
        "accounts": ["view_paymentmethodtype", "add_paymentmethodtype", "change_paymentmethodtype"],
        "merchants": [
            "view_merchantprogram",
            "add_merchantprogram",
            "change_merchantprogram",
            "view_merchanttier",
            "add_merchanttier",
            "change_merchanttier",
            "view_tierlimit",
            "add_tierlimit",
            "change_tierlimit",
            "delete_tierlimit",
            "view_merchantapplication",
            "review_merchant",
            "view_merchant",
            "change_merchant",
        ],
        "disputes": [
            "view_approvalthreshold",
            "add_approvalthreshold",
            "change_approvalthreshold",
            "view_dispute",
        ],
    },
}
SUPERADMIN = "Superadmin"
AUDITOR = "Auditor"
# Beside the view permission of every model: exporting the operation log.
AUDITOR_EXTRA = [("riskadmin", "export_operationevent")]


def _auditor_permissions(permission_model: Any) -> Any:
    extra = Q()
    for app_label, codename in AUDITOR_EXTRA:
        extra |= Q(content_type__app_label=app_label, codename=codename)
    return permission_model.objects.filter(Q(codename__startswith="view_") | extra)


def _create_all_permissions(apps: Any) -> None:
    """Permissions are normally created after all migrations ran (post_migrate); they are
    created here first so the groups can be given them on a fresh database."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def apply_roles(apps: Any, schema_editor: Any = None, *, strict: bool = False) -> None:
    """Make each role's group (the models of `apps`, a migration's state) hold exactly its
    permissions, and Superadmin every permission.

    The earlier roles migrations run today's ROLES on a database whose later models do not
    exist yet: they give what exists and leave the rest to the latest roles migration, which
    runs strictly: there an unknown codename stops it, since a typo must not leave a role
    silently weaker."""
    _create_all_permissions(apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        wanted = []
        for app_label, codenames in grants.items():
            found = list(
                permission_model.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
            missing = set(codenames) - {permission.codename for permission in found}
            if missing and strict:
                raise RuntimeError(f"{name}: no such permission in {app_label}: {sorted(missing)}")
            wanted += found
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(wanted)
    superadmin, _ = group_model.objects.get_or_create(name=SUPERADMIN)
    superadmin.permissions.set(permission_model.objects.all())
    auditor, _ = group_model.objects.get_or_create(name=AUDITOR)
    auditor.permissions.set(_auditor_permissions(permission_model))


def rename_role(apps: Any, old: str, new: str) -> None:
    """Give group `old` the name `new`, members and all (a role renamed in ROLES). When both
    exist (a fresh database, where an earlier migration made the new one from ROLES), the old
    one's members join the new one and the old one goes."""
    group_model = apps.get_model("auth", "Group")
    before = group_model.objects.filter(name=old).first()
    if before is None:
        return
    after = group_model.objects.filter(name=new).first()
    if after is None:
        before.name = new
        before.save(update_fields=["name"])
        return
    after.user_set.add(*before.user_set.all())
    before.delete()


def keep_superadmin_complete(**kwargs: Any) -> None:
    """Superadmin and Auditor reach the models added since their migration (post_migrate)."""
    group = Group.objects.filter(name=SUPERADMIN).first()
    if group is not None:
        group.permissions.add(*Permission.objects.exclude(group=group))
    auditor = Group.objects.filter(name=AUDITOR).first()
    if auditor is not None:
        auditor.permissions.add(*_auditor_permissions(Permission).exclude(group=auditor))
