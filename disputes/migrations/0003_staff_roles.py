"""The staff roles: one Django group per job, each with the fewest permissions that job needs.

- Customer service: work the dispute queue (claim, note, ask for evidence, decide what they hold)
  and read what a case needs: orders, their events, chat and payment proofs, the users.
- Risk officer: restrictions, identity checks, orders held by the risk rule; reads disputes and
  approves decisions above the approval threshold (the second pair of eyes).
- Operations: the catalogue (assets, fiat currencies, payment method types), the merchant
  program, its tiers and merchant review, and the approval thresholds; reads disputes.
- Superadmin: every permission there is when this runs.

Permissions are normally created after all migrations ran (post_migrate); they are created here
first so the groups can be given them on a fresh database. An unknown codename stops the
migration: a typo must not leave a role silently weaker.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Customer service": {
        "disputes": [
            "view_dispute",
            "handle_dispute",
            "view_evidence",
            "view_disputeaction",
            "view_decision",
        ],
        "orders": ["view_order", "view_orderevent", "view_chatmessage", "view_paymentproof"],
        "accounts": ["view_user"],
    },
    "Risk officer": {
        "accounts": [
            "view_user",
            "view_restriction",
            "add_restriction",
            "change_restriction",
            "view_securityevent",
            "view_loginrecord",
            "review_kyc",
        ],
        # held orders are approved or rejected from the order list
        "orders": ["view_order", "review_held_order", "view_orderevent"],
        "disputes": [
            "view_dispute",
            "view_evidence",
            "view_disputeaction",
            "view_decision",
            "approve_decision",
        ],
    },
    "Operations": {
        "escrow": ["view_asset", "add_asset", "change_asset"],
        "otc": ["view_fiatcurrency", "add_fiatcurrency", "change_fiatcurrency"],
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


def create_all_permissions(apps):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def add_roles(apps, schema_editor):
    create_all_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        wanted = []
        for app_label, codenames in grants.items():
            found = list(
                Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
            missing = set(codenames) - {permission.codename for permission in found}
            if missing:
                raise RuntimeError(f"{name}: no such permission in {app_label}: {sorted(missing)}")
            wanted += found
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(wanted)
    superadmin, _ = Group.objects.get_or_create(name=SUPERADMIN)
    superadmin.permissions.set(Permission.objects.all())


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[*ROLES, SUPERADMIN]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("sessions", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("usersessions", "0001_initial"),
        ("accounts", "0003_notification_tradeday"),
        ("orders", "0006_chat_images_held_review"),
        ("merchants", "0001_initial"),
        ("ads", "0002_initial"),
        ("escrow", "0002_ledger_guards"),
        ("otc", "0001_initial"),
        ("disputes", "0002_dispute_permissions"),
    ]

    operations = [migrations.RunPython(add_roles, remove_roles)]
