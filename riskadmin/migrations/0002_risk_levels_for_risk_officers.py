"""Risk officers set people's risk levels and the withdrawal lock of each level and keep the
blacklist; Finance reviews withdrawals and sets their thresholds, limits and switch: the roles
of riskadmin/roles.py are applied again now that those tables exist (idempotent)."""

from django.db import migrations

from riskadmin.roles import apply_roles


class Migration(migrations.Migration):
    dependencies = [
        ("riskadmin", "0001_staff_roles"),
        ("risk", "0002_blacklist"),
        ("merchants", "0003_withdrawal_lock_exemption"),
        ("escrow", "0012_withdrawal_locks"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
