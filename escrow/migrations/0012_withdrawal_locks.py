"""Withdrawal locks (T+N lots), guarded by the database like the rest of the ledger: a lock
must rest on a posted transfer that credited its owner's available account, in its asset,
with at least its amount; once written it is never edited or deleted (it ends by its time
passing)."""

import core.fields
import django.db.models.deletion
import django.db.models.functions.datetime
from django.conf import settings
from django.db import migrations, models

FORWARD = r"""
CREATE FUNCTION escrow_withdrawallock_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (
            SELECT 1 FROM escrow_transfer t
            JOIN escrow_ledgeraccount a ON a.id = t.credit_account_id
            WHERE t.id = NEW.transfer_id
              AND t.phase IN ('single', 'post') AND t.status = 'posted'
              AND a.kind = 'available' AND a.owner_id = NEW.owner_id
              AND t.asset_id = NEW.asset_id AND NEW.amount <= t.amount
        ) THEN
            RAISE EXCEPTION 'withdrawal lock must rest on a posted credit of at least % to '
                            'the owner''s available account', NEW.amount
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'withdrawal lock % is immutable', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER escrow_withdrawallock_guard
    BEFORE INSERT OR UPDATE OR DELETE ON escrow_withdrawallock
    FOR EACH ROW EXECUTE FUNCTION escrow_withdrawallock_guard();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS escrow_withdrawallock_guard ON escrow_withdrawallock;
DROP FUNCTION IF EXISTS escrow_withdrawallock_guard();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('escrow', '0011_btcpay_custody_records'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='WithdrawalLock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', core.fields.AmountField(decimal_places=18, max_digits=38)),
                ('unlocks_at', models.DateTimeField(verbose_name='withdrawable from')),
                ('ref', models.CharField(blank=True, max_length=120)),
                ('created_at', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False)),
                ('asset', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='escrow.asset')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='withdrawal_locks', to=settings.AUTH_USER_MODEL)),
                ('transfer', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='withdrawal_lock', to='escrow.transfer')),
            ],
            options={
                'verbose_name': 'withdrawal lock',
                'verbose_name_plural': 'withdrawal locks',
                'ordering': ['unlocks_at', 'id'],
                'indexes': [models.Index(fields=['owner', 'asset', 'unlocks_at'], name='escrow_lock_owner_open')],
                'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='escrow_lock_positive')],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
