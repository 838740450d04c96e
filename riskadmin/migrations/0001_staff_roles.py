"""The staff roles (riskadmin/roles.py), now this app's: the groups disputes 0003_staff_roles
made keep their names and are given the same permissions again (idempotent: on a database
migrated before, nothing changes). Runs after the latest migration of every app whose
permissions a role holds; going back leaves the groups as they are."""

from django.db import migrations

from riskadmin.roles import apply_roles


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("sessions", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("usersessions", "0001_initial"),
        ("core", "0001_initial"),
        ("accounts", "0004_fiat_in_core"),
        ("escrow", "0002_ledger_guards"),
        ("merchants", "0002_fiat_in_core"),
        ("ads", "0003_fiat_in_core"),
        ("orders", "0007_fiat_in_core"),
        ("disputes", "0005_fiat_in_core"),
        ("otc", "0002_fiat_moved_to_core"),
    ]

    operations = [migrations.RunPython(apply_roles, migrations.RunPython.noop)]
