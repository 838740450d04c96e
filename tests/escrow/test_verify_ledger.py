from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from escrow import services
from tests.factories import funded_account, make_asset, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger():
    asset = make_asset(symbol="VUSD")
    seller = funded_account(make_user(), asset, "20")
    buyer = services.account_for(owner=make_user(), asset=asset)
    hold = services.hold_open(
        debit=seller, credit=buyer, amount="5", kind="trade", ref="r", idempotency_key="h"
    )
    return seller, hold


def test_a_sound_ledger_verifies(ledger, capsys):
    call_command("verify_ledger")
    out = capsys.readouterr().out
    assert "Ledger verified: no discrepancies." in out
    assert "VUSD: 3 accounts, users hold 20, sum of balances 0" in out


def tamper(sql, params):
    """Change a row behind the triggers' back, as a broken migration or manual fix might."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks may be pending
        cursor.execute("ALTER TABLE escrow_ledgeraccount DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE escrow_transfer DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE escrow_ledgeraccount ENABLE TRIGGER USER")
        cursor.execute("ALTER TABLE escrow_transfer ENABLE TRIGGER USER")


def test_a_cached_balance_that_disagrees_is_named(ledger, capsys):
    seller, _ = ledger
    tamper("UPDATE escrow_ledgeraccount SET posted_credits = 21 WHERE id = %s", [seller.pk])
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_ledger")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"account #{seller.pk} (VUSD available" in err
    assert "cached posted credits 21" in err
    assert "transfers sum to 20" in err
    assert "VUSD: balances sum to 1" in err


def test_a_hold_ended_without_its_resolution_is_named(ledger, capsys):
    _, hold = ledger
    tamper("UPDATE escrow_transfer SET status = 'posted' WHERE id = %s", [hold.pk])
    with pytest.raises(SystemExit):
        call_command("verify_ledger")
    assert f"hold #{hold.pk} (posted" in capsys.readouterr().err
