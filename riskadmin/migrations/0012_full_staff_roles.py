"""The full staff roles (riskadmin/roles.py): Arbiter decides disputes and approves others'
decisions, customer service no longer decides, "Risk officer" is renamed "Risk analyst" with
its members, Rule editor proposes and approves rule changes, Finance adjusts balances and
approves others' adjustments. Idempotent; going back leaves the groups as they are."""

from typing import Any

from django.db import migrations

from riskadmin.roles import apply_roles, rename_role


def forwards(apps: Any, schema_editor: Any) -> None:
    rename_role(apps, "Risk officer", "Risk analyst")
    apply_roles(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("riskadmin", "0011_role_grants"),
        ("disputes", "0007_decide_permission"),
        ("escrow", "0013_adjustment_approval"),
        ("risk", "0007_rule_change_proposals"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
