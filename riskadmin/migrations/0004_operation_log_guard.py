"""The operation log is a permanent record, as the dispute log is: the database refuses UPDATE
and DELETE on every history table and on the staff actions, for every role, superusers and the
admin included. A plain trigger, not pgtrigger's Protect: that one can be switched off for a
session (`pgtrigger.ignore`), this one only by the table's owner dropping it in a migration.
A history table added later gets its guard in the migration that adds it (tests/riskadmin
checks that every one has it)."""

from django.db import migrations

TABLES = [
    "riskadmin_adhistory",
    "riskadmin_assethistory",
    "riskadmin_blacklistentryhistory",
    "riskadmin_decisionhistory",
    "riskadmin_disputehistory",
    "riskadmin_fiatcurrencyhistory",
    "riskadmin_kycsubmissionhistory",
    "riskadmin_merchantapplicationhistory",
    "riskadmin_merchanthistory",
    "riskadmin_merchanttierhistory",
    "riskadmin_networkhistory",
    "riskadmin_orderhistory",
    "riskadmin_priceindexhistory",
    "riskadmin_restrictionhistory",
    "riskadmin_userhistory",
    "riskadmin_userpaymentmethodhistory",
    "riskadmin_userrisklevelhistory",
    "riskadmin_walletcontrolhistory",
    "riskadmin_withdrawalhistory",
    "riskadmin_withdrawallimithistory",
    "riskadmin_withdrawallockpolicyhistory",
    "riskadmin_withdrawalpolicyhistory",
    "riskadmin_staffaction",
]

FUNCTION = r"""
CREATE FUNCTION riskadmin_oplog_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the operation log is a permanent record: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""


def _forward() -> str:
    triggers = "".join(
        f"CREATE TRIGGER riskadmin_oplog_guard BEFORE UPDATE OR DELETE ON {table}\n"
        f"    FOR EACH ROW EXECUTE FUNCTION riskadmin_oplog_guard();\n"
        for table in TABLES
    )
    return FUNCTION + triggers


def _backward() -> str:
    drops = "".join(
        f"DROP TRIGGER IF EXISTS riskadmin_oplog_guard ON {table};\n" for table in TABLES
    )
    return drops + "DROP FUNCTION IF EXISTS riskadmin_oplog_guard();\n"


class Migration(migrations.Migration):
    dependencies = [("riskadmin", "0003_operation_log")]

    operations = [migrations.RunSQL(_forward(), _backward())]
