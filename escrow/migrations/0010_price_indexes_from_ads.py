"""Price indexes move from the `ads` app to `escrow`: the table is renamed (its rows, ids and
foreign keys stay), its constraints, indexes and id sequence take the names escrow would give a
new table, and the content type follows, so the permissions staff hold on it carry over. The
model leaves the ads state in ads 0004."""

import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models

import core.fields

# (old name, new name): the names Django gives each table's id, constraints and foreign keys
CONSTRAINTS = [
    ("ads_priceindex_pkey", "escrow_priceindex_pkey"),
    ("ads_index_once", "escrow_index_once"),
    ("ads_index_positive", "escrow_index_positive"),
    (
        "ads_priceindex_asset_id_c34810e6_fk_escrow_asset_id",
        "escrow_priceindex_asset_id_c0ceaff5_fk_escrow_asset_id",
    ),
    (
        "ads_priceindex_fiat_id_e38e4d11_fk_core_fiatcurrency_id",
        "escrow_priceindex_fiat_id_0af11b3f_fk_core_fiatcurrency_id",
    ),
]
INDEXES = [
    ("ads_priceindex_asset_id_c34810e6", "escrow_priceindex_asset_id_c0ceaff5"),
    ("ads_priceindex_fiat_id_e38e4d11", "escrow_priceindex_fiat_id_0af11b3f"),
]
SEQUENCE = ("ads_priceindex_id_seq", "escrow_priceindex_id_seq")


def _renames(old_table, new_table, pairs):
    """From the names on the left to those on the right."""
    return [
        f"ALTER TABLE {old_table} RENAME TO {new_table}",
        *[f"ALTER TABLE {new_table} RENAME CONSTRAINT {a} TO {b}" for a, b, kind in pairs if kind == "c"],
        *[f"ALTER INDEX {a} RENAME TO {b}" for a, b, kind in pairs if kind == "i"],
        *[f"ALTER SEQUENCE {a} RENAME TO {b}" for a, b, kind in pairs if kind == "s"],
    ]


NAMES = (
    [(a, b, "c") for a, b in CONSTRAINTS]
    + [(a, b, "i") for a, b in INDEXES]
    + [(SEQUENCE[0], SEQUENCE[1], "s")]
)
FORWARD = _renames("ads_priceindex", "escrow_priceindex", NAMES)
BACKWARD = _renames("escrow_priceindex", "ads_priceindex", [(b, a, kind) for a, b, kind in NAMES])


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="escrow", model="priceindex").exists():
        ContentType.objects.filter(app_label="ads", model="priceindex").update(app_label="escrow")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="ads", model="priceindex").exists():
        ContentType.objects.filter(app_label="escrow", model="priceindex").update(app_label="ads")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_fiatcurrency_labels"),
        ("escrow", "0009_webhook_deliveries"),
        # every migration written against the old table runs before it is renamed
        ("ads", "0003_fiat_in_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.CreateModel(
                    name="PriceIndex",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("price", core.fields.PriceField(decimal_places=8, max_digits=28)),
                        ("source", models.CharField(default="staff", max_length=40)),
                        ("updated_at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
                        ("asset", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="escrow.asset")),
                        ("fiat", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.fiatcurrency")),
                    ],
                    options={
                        "verbose_name": "price index",
                        "verbose_name_plural": "price indexes",
                        "ordering": ["asset__symbol", "fiat__code"],
                        "constraints": [
                            models.UniqueConstraint(fields=("asset", "fiat"), name="escrow_index_once"),
                            models.CheckConstraint(condition=models.Q(("price__gt", 0)), name="escrow_index_positive"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
