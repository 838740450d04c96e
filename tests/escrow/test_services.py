"""Each ledger service: what it does, and that every refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from escrow import services
from escrow.models import AccountKind
from escrow.models.transfers import Entry, Transfer
from tests.factories import fee_account, funded_account, make_asset, make_user, unique

from .ledger_state import assert_ledger_verifies, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def usdt():
    return make_asset(precision=6)


@pytest.fixture
def seller(usdt):
    return funded_account(make_user(), usdt, "100")


@pytest.fixture
def buyer(usdt):
    return services.account_for(owner=make_user(), asset=usdt)


def fresh(account):
    account.refresh_from_db()
    return account


def refused(error_type, call, message=None):
    """Run a call that must be refused, and check the ledger is exactly as before."""
    before = snapshot()
    with pytest.raises(error_type, match=message):
        call()
    assert snapshot() == before


# --- transfer / deposit -------------------------------------------------------------------------


def test_deposit_credits_available_from_the_chain_side(usdt):
    account = funded_account(make_user(), usdt, "12.5")
    assert fresh(account).balance == Decimal("12.5")
    external = services.platform_account(asset=usdt, kind=AccountKind.EXTERNAL)
    assert fresh(external).balance == Decimal("-12.5")
    assert_ledger_verifies()


def test_transfer_moves_the_amount(seller, buyer):
    moved = services.transfer(
        debit=seller, credit=buyer, amount="40", kind="internal", idempotency_key="t1"
    )
    assert moved.status == Transfer.Status.POSTED
    assert (fresh(seller).balance, fresh(buyer).balance) == (Decimal(60), Decimal(40))
    assert_ledger_verifies()


def test_transfer_replay_returns_the_first_result_and_moves_once(seller, buyer):
    first = services.transfer(
        debit=seller, credit=buyer, amount="40", kind="internal", idempotency_key="t1"
    )
    again = services.transfer(
        debit=seller, credit=buyer, amount="40.000", kind="internal", idempotency_key="t1"
    )
    assert again.pk == first.pk
    assert fresh(buyer).balance == Decimal(40)


@pytest.mark.parametrize(
    ("amount", "error", "message"),
    [
        ("0", services.InvalidAmount, "greater than zero"),
        ("-5", services.InvalidAmount, "greater than zero"),
        ("1.0000001", services.InvalidAmount, "at most 6 decimal places"),
        ("abc", services.InvalidAmount, "decimal number"),
        (1.5, services.InvalidAmount, "decimal number"),
        ("NaN", services.InvalidAmount, "decimal number"),
        ("1e30", services.InvalidAmount, "too large"),
        ("100.000001", services.InsufficientFunds, "100 available, 100.000001 needed"),
    ],
)
def test_transfer_refusals_change_nothing(seller, buyer, amount, error, message):
    refused(
        error,
        lambda: services.transfer(
            debit=seller, credit=buyer, amount=amount, kind="internal", idempotency_key="bad"
        ),
        message,
    )


def test_transfer_refuses_same_account_and_mixed_assets(seller, usdt):
    refused(
        services.LedgerError,
        lambda: services.transfer(
            debit=seller, credit=seller, amount="1", kind="internal", idempotency_key="self"
        ),
        "two different accounts",
    )
    other = services.account_for(owner=make_user(), asset=make_asset())
    refused(
        services.LedgerError,
        lambda: services.transfer(
            debit=seller, credit=other, amount="1", kind="internal", idempotency_key="mixed"
        ),
        "same asset",
    )


def test_key_reused_for_another_request_is_refused(seller, buyer):
    services.transfer(debit=seller, credit=buyer, amount="1", kind="internal", idempotency_key="k")
    refused(
        services.IdempotencyConflict,
        lambda: services.transfer(
            debit=seller, credit=buyer, amount="2", kind="internal", idempotency_key="k"
        ),
        "different request",
    )
    refused(
        services.IdempotencyConflict,
        lambda: services.hold_open(
            debit=seller, credit=buyer, amount="1", kind="trade", ref="x", idempotency_key="k"
        ),
    )


def test_missing_key_is_refused(seller, buyer):
    refused(
        services.LedgerError,
        lambda: services.transfer(
            debit=seller, credit=buyer, amount="1", kind="internal", idempotency_key="  "
        ),
        "idempotency key",
    )


# --- holds --------------------------------------------------------------------------------------


def open_hold(seller, buyer, amount="30", key=None):
    return services.hold_open(
        debit=seller,
        credit=buyer,
        amount=amount,
        kind="trade",
        ref="order:test",
        idempotency_key=key or unique("hold-"),
    )


def test_hold_freezes_without_moving(seller, buyer):
    hold = open_hold(seller, buyer)
    assert hold.is_open_hold
    seller = fresh(seller)
    assert (seller.balance, seller.spendable, seller.pending_debits) == (100, 70, 30)
    assert (fresh(buyer).balance, buyer.pending_credits) == (0, 30)
    assert_ledger_verifies()


def test_hold_open_refuses_more_than_spendable(seller, buyer):
    open_hold(seller, buyer, "80")
    refused(services.InsufficientFunds, lambda: open_hold(seller, buyer, "20.000001"))


def test_hold_open_replay_returns_the_same_hold(seller, buyer):
    first = open_hold(seller, buyer, key="h")
    assert open_hold(seller, buyer, key="h").pk == first.pk
    assert fresh(seller).pending_debits == 30


def test_full_post_moves_the_hold_to_the_credit_side(seller, buyer):
    hold = open_hold(seller, buyer)
    entry = services.hold_post(hold_id=hold.pk, idempotency_key="p")
    assert [t.phase for t in entry.transfers.all()] == ["post"]
    hold.refresh_from_db()
    assert hold.status == Transfer.Status.POSTED
    assert hold.resolved_at is not None
    assert (fresh(seller).balance, seller.pending_debits) == (70, 0)
    assert (fresh(buyer).balance, buyer.pending_credits) == (30, 0)
    assert_ledger_verifies()


def test_partial_post_with_fee_voids_the_rest_in_one_step(seller, buyer, usdt):
    hold = open_hold(seller, buyer, "30")
    fees = fee_account(usdt)
    entry = services.hold_post(
        hold_id=hold.pk, amount="25", fee="0.5", fee_account=fees, idempotency_key="p"
    )
    legs = sorted((t.phase, t.kind, t.amount) for t in entry.transfers.all())
    assert legs == [("post", "fee", Decimal("0.5")), ("post", "trade", 25), ("void", "trade", 4.5)]
    assert (fresh(seller).balance, seller.spendable) == (Decimal("74.5"), Decimal("74.5"))
    assert fresh(buyer).balance == 25
    assert fresh(fees).balance == Decimal("0.5")
    assert_ledger_verifies()


def test_post_with_only_a_fee_posts_the_rest(seller, buyer, usdt):
    hold = open_hold(seller, buyer, "30")
    services.hold_post(hold_id=hold.pk, fee="1", fee_account=fee_account(usdt), idempotency_key="p")
    assert fresh(buyer).balance == 29


def test_post_replay_returns_the_first_entry(seller, buyer):
    hold = open_hold(seller, buyer)
    first = services.hold_post(hold_id=hold.pk, idempotency_key="p")
    assert services.hold_post(hold_id=hold.pk, idempotency_key="p").pk == first.pk
    assert fresh(buyer).balance == 30


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": "30.5"}, "Cannot post 30.5 from a hold of 30"),
        ({"amount": "29", "fee": "2", "fee_account": "fees"}, "Cannot post 31"),
        ({"fee": "1"}, "fee account"),
        ({"amount": "0"}, "greater than zero"),
        ({"amount": "1", "fee": "-1"}, "fee must be greater than zero"),
        ({"amount": "1.0000001"}, "decimal places"),
    ],
)
def test_post_refusals_change_nothing(seller, buyer, usdt, kwargs, message):
    hold = open_hold(seller, buyer)
    if kwargs.get("fee_account") == "fees":
        kwargs = {**kwargs, "fee_account": fee_account(usdt)}
    refused(
        services.LedgerError,
        lambda: services.hold_post(hold_id=hold.pk, idempotency_key="p", **kwargs),
        message,
    )
    hold.refresh_from_db()
    assert hold.is_open_hold


def test_post_refuses_a_fee_account_that_is_not_fee_income(seller, buyer, usdt):
    hold = open_hold(seller, buyer)
    external = services.platform_account(asset=usdt, kind=AccountKind.EXTERNAL)
    refused(
        services.LedgerError,
        lambda: services.hold_post(
            hold_id=hold.pk, fee="1", fee_account=external, idempotency_key="p"
        ),
        "fee income",
    )


def test_void_returns_the_frozen_amount(seller, buyer):
    hold = open_hold(seller, buyer)
    entry = services.hold_void(hold_id=hold.pk, idempotency_key="v")
    assert [(t.phase, t.amount) for t in entry.transfers.all()] == [("void", 30)]
    assert (fresh(seller).balance, seller.spendable) == (100, 100)
    assert fresh(buyer).pending_credits == 0
    assert services.hold_void(hold_id=hold.pk, idempotency_key="v").pk == entry.pk
    assert_ledger_verifies()


@pytest.mark.parametrize("first", ["post", "void"])
@pytest.mark.parametrize("second", ["post", "void"])
def test_a_hold_ends_once(seller, buyer, first, second):
    hold = open_hold(seller, buyer)
    end: dict[str, Callable[..., Entry]] = {"post": services.hold_post, "void": services.hold_void}
    end[first](hold_id=hold.pk, idempotency_key="first")
    refused(
        services.HoldNotOpen,
        lambda: end[second](hold_id=hold.pk, idempotency_key="second"),
        "already been",
    )


def test_ending_a_transfer_that_is_not_a_hold_is_refused(seller, buyer):
    plain = services.transfer(
        debit=seller, credit=buyer, amount="1", kind="internal", idempotency_key="t"
    )
    refused(
        services.HoldNotOpen,
        lambda: services.hold_void(hold_id=plain.pk, idempotency_key="v"),
        "no hold",
    )


# --- staff adjustment ---------------------------------------------------------------------------


def test_staff_adjustment_is_recorded_with_who_and_why(seller):
    staff = make_user(superuser=True)
    services.adjust(
        actor=staff,
        account=seller,
        amount="-2.5",
        reason="Duplicate deposit credited twice by the chain watcher",
        idempotency_key="adj",
    )
    assert fresh(seller).balance == Decimal("97.5")
    entry = Entry.objects.get(idempotency_key="adj")
    assert entry.actor == staff
    assert "Duplicate deposit" in entry.reason
    services.adjust(
        actor=staff,
        account=seller,
        amount="1",
        reason="Goodwill credit after outage",
        idempotency_key="adj2",
    )
    assert fresh(seller).balance == Decimal("98.5")
    assert_ledger_verifies()


def test_adjustment_refusals_change_nothing(seller):
    staff = make_user(superuser=True)
    plain_staff = make_user(staff=True)  # staff without the adjustment permission
    reason = "Correction of a reconciliation mismatch"
    cases = [
        (make_user(), "1", reason, services.NotAllowed),
        (plain_staff, "1", reason, services.NotAllowed),
        (staff, "1", "short", services.LedgerError),
        (staff, "-100.5", reason, services.InsufficientFunds),
        (staff, "0", reason, services.InvalidAmount),
    ]
    for who, amount, why, error in cases:
        refused(
            error,
            lambda who=who, amount=amount, why=why: services.adjust(
                actor=who, account=seller, amount=amount, reason=why, idempotency_key="adj"
            ),
        )
