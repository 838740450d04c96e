"""The blacklist and the sharing rule where orders are placed and withdrawals requested: a
listed legal name, browser, login IP or payment account refuses the action, changing nothing;
accounts crowding one browser or IP are reviewed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ads.models import Side
from escrow.models import WithdrawalLimit
from escrow.services.withdrawals import WithdrawalRefused
from orders import services
from orders.models import OrderStatus
from risk.models import Alert, BlacklistKind
from tests.escrow.wallet_setup import ask, make_holder, make_wallet, snapshot
from tests.factories import make_user
from tests.orders.factories import Market, place
from tests.orders.test_cross_app_rules import world

from .identity_helpers import DEVICE, IP, blacklist, listed_person, log_in, save_fps

pytestmark = pytest.mark.django_db

KINDS = [
    (BlacklistKind.LEGAL_NAME, "man tai CHAN"),
    (BlacklistKind.DEVICE, DEVICE),
    (BlacklistKind.IP_RANGE, "203.0.113.0/24"),
]


@pytest.fixture
def market(settings):
    settings.MAKER_FEE_RATES = {}
    return Market()


def crowd(count: int) -> None:
    """`count` other accounts logged in from the shared browser."""
    for _ in range(count):
        log_in(make_user(), ip="198.51.100.1")


@pytest.mark.parametrize(("kind", "value"), KINDS)
def test_a_listed_taker_cannot_place_an_order_and_nothing_changes(market, kind, value):
    ad = market.online_ad(Side.SELL)
    taker = listed_person(market.buyer())
    blacklist(kind, value, reason="secret reason")
    before = world(ad)
    with pytest.raises(services.OrderError) as refused:
        place(taker, ad)
    assert "cannot be placed" in str(refused.value.message)
    assert "secret" not in str(refused.value.message)
    assert world(ad) == before


def test_a_taker_with_a_listed_payment_account_cannot_place_an_order(market):
    ad = market.online_ad(Side.SELL)
    taker = market.buyer()
    save_fps(taker)
    blacklist(BlacklistKind.PAYMENT_ACCOUNT, "fps:9123 4567")
    before = world(ad)
    with pytest.raises(services.OrderError):
        place(taker, ad)
    assert world(ad) == before


def test_an_unlisted_taker_places_the_order(market):
    blacklist(BlacklistKind.IP_RANGE, "198.51.100.0/24")
    order = place(listed_person(market.buyer()), market.online_ad(Side.SELL))
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_a_taker_sharing_a_browser_with_three_accounts_is_reviewed(market):
    taker = listed_person(market.buyer())
    crowd(3)
    order = place(taker, market.online_ad(Side.SELL))
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert Alert.objects.get(user=taker).code == "shared_device_or_ip"


def test_a_taker_sharing_a_browser_with_two_accounts_is_not_reviewed(market):
    taker = listed_person(market.buyer())
    crowd(2)
    place(taker, market.online_ad(Side.SELL))
    assert not Alert.objects.filter(user=taker).exists()


# --- withdrawals --------------------------------------------------------------------------


@pytest.fixture
def holder():
    wallet = make_wallet()
    # the person is verified (level 1): they withdraw within that level's limits
    WithdrawalLimit.objects.create(
        kyc_level=1, asset=None, per_day=Decimal(5000), per_30_days=Decimal(20000)
    )
    return listed_person(make_holder(wallet))


@pytest.mark.parametrize(("kind", "value"), KINDS)
def test_a_listed_person_cannot_withdraw_and_nothing_changes(holder, kind, value):
    blacklist(kind, value, reason="secret reason")
    before = snapshot(holder)
    with pytest.raises(WithdrawalRefused) as refused:
        ask(holder, "50")
    assert "cannot be made" in str(refused.value.message)
    assert "secret" not in str(refused.value.message)
    assert snapshot(holder) == before


def test_a_person_with_a_listed_payment_account_cannot_withdraw(holder):
    save_fps(holder)
    blacklist(BlacklistKind.PAYMENT_ACCOUNT, "fps:91234567")
    before = snapshot(holder)
    with pytest.raises(WithdrawalRefused) as refused:
        ask(holder, "50")
    assert "cannot be made" in str(refused.value.message)
    assert snapshot(holder) == before


def test_an_unlisted_person_withdraws(holder):
    blacklist(BlacklistKind.LEGAL_NAME, "Someone Else")
    assert ask(holder, "50").withdrawal.pk


def test_a_withdrawal_from_a_crowded_browser_waits_for_review(holder):
    crowd(3)
    withdrawal = ask(holder, "50").withdrawal
    assert "shared_device_or_ip" in withdrawal.review_reasons


def test_a_withdrawal_from_a_browser_of_ones_own_is_not_reviewed_for_sharing(holder):
    crowd(2)
    assert "shared_device_or_ip" not in ask(holder, "50").withdrawal.review_reasons


def test_the_ip_the_person_last_logged_in_from_is_what_counts(holder):
    blacklist(BlacklistKind.IP_RANGE, IP)
    log_in(holder, device="dev-bbbbbbbbbbbbbbbbbbbbbbbb", ip="192.0.2.9")
    # the old browser is still among the person's devices, the old IP is not their last
    assert ask(holder, "50").withdrawal.pk
