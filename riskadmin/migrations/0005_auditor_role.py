"""The Auditor role (riskadmin/roles.py): the view permission of every model, the operation log
and its export, and nothing that changes anything; the roles are applied again now that the
operation log's tables and permissions exist (idempotent)."""

from django.db import migrations

from riskadmin.roles import apply_roles


class Migration(migrations.Migration):
    dependencies = [("riskadmin", "0004_operation_log_guard")]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
