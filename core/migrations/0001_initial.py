"""Fiat currencies move from the `otc` app to `core`: the table is renamed (its rows, ids and
foreign keys stay), the constraints take the new prefix, and the content type follows, so the
permissions staff roles hold on it carry over."""

import django.core.validators
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="core", model="fiatcurrency").exists():
        ContentType.objects.filter(app_label="otc", model="fiatcurrency").update(app_label="core")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("otc", "0001_initial"),
        # every migration written against the old table runs before it is renamed
        ("accounts", "0003_notification_tradeday"),
        ("ads", "0002_initial"),
        ("disputes", "0004_action_chat_message"),
        ("merchants", "0001_initial"),
        ("orders", "0006_chat_images_held_review"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    [
                        "ALTER TABLE otc_fiatcurrency RENAME TO core_fiatcurrency",
                        "ALTER TABLE core_fiatcurrency RENAME CONSTRAINT otc_fiat_minor_units "
                        "TO core_fiat_minor_units",
                        "ALTER TABLE core_fiatcurrency RENAME CONSTRAINT otc_fiat_code "
                        "TO core_fiat_code",
                    ],
                    [
                        "ALTER TABLE core_fiatcurrency RENAME CONSTRAINT core_fiat_code "
                        "TO otc_fiat_code",
                        "ALTER TABLE core_fiatcurrency RENAME CONSTRAINT core_fiat_minor_units "
                        "TO otc_fiat_minor_units",
                        "ALTER TABLE core_fiatcurrency RENAME TO otc_fiatcurrency",
                    ],
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="FiatCurrency",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=3, unique=True, validators=[django.core.validators.RegexValidator("^[A-Z]{3}$", "Use the three-letter ISO 4217 code.")])),
                        ("name", models.CharField(max_length=80)),
                        ("symbol", models.CharField(blank=True, max_length=8)),
                        ("minor_units", models.PositiveSmallIntegerField(default=2, help_text="Decimal places of the currency.", validators=[django.core.validators.MaxValueValidator(4)])),
                        ("enabled", models.BooleanField(default=True)),
                    ],
                    options={
                        "verbose_name_plural": "fiat currencies",
                        "ordering": ["code"],
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("minor_units__lte", 4)), name="core_fiat_minor_units"),
                            models.CheckConstraint(condition=models.Q(("code__regex", "^[A-Z]{3}$")), name="core_fiat_code"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
