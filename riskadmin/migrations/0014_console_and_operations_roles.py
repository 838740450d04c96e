"""The roles reach what came with the case console, the merchant risk scores, the run-time
configuration, announcements and the dashboard (riskadmin/roles.py). The latest roles
migration: it applies ROLES strictly, so a permission ROLES names that does not exist stops it.
Idempotent; going back leaves the groups as they are."""

from typing import Any

from django.db import migrations

from riskadmin.roles import apply_roles


def forwards(apps: Any, schema_editor: Any) -> None:
    apply_roles(apps, schema_editor, strict=True)


class Migration(migrations.Migration):
    dependencies = [
        ("riskadmin", "0013_proposal_not_decided_by_proposer"),
        ("accounts", "0011_payment_method_risk_class"),
        ("risk", "0008_proposal_not_decided_by_proposer"),
        ("core", "0003_configuration_changes"),
        ("operations", "0002_analytics_rollups"),
        ("ads", "0004_price_indexes_to_escrow"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
