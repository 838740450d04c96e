"""Fingerprints for the payment methods saved before methods had them."""

from django.db import migrations

from accounts.fingerprints import method_fingerprint


def fill(apps, schema_editor):
    UserPaymentMethod = apps.get_model("accounts", "UserPaymentMethod")
    methods = UserPaymentMethod.objects.filter(fingerprint="").select_related("method_type")
    changed = []
    for method in methods.iterator(chunk_size=500):
        kind = method.method_type
        method.fingerprint = method_fingerprint(
            type_code=kind.code, fields=kind.fields or [], details=method.details or {}
        )
        if method.fingerprint:
            changed.append(method)
    UserPaymentMethod.objects.bulk_update(changed, ["fingerprint"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_device_and_payment_fingerprint"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
