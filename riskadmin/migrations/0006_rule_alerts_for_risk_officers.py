"""Risk officers work the rules' alerts and snoozes and read the rules' settings: the roles of
riskadmin/roles.py are applied again now that the rule engine's tables exist (idempotent)."""

from django.db import migrations

from riskadmin.roles import apply_roles


class Migration(migrations.Migration):
    dependencies = [
        ("riskadmin", "0005_auditor_role"),
        ("risk", "0003_rule_engine"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
