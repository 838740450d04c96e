"""The ad services: creating and editing with every rule, the reservation in the ledger when ads
go online, offline, close and change total, orders taking from and giving back to ads, and why
an online ad is hidden from the market. Every refusal changes nothing; the ledger verifies
after every test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from ads import services
from ads.models import Ad, AdStatus, Side
from ads.selectors import ad_hidden_reason, ad_rows_for_merchant
from core.locks import LockKind, lock_one
from escrow import services as ledger
from escrow.models import AccountKind
from escrow.models.transfers import Transfer
from escrow.verification import verify
from merchants.models import MerchantStatus, TierLimit
from tests.ads.factories import (
    Setup,
    ad_terms,
    make_fiat,
    make_merchant,
    make_payment_method,
    make_payment_type,
    restrict_selling,
    set_index,
)
from tests.concurrency import race
from tests.factories import make_user, unique

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _ledger_verifies() -> Iterator[None]:
    yield
    report = verify()
    assert report.ok, report.problems


@pytest.fixture
def s() -> Setup:
    return Setup(funds="1000")


def snapshot(ad: Ad) -> dict[str, Any]:
    """Everything a refused call must leave as it was: the ad's row, its payment choices and
    every transfer."""
    fresh = Ad.objects.get(pk=ad.pk)
    row = {f.attname: getattr(fresh, f.attname) for f in Ad._meta.concrete_fields}
    row.pop("updated_at")
    return {
        "row": row,
        "methods": sorted(fresh.payment_methods.values_list("pk", flat=True)),
        "types": sorted(fresh.payment_types.values_list("pk", flat=True)),
        "transfers": Transfer.objects.count(),
    }


def open_order(ad: Ad, amount: str, buyer: Any) -> Transfer | None:
    """What the orders app does: take from the ad and, for a sell ad, freeze the amount from
    the merchant's ad reserve, in one transaction."""
    with transaction.atomic():
        taken = services.ad_take(ad_id=ad.pk, amount=amount)
        if taken.side != Side.SELL:
            return None
        owner = taken.merchant.user
        return ledger.hold_open(
            debit=ledger.account_for(owner=owner, asset=taken.asset, kind=AccountKind.AD_RESERVE),
            credit=ledger.account_for(owner=buyer, asset=taken.asset),
            amount=amount,
            kind="trade",
            ref=unique("order:"),
            idempotency_key=unique("hold-"),
        )


def cancel_order(ad: Ad, amount: str, hold: Transfer | None) -> Ad:
    """What the orders app does: lock the ad first, void the hold, give the amount back."""
    with transaction.atomic():
        lock_one(LockKind.AD, Ad.objects.filter(pk=ad.pk))
        if hold is not None:
            available = ledger.account_for(owner=ad.merchant.user, asset=ad.asset)
            ledger.lock_for_moves(ledger.lock_set(holds=[hold.pk], accounts=[available]))
            ledger.hold_void(hold_id=hold.pk, idempotency_key=unique("void-"))
        return services.ad_give_back(ad_id=ad.pk, amount=amount)


# --- creating ---------------------------------------------------------------------------------


def test_a_merchant_creates_an_offline_ad_that_reserves_nothing(s: Setup) -> None:
    ad = s.ad(Side.SELL)
    assert ad.status == AdStatus.OFFLINE
    assert ad.public_id.startswith("AD")
    assert len(ad.public_id) == 12
    assert ad.total_quantity == ad.remaining_quantity == Decimal(100)
    assert list(ad.payment_methods.all()) == [s.method]
    assert not ad.payment_types.exists()
    assert ad.terms == "Pay from an account in your own name."
    assert s.available() == Decimal(1000)
    assert s.reserve() == 0


def test_a_buy_ad_names_payment_types_and_a_floating_ad_keeps_only_its_margin(s: Setup) -> None:
    ad = s.ad(
        Side.BUY, price_type="floating", fixed_price=Decimal(5), margin_percent=Decimal("101.5")
    )
    assert list(ad.payment_types.all()) == [s.kind]
    assert not ad.payment_methods.exists()
    assert ad.fixed_price is None
    assert ad.margin_percent == Decimal("101.5")


def test_someone_who_is_not_a_merchant_cannot_create_an_ad(s: Setup) -> None:
    stranger = make_user()
    method = make_payment_method(stranger, s.kind)
    with pytest.raises(services.NotAMerchant, match="Only merchants can post ads"):
        services.ad_create(
            actor=stranger,
            side=Side.SELL,
            asset=s.asset,
            fiat=s.fiat,
            payment_method_ids=[method.pk],
            **ad_terms(),
        )
    assert not Ad.objects.exists()


@pytest.mark.parametrize("status", [MerchantStatus.SUSPENDED, MerchantStatus.RESIGNING])
def test_a_merchant_who_is_not_active_cannot_create_an_ad(s: Setup, status: str) -> None:
    s.merchant.status = status
    s.merchant.save()
    with pytest.raises(services.NotAMerchant, match="cannot post or edit"):
        s.ad(Side.SELL)
    assert not Ad.objects.exists()


def _other_users_method(s: Setup) -> list[int]:
    return [make_payment_method(make_user(), s.kind).pk]


def _wrong_fiat_method(s: Setup) -> list[int]:
    kind = make_payment_type(fiats=[make_fiat("CNY")])
    return [make_payment_method(s.user, kind).pk]


def _disabled_method(s: Setup) -> list[int]:
    kind = make_payment_type(fiats=[s.fiat], enabled=False)
    return [make_payment_method(s.user, kind).pk]


def _six_methods(s: Setup) -> list[int]:
    return [make_payment_method(s.user, s.kind).pk for _ in range(6)]


BAD_SELL_ADS = [
    ({"total_quantity": "0"}, "total_quantity", "above zero, with at most 6 decimals"),
    ({"total_quantity": "1.0000001"}, "total_quantity", "at most 6 decimals"),
    ({"total_quantity": "lots"}, "total_quantity", "must be a number"),
    ({"total_quantity": "1e30"}, "total_quantity", "too large"),
    ({"total_quantity": "1" * 40}, "total_quantity", "too large"),
    ({"total_quantity": "-1e309"}, "total_quantity", "too large"),
    ({"min_order_fiat": "1e309"}, "min_order_fiat", "too large"),
    ({"fixed_price": "1e30"}, "fixed_price", "too large"),
    ({"min_order_fiat": "100.005"}, "min_order_fiat", "HKD amounts have 2 decimals"),
    ({"min_order_fiat": "0"}, "min_order_fiat", "must be above zero"),
    ({"min_order_fiat": "600", "max_order_fiat": "500"}, "max_order_fiat", "cannot be more"),
    ({"payment_window_minutes": 20}, "payment_window_minutes", "one of 15, 30, 45, 60"),
    ({"price_type": "auction"}, "price_type", "fixed or a floating"),
    ({"fixed_price": None}, "fixed_price", "Enter the fixed price"),
    ({"fixed_price": "-1"}, "fixed_price", "above zero"),
    ({"fixed_price": "7.123456789"}, "fixed_price", "at most 8 decimals"),
    ({"price_type": "floating", "margin_percent": "79.99"}, "margin_percent", "80 % to 120 %"),
    ({"price_type": "floating", "margin_percent": "120.01"}, "margin_percent", "80 % to 120 %"),
    ({"price_type": "floating", "margin_percent": None}, "margin_percent", "Enter the margin"),
    ({"min_kyc_level": 3}, "min_kyc_level", "from 0 to 2"),
    ({"min_account_age_days": -1}, "min_account_age_days", "from 0 to 3650"),
    ({"min_completed_orders": "many"}, "min_completed_orders", "whole number"),
    ({"min_completion_rate": "100.5"}, "min_completion_rate", "from 0 to 100"),
    ({"terms": "x" * 2001}, "terms", "2000 characters"),
    ({"auto_reply": "x" * 1001}, "auto_reply", "1000 characters"),
    ({"payment_method_ids": []}, "payment_methods", "Choose 1 to 5"),
    ({"payment_method_ids": _six_methods}, "payment_methods", "Choose 1 to 5"),
    ({"payment_method_ids": _other_users_method}, "payment_methods", "your own saved"),
    ({"payment_method_ids": _wrong_fiat_method}, "payment_methods", "cannot be used for HKD"),
    ({"payment_method_ids": _disabled_method}, "payment_methods", "no longer accepted"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_SELL_ADS)
def test_every_rule_refuses_a_sell_ad_with_a_clear_message(
    s: Setup, change: dict[str, Any], field: str, message: str
) -> None:
    arguments = {k: v(s) if callable(v) else v for k, v in change.items()}
    with pytest.raises(services.AdInvalid, match=message) as refused:
        s.ad(Side.SELL, **arguments)
    assert refused.value.field == field
    assert not Ad.objects.exists()
    assert s.available() == Decimal(1000)


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (lambda s: [], "Choose 1 to 5"),
        (lambda s: [make_payment_type(fiats=[s.fiat], enabled=False).pk], "that are offered"),
        (lambda s: [make_payment_type(fiats=[make_fiat("USD")]).pk], "cannot be used for HKD"),
        (lambda s: [make_payment_type(fiats=[s.fiat]).pk for _ in range(6)], "Choose 1 to 5"),
    ],
)
def test_a_buy_ad_needs_1_to_5_enabled_types_that_serve_its_currency(
    s: Setup, ids: Any, message: str
) -> None:
    with pytest.raises(services.AdInvalid, match=message) as refused:
        s.ad(Side.BUY, payment_type_ids=ids(s))
    assert refused.value.field == "payment_types"
    assert not Ad.objects.exists()


def test_the_maximum_order_cannot_pass_the_tiers_per_order_ceiling(s: Setup) -> None:
    TierLimit.objects.create(
        tier=s.merchant.tier, fiat=s.fiat, per_order_max=Decimal(2000), daily_max=Decimal(9000)
    )
    with pytest.raises(services.AdInvalid, match="at most 2000 HKD per order"):
        s.ad(Side.SELL, max_order_fiat=Decimal(2001))
    assert s.ad(Side.SELL, max_order_fiat=Decimal(2000)).max_order_fiat == Decimal(2000)


def test_a_disabled_asset_or_currency_cannot_get_a_new_ad(s: Setup) -> None:
    s.asset.enabled = False
    s.asset.save()
    with pytest.raises(services.AdInvalid, match="asset cannot be traded"):
        s.ad(Side.SELL)
    assert not Ad.objects.exists()


# --- publishing and the reservation -----------------------------------------------------------


def test_going_online_reserves_exactly_the_remainder_and_offline_or_close_returns_it(
    s: Setup,
) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal("250.5"))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    assert Ad.objects.get(pk=ad.pk).status == AdStatus.ONLINE
    assert s.reserve() == Decimal("250.5")
    assert s.available() == Decimal("749.5")

    again = services.ad_go_online(actor=s.user, ad_id=ad.pk)  # already online: nothing moves
    assert again.status == AdStatus.ONLINE
    assert s.reserve() == Decimal("250.5")

    services.ad_go_offline(actor=s.user, ad_id=ad.pk)
    assert s.reserve() == 0
    assert s.available() == Decimal(1000)

    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    services.ad_close(actor=s.user, ad_id=ad.pk)
    assert Ad.objects.get(pk=ad.pk).status == AdStatus.CLOSED
    assert s.reserve() == 0
    assert s.available() == Decimal(1000)
    moves = Transfer.objects.filter(ref=f"ad:{ad.public_id}", kind="ad_reserve")
    assert moves.count() == 4


def test_a_buy_ad_reserves_nothing_online(s: Setup) -> None:
    ad = s.ad(Side.BUY, total_quantity=Decimal(5000))  # more than the balance: it is not sold
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    assert s.reserve() == 0
    assert s.available() == Decimal(1000)


def test_publishing_without_enough_available_says_so_and_changes_nothing(s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal("1000.000001"))
    before = snapshot(ad)
    with pytest.raises(services.AdError, match=r"Not enough .* available to reserve 1,000\.000001"):
        services.ad_go_online(actor=s.user, ad_id=ad.pk)
    assert snapshot(ad) == before
    assert s.available() == Decimal(1000)
    assert s.reserve() == 0


def test_a_selling_cool_down_blocks_publishing_a_sell_ad_but_not_a_buy_ad(s: Setup) -> None:
    sell, buy = s.ad(Side.SELL), s.ad(Side.BUY)
    restrict_selling(s.user)
    before = snapshot(sell)
    with pytest.raises(services.AdError, match="Selling is paused on this account: Security"):
        services.ad_go_online(actor=s.user, ad_id=sell.pk)
    assert snapshot(sell) == before
    assert s.reserve() == 0
    assert services.ad_go_online(actor=s.user, ad_id=buy.pk).status == AdStatus.ONLINE


def test_a_trade_restriction_also_blocks_a_sell_ad_and_a_lifted_one_does_not(s: Setup) -> None:
    ad = s.ad(Side.SELL)
    restriction = restrict_selling(s.user)
    restriction.kind = "trade"
    restriction.save()
    with pytest.raises(services.AdError, match="Selling is paused"):
        services.ad_go_online(actor=s.user, ad_id=ad.pk)
    restriction.lifted_at = timezone.now()
    restriction.save()
    assert services.ad_go_online(actor=s.user, ad_id=ad.pk).status == AdStatus.ONLINE


def test_a_suspended_merchant_cannot_publish_but_can_take_offline_and_close(s: Setup) -> None:
    online, offline = s.ad(Side.SELL), s.ad(Side.SELL)
    services.ad_go_online(actor=s.user, ad_id=online.pk)
    s.merchant.status = MerchantStatus.SUSPENDED
    s.merchant.save()
    with pytest.raises(services.AdError, match="Only an active merchant"):
        services.ad_go_online(actor=s.user, ad_id=offline.pk)
    with pytest.raises(services.NotAMerchant, match="suspended"):
        services.ad_update(actor=s.user, ad_id=offline.pk, **ad_terms())
    services.ad_go_offline(actor=s.user, ad_id=online.pk)
    services.ad_close(actor=s.user, ad_id=offline.pk)
    assert s.reserve() == 0
    assert s.available() == Decimal(1000)


def test_a_sell_ad_whose_payment_methods_were_deleted_cannot_go_online(s: Setup) -> None:
    ad = s.ad(Side.SELL)
    s.method.delete()
    with pytest.raises(services.AdError, match="Add at least one of your payment methods"):
        services.ad_go_online(actor=s.user, ad_id=ad.pk)
    assert s.reserve() == 0


def test_a_closed_ad_stays_closed(s: Setup) -> None:
    ad = s.ad(Side.SELL)
    services.ad_close(actor=s.user, ad_id=ad.pk)
    for call in (services.ad_go_online, services.ad_go_offline, services.ad_close):
        with pytest.raises(services.AdError, match="This ad is closed"):
            call(actor=s.user, ad_id=ad.pk)
    with pytest.raises(services.AdError, match="This ad is closed"):
        services.ad_set_total_quantity(actor=s.user, ad_id=ad.pk, total="5")
    assert Ad.objects.get(pk=ad.pk).status == AdStatus.CLOSED


# --- another merchant's ads -------------------------------------------------------------------


def test_a_merchant_cannot_touch_another_merchants_ad(s: Setup) -> None:
    ad = s.ad(Side.SELL)
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    intruder = make_merchant().user
    before = snapshot(ad)
    calls = [
        lambda: services.ad_go_offline(actor=intruder, ad_id=ad.pk),
        lambda: services.ad_go_online(actor=intruder, ad_id=ad.pk),
        lambda: services.ad_close(actor=intruder, ad_id=ad.pk),
        lambda: services.ad_set_total_quantity(actor=intruder, ad_id=ad.pk, total="1"),
        lambda: services.ad_update(
            actor=intruder, ad_id=ad.pk, payment_method_ids=[s.method.pk], **ad_terms()
        ),
        lambda: services.ad_go_online(actor=make_user(), ad_id=ad.pk),  # not even a merchant
    ]
    for call in calls:
        with pytest.raises(services.AdNotFound, match="There is no such ad"):
            call()
    assert snapshot(ad) == before
    assert s.reserve() == Decimal(100)


# --- editing ----------------------------------------------------------------------------------


def test_changing_the_total_of_an_online_sell_ad_moves_the_difference(s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    services.ad_set_total_quantity(actor=s.user, ad_id=ad.pk, total="300")
    assert s.reserve() == Decimal(300)
    assert s.available() == Decimal(700)
    services.ad_set_total_quantity(actor=s.user, ad_id=ad.pk, total="40.5")
    assert s.reserve() == Decimal("40.5")
    assert s.available() == Decimal("959.5")

    with pytest.raises(services.AdError, match="Not enough"):
        services.ad_set_total_quantity(actor=s.user, ad_id=ad.pk, total="1000.5")
    assert s.reserve() == Decimal("40.5")
    assert Ad.objects.get(pk=ad.pk).total_quantity == Decimal("40.5")


def test_the_total_cannot_go_below_what_orders_took(s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    open_order(ad, "30", make_user())
    before = snapshot(ad)
    with pytest.raises(services.AdInvalid, match=r"Orders already took 30 .*cannot be less"):
        services.ad_set_total_quantity(actor=s.user, ad_id=ad.pk, total="29.999999")
    assert snapshot(ad) == before
    done = services.ad_set_total_quantity(actor=s.user, ad_id=ad.pk, total="30")
    assert done.remaining_quantity == 0
    assert s.reserve() == 0
    assert s.available() == Decimal(970)


def test_editing_an_ad_changes_its_terms_and_moves_the_reservation(s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    second = make_payment_method(s.user, s.kind)
    updated = services.ad_update(
        actor=s.user,
        ad_id=ad.pk,
        payment_method_ids=[second.pk, s.method.pk],
        **ad_terms(
            price_type="floating",
            margin_percent="99.5",
            total_quantity="150",
            min_order_fiat="200",
            max_order_fiat="800.50",
            payment_window_minutes=30,
            terms="New terms",
            auto_reply="",
            min_kyc_level=1,
            min_account_age_days=30,
            min_completed_orders=5,
            min_completion_rate="90",
        ),
    )
    fresh = Ad.objects.get(pk=ad.pk)
    assert fresh.price_type == "floating"
    assert fresh.fixed_price is None
    assert fresh.margin_percent == Decimal("99.5")
    assert (fresh.min_order_fiat, fresh.max_order_fiat) == (Decimal(200), Decimal("800.5"))
    assert fresh.payment_window_minutes == 30
    assert fresh.terms == "New terms"
    assert (fresh.min_kyc_level, fresh.min_account_age_days) == (1, 30)
    assert (fresh.min_completed_orders, fresh.min_completion_rate) == (5, Decimal(90))
    assert set(fresh.payment_methods.all()) == {second, s.method}
    assert updated.side == Side.SELL
    assert fresh.asset == s.asset
    assert fresh.fiat == s.fiat
    assert fresh.status == AdStatus.ONLINE
    assert s.reserve() == Decimal(150)
    assert s.available() == Decimal(850)


def test_a_refused_edit_changes_nothing_even_after_the_total_was_checked(s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    before = snapshot(ad)
    with pytest.raises(services.AdError, match="Not enough"):
        services.ad_update(
            actor=s.user,
            ad_id=ad.pk,
            payment_method_ids=[s.method.pk],
            **ad_terms(total_quantity="5000", terms="changed"),
        )
    with pytest.raises(services.AdInvalid, match="Choose 1 to 5"):
        services.ad_update(
            actor=s.user, ad_id=ad.pk, payment_method_ids=[], **ad_terms(total_quantity="50")
        )
    assert snapshot(ad) == before
    assert s.reserve() == Decimal(100)


# --- orders take and give back ----------------------------------------------------------------


def test_an_order_takes_from_an_online_sell_ad_and_the_reservation_follows(s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    hold = open_order(ad, "40", make_user())
    assert Ad.objects.get(pk=ad.pk).remaining_quantity == Decimal(60)
    assert s.reserve() == Decimal(60)  # the other 40 are frozen for the order
    assert hold is not None
    assert hold.status == "pending"

    back = cancel_order(ad, "40", hold)  # online: the amount stays reserved for the ad
    assert back.remaining_quantity == Decimal(100)
    assert s.reserve() == Decimal(100)
    assert s.available() == Decimal(900)


def test_taking_more_than_remains_is_refused_with_the_remainder(s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    open_order(ad, "99.5", make_user())
    before = snapshot(ad)
    with (
        pytest.raises(services.AdError, match=r"Only 0\.5 .* remains on this ad; 0\.6 is more"),
        transaction.atomic(),
    ):
        services.ad_take(ad_id=ad.pk, amount="0.6")
    with pytest.raises(services.AdError, match="at most 6 decimals"), transaction.atomic():
        services.ad_take(ad_id=ad.pk, amount="0.0000001")
    with pytest.raises(services.AdError, match="above zero"), transaction.atomic():
        services.ad_take(ad_id=ad.pk, amount="0")
    with pytest.raises(services.AdNotFound), transaction.atomic():
        services.ad_take(ad_id=ad.pk + 1000, amount="1")
    assert snapshot(ad) == before
    assert services.ad_take(ad_id=ad.pk, amount="0.5").remaining_quantity == 0


def test_an_offline_or_closed_ad_cannot_be_taken_from(s: Setup) -> None:
    ad = s.ad(Side.SELL)
    with pytest.raises(services.AdError, match="no longer online"), transaction.atomic():
        services.ad_take(ad_id=ad.pk, amount="1")
    services.ad_close(actor=s.user, ad_id=ad.pk)
    with pytest.raises(services.AdError, match="no longer online"), transaction.atomic():
        services.ad_take(ad_id=ad.pk, amount="1")
    assert Ad.objects.get(pk=ad.pk).remaining_quantity == Decimal(100)


@pytest.mark.parametrize("then", ["offline", "closed"])
def test_giving_back_to_an_ad_that_no_longer_reserves_returns_it_to_available(
    s: Setup, then: str
) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    hold = open_order(ad, "25", make_user())
    change = services.ad_go_offline if then == "offline" else services.ad_close
    change(actor=s.user, ad_id=ad.pk)
    assert s.reserve() == 0
    assert s.available() == Decimal(975)

    back = cancel_order(ad, "25", hold)
    assert back.remaining_quantity == Decimal(100)
    assert back.status == then
    assert s.reserve() == 0
    assert s.available() == Decimal(1000)


def test_a_released_order_leaves_the_ad_as_it_was(s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    buyer = make_user()
    hold = open_order(ad, "10", buyer)
    assert hold is not None
    ledger.hold_post(hold_id=hold.pk, idempotency_key=unique("post-"))
    services.ad_close(actor=s.user, ad_id=ad.pk)
    assert s.available() == Decimal(990)
    assert s.reserve() == 0
    assert ledger.account_for(owner=buyer, asset=s.asset).spendable == Decimal(10)


def test_giving_back_more_than_was_taken_is_refused(s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    open_order(ad, "5", make_user())
    before = snapshot(ad)
    with (
        pytest.raises(services.AdError, match=r"Orders took only 5 .* 6 cannot come back"),
        transaction.atomic(),
    ):
        services.ad_give_back(ad_id=ad.pk, amount="6")
    assert snapshot(ad) == before


def test_giving_back_without_voiding_the_hold_first_is_refused_on_an_offline_ad(s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    open_order(ad, "5", make_user())
    services.ad_go_offline(actor=s.user, ad_id=ad.pk)
    before = snapshot(ad)
    with (
        pytest.raises(services.AdError, match="ad reserve does not hold the 5"),
        transaction.atomic(),
    ):
        services.ad_give_back(ad_id=ad.pk, amount="5")
    assert snapshot(ad) == before


def test_a_buy_ad_takes_and_gives_back_without_moving_the_merchants_crypto(s: Setup) -> None:
    ad = s.ad(Side.BUY, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    transfers = Transfer.objects.count()
    assert services.ad_take(ad_id=ad.pk, amount="70").remaining_quantity == Decimal(30)
    services.ad_go_offline(actor=s.user, ad_id=ad.pk)
    assert services.ad_give_back(ad_id=ad.pk, amount="70").remaining_quantity == Decimal(100)
    assert Transfer.objects.count() == transfers
    assert s.available() == Decimal(1000)
    assert s.reserve() == 0


def test_an_ad_with_nothing_left_cannot_go_online(s: Setup) -> None:
    ad = s.ad(Side.SELL, total_quantity=Decimal(10))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    open_order(ad, "10", make_user())
    services.ad_go_offline(actor=s.user, ad_id=ad.pk)
    with pytest.raises(services.AdError, match="Nothing remains on this ad"):
        services.ad_go_online(actor=s.user, ad_id=ad.pk)


# --- why an online ad is hidden ---------------------------------------------------------------


def hidden(ad: Ad, index: Any = None, now: Any = None) -> str | None:
    fresh = Ad.objects.select_related("merchant", "asset", "fiat").get(pk=ad.pk)
    return ad_hidden_reason(fresh, index=index, now=now or timezone.now())


@pytest.fixture
def online(s: Setup) -> Ad:
    ad = s.ad(Side.SELL, total_quantity=Decimal(100), min_order_fiat=Decimal(500))
    return services.ad_go_online(actor=s.user, ad_id=ad.pk)


def test_an_online_ad_with_a_price_and_enough_left_is_visible(s: Setup, online: Ad) -> None:
    assert hidden(online) is None  # 100 x 7.80 = 780 HKD covers the 500 HKD minimum


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"status": MerchantStatus.SUSPENDED}, "Hidden: your merchant account is suspended"),
        ({"on_break": True}, "Hidden: you are on a break"),
        ({"open_now": False}, "Hidden: outside your business hours"),
    ],
)
def test_the_merchants_state_hides_their_ads(
    s: Setup, online: Ad, change: dict[str, Any], reason: str
) -> None:
    for name, value in change.items():
        setattr(s.merchant, name, value)
    s.merchant.save()
    assert hidden(online) == reason


def test_an_offline_or_closed_ad_is_hidden(s: Setup, online: Ad) -> None:
    services.ad_go_offline(actor=s.user, ad_id=online.pk)
    assert hidden(online) == "Hidden: the ad is offline"
    services.ad_close(actor=s.user, ad_id=online.pk)
    assert hidden(online) == "Hidden: the ad is closed"


def test_a_disabled_asset_or_currency_hides_the_ad(s: Setup, online: Ad) -> None:
    s.fiat.enabled = False
    s.fiat.save()
    assert hidden(online) == "Hidden: HKD trading is paused by the platform"
    s.asset.enabled = False
    s.asset.save()
    assert hidden(online) == f"Hidden: {s.asset.symbol} trading is paused by the platform"


def test_a_floating_ad_is_hidden_without_a_fresh_index(s: Setup) -> None:
    ad = s.ad(Side.SELL, price_type="floating", margin_percent=Decimal(101))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    assert hidden(ad) == f"Hidden: there is no {s.asset.symbol}/HKD price index yet"
    old = timezone.now() - timedelta(hours=2)
    index = set_index(s.asset, s.fiat, "7.80", updated_at=old)
    assert hidden(ad, index) == "Hidden: the price index is stale"
    index = set_index(s.asset, s.fiat, "7.80")
    assert hidden(ad, index) is None
    later = timezone.now() + timedelta(hours=1)  # the same index, judged an hour on
    assert hidden(ad, index, later) == "Hidden: the price index is stale"


def test_an_ad_whose_remainder_no_longer_covers_the_minimum_is_hidden(s: Setup, online: Ad) -> None:
    open_order(online, "88", make_user())  # 12 x 7.80 = 93.60 HKD < 500 HKD
    reason = hidden(online)
    assert reason == (
        f"Hidden: the remaining 12 {s.asset.symbol} no longer covers the 500 HKD minimum"
    )


def test_a_floating_price_decides_whether_the_remainder_covers_the_minimum(s: Setup) -> None:
    ad = s.ad(
        Side.SELL,
        price_type="floating",
        margin_percent=Decimal(100),
        total_quantity=Decimal(10),
        min_order_fiat=Decimal(100),
    )
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    assert hidden(ad, set_index(s.asset, s.fiat, "10.00")) is None  # 10 x 10 = 100
    assert "no longer covers the 100 HKD minimum" in str(
        hidden(ad, set_index(s.asset, s.fiat, "9.99"))
    )


def test_the_merchants_list_shows_the_price_and_the_reason(s: Setup, online: Ad) -> None:
    floating = s.ad(Side.BUY, price_type="floating", margin_percent=Decimal(110))
    set_index(s.asset, s.fiat, "7.00")
    rows = {row.ad.pk: row for row in ad_rows_for_merchant(user=s.user)}
    assert rows[online.pk].price == Decimal("7.80")
    assert rows[online.pk].hidden_reason is None
    assert rows[online.pk].reserved == Decimal(100)
    assert rows[online.pk].percent_left == 100
    assert rows[floating.pk].price == Decimal("7.70")
    assert rows[floating.pk].hidden_reason == "Hidden: the ad is offline"
    assert ad_rows_for_merchant(user=make_user()) == []


# --- races ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_on_one_ad_never_take_more_than_remains() -> None:
    s = Setup(funds="100")
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    buyers = [make_user() for _ in range(8)]
    results = race([partial(open_order, ad, "30", buyer) for buyer in buyers])
    won = [r for r in results if isinstance(r, Transfer)]
    lost = [r for r in results if isinstance(r, services.AdError)]
    assert len(won) == 3, results
    assert len(lost) == 5, results
    assert all("remains on this ad" in r.message for r in lost)
    assert Ad.objects.get(pk=ad.pk).remaining_quantity == Decimal(10)
    assert s.reserve() == Decimal(10)


@pytest.mark.django_db(transaction=True)
def test_going_offline_racing_an_order_keeps_the_reservation_exact() -> None:
    s = Setup(funds="100")
    ad = s.ad(Side.SELL, total_quantity=Decimal(100))
    services.ad_go_online(actor=s.user, ad_id=ad.pk)
    results = race(
        [
            lambda: open_order(ad, "40", make_user()),
            lambda: services.ad_go_offline(actor=s.user, ad_id=ad.pk),
        ]
    )
    fresh = Ad.objects.get(pk=ad.pk)
    assert fresh.status == AdStatus.OFFLINE
    assert s.reserve() == 0
    if isinstance(results[0], Transfer):  # the order came first: 40 frozen, 60 returned
        assert fresh.remaining_quantity == Decimal(60)
        assert s.available() == Decimal(60)
    else:  # the ad was offline first: nothing taken
        assert isinstance(results[0], services.AdError)
        assert fresh.remaining_quantity == Decimal(100)
        assert s.available() == Decimal(100)
