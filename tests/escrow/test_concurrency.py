"""Races with real threads, real connections and real transactions."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest

from escrow import services
from escrow.models.transfers import Entry, Transfer
from tests.concurrency import race
from tests.factories import fee_account, funded_account, make_asset, make_user

from .ledger_state import assert_ledger_verifies

pytestmark = pytest.mark.django_db(transaction=True)


def test_sixteen_holds_on_one_hot_account_never_overdraw():
    asset = make_asset()
    seller = funded_account(make_user(), asset, "50")  # room for exactly 5 holds of 10
    buyers = [services.account_for(owner=make_user(), asset=asset) for _ in range(16)]
    results = race(
        [
            partial(
                services.hold_open,
                debit=seller,
                credit=b,
                amount="10",
                kind="trade",
                ref=f"o{i}",
                idempotency_key=f"hold-{i}",
            )
            for i, b in enumerate(buyers)
        ]
    )
    won = [r for r in results if isinstance(r, Transfer)]
    lost = [r for r in results if not isinstance(r, Transfer)]
    assert len(won) == 5
    assert all(isinstance(r, services.InsufficientFunds) for r in lost), lost
    seller.refresh_from_db()
    assert (seller.pending_debits, seller.spendable) == (50, 0)
    assert_ledger_verifies()


def test_double_post_moves_the_money_once():
    asset = make_asset()
    seller = funded_account(make_user(), asset, "10")
    buyer = services.account_for(owner=make_user(), asset=asset)
    hold = services.hold_open(
        debit=seller, credit=buyer, amount="10", kind="trade", ref="o", idempotency_key="h"
    )
    results = race(
        [
            partial(services.hold_post, hold_id=hold.pk, idempotency_key=f"post-{i}")
            for i in range(8)
        ]
    )
    assert sum(isinstance(r, Entry) for r in results) == 1
    assert all(isinstance(r, services.HoldNotOpen) for r in results if not isinstance(r, Entry))
    buyer.refresh_from_db()
    assert buyer.balance == 10
    assert_ledger_verifies()


def test_same_key_racing_gets_the_first_result():
    asset = make_asset()
    seller = funded_account(make_user(), asset, "10")
    buyer = services.account_for(owner=make_user(), asset=asset)
    hold = services.hold_open(
        debit=seller, credit=buyer, amount="10", kind="trade", ref="o", idempotency_key="h"
    )
    results = race([lambda: services.hold_post(hold_id=hold.pk, idempotency_key="release")] * 8)
    assert all(isinstance(r, Entry) for r in results), results
    assert len({r.pk for r in results}) == 1
    buyer.refresh_from_db()
    assert buyer.balance == 10
    assert_ledger_verifies()


def test_post_racing_void_has_exactly_one_winner():
    asset = make_asset()
    fees = fee_account(asset)
    for round_ in range(6):
        seller = funded_account(make_user(), asset, "10")
        buyer = services.account_for(owner=make_user(), asset=asset)
        hold = services.hold_open(
            debit=seller,
            credit=buyer,
            amount="10",
            kind="trade",
            ref="o",
            idempotency_key=f"h{round_}",
        )
        post, void = race(
            [
                partial(
                    services.hold_post,
                    hold_id=hold.pk,
                    fee="0.1",
                    fee_account=fees,
                    idempotency_key=f"p{round_}",
                ),
                partial(services.hold_void, hold_id=hold.pk, idempotency_key=f"v{round_}"),
            ]
        )
        winners = [r for r in (post, void) if isinstance(r, Entry)]
        assert len(winners) == 1, (post, void)
        loser = void if winners[0] is post else post
        assert isinstance(loser, services.HoldNotOpen)
        buyer.refresh_from_db()
        seller.refresh_from_db()
        if winners[0] is post:
            assert (buyer.balance, seller.balance) == (Decimal("9.9"), 0)
        else:
            assert (buyer.balance, seller.balance) == (0, 10)
    assert_ledger_verifies()
