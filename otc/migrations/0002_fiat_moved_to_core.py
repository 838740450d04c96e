"""Fiat currencies now live in `core` (core/migrations/0001 renamed the table): once every
foreign key points there, the old model leaves this app's state. Nothing happens in the
database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_fiat_in_core"),
        ("ads", "0003_fiat_in_core"),
        ("disputes", "0005_fiat_in_core"),
        ("merchants", "0002_fiat_in_core"),
        ("orders", "0007_fiat_in_core"),
        ("otc", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="FiatCurrency")],
            database_operations=[],
        ),
    ]
