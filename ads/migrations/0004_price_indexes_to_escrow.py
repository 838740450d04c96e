"""Price indexes now live in `escrow` (escrow 0008 renamed the table and took the model into
its state); the model leaves this app's state. Nothing happens in the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ads", "0003_fiat_in_core"),
        ("escrow", "0010_price_indexes_from_ads"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PriceIndex")],
            database_operations=[],
        ),
    ]
