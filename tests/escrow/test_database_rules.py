"""The ledger's rules hold in the database itself, whatever code runs against it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from escrow import services
from escrow.models import LedgerAccount
from escrow.models.transfers import Entry, Transfer
from tests.factories import funded_account, make_asset, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    asset = make_asset()
    seller = funded_account(make_user(), asset, "50")
    buyer = services.account_for(owner=make_user(), asset=asset)
    hold = services.hold_open(
        debit=seller, credit=buyer, amount="10", kind="trade", ref="r", idempotency_key="h"
    )
    return asset, seller, buyer, hold


def refused_sql(sql, params=()):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_a_posted_transfer_cannot_be_updated(ledger):
    posted = Transfer.objects.get(phase="single")
    refused_sql("UPDATE escrow_transfer SET amount = 1 WHERE id = %s", [posted.pk])
    refused_sql("UPDATE escrow_transfer SET status = 'voided' WHERE id = %s", [posted.pk])
    posted.refresh_from_db()
    assert posted.amount == 50
    assert posted.status == "posted"


def test_transfers_and_entries_cannot_be_deleted(ledger):
    refused_sql("DELETE FROM escrow_transfer")
    refused_sql("DELETE FROM escrow_entry")
    refused_sql("DELETE FROM escrow_ledgeraccount")
    assert Transfer.objects.count() == 2
    assert Entry.objects.count() == 2


def test_an_entry_cannot_be_edited(ledger):
    refused_sql("UPDATE escrow_entry SET reason = 'rewritten'")


def test_a_hold_ends_only_once_even_by_hand(ledger):
    _, seller, _, hold = ledger
    with connection.cursor() as cursor:
        cursor.execute("UPDATE escrow_transfer SET status = 'voided' WHERE id = %s", [hold.pk])
    refused_sql("UPDATE escrow_transfer SET status = 'posted' WHERE id = %s", [hold.pk])
    refused_sql("UPDATE escrow_transfer SET status = 'pending' WHERE id = %s", [hold.pk])
    seller.refresh_from_db()
    assert seller.pending_debits == 0  # released exactly once


def test_a_hold_end_may_not_change_anything_else(ledger):
    hold = ledger[3]
    refused_sql("UPDATE escrow_transfer SET status = 'posted', amount = 1 WHERE id = %s", [hold.pk])


def test_balances_change_only_through_transfers(ledger):
    _, seller, _, _ = ledger
    refused_sql(
        "UPDATE escrow_ledgeraccount SET posted_credits = posted_credits + 1000 WHERE id = %s",
        [seller.pk],
    )
    refused_sql(
        "INSERT INTO escrow_ledgeraccount (owner_id, asset_id, kind, posted_debits, "
        "posted_credits, pending_debits, pending_credits, created_at) "
        "VALUES (%s, %s, 'collateral', 0, 99, 0, 0, now())",
        [seller.owner_id, seller.asset_id],
    )


def test_a_user_account_cannot_go_below_zero_in_the_database(ledger):
    """Bypass the service's own check: the CHECK constraint still refuses the overdraft."""
    asset, seller, buyer, _ = ledger
    entry = Entry.objects.create(idempotency_key="raw", action="transfer", fingerprint="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(
            entry=entry,
            debit_account=seller,
            credit_account=buyer,
            asset=asset,
            amount=Decimal("40.000001"),  # 50 posted, 10 on hold
            kind="trade",
            phase="single",
            status="posted",
        )
    seller.refresh_from_db()
    assert seller.spendable == 40


def test_a_transfer_cannot_mix_assets(ledger):
    asset, seller, _, _ = ledger
    other = services.account_for(owner=make_user(), asset=make_asset())
    entry = Entry.objects.create(idempotency_key="raw", action="transfer", fingerprint="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(
            entry=entry,
            debit_account=seller,
            credit_account=other,
            asset=asset,
            amount=1,
            kind="trade",
            phase="single",
            status="posted",
        )


def test_idempotency_keys_are_unique_in_the_database(ledger):
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(idempotency_key="h", action="transfer", fingerprint="y")


def test_only_platform_accounts_belong_to_nobody(ledger):
    asset = ledger[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(owner=None, asset=asset, kind="available")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(owner=make_user(), asset=asset, kind="fee_income")
