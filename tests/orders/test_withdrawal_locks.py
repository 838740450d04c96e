"""T+N on P2P purchases: what a buyer receives from an order is theirs to trade at once but
not to withdraw for the days of their risk level (1 by default); staff may exempt a merchant's
purchases; zero days locks nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.models import FundPassword, KycSubmission, User
from accounts.services.fund_password import fund_password_set
from ads.models import Ad, Side
from disputes import services as disputes
from escrow.models import WithdrawalLock
from escrow.models.transfers import Transfer
from escrow.selectors import withdrawable
from escrow.verification import verify
from merchants.models import Merchant, MerchantStatus
from merchants.services import merchant_set_withdrawal_lock_exemption
from orders import services
from orders.models import Order, OrderStatus
from risk.models import RiskLevel, UserRiskLevel, WithdrawalLockPolicy
from tests.ads.factories import make_payment_method
from tests.disputes.factories import Trades, arbiter, assigned, disputed_order, no_approval_needed
from tests.factories import funded_account, make_user

from .factories import FUND_PASSWORD, Market, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(settings, tmp_path):
    settings.MAKER_FEE_RATES = {}
    settings.MEDIA_ROOT = tmp_path
    return Trades()


def bought(market: Market, buyer: User | None = None, fiat: str = "780") -> Order:
    """`buyer` (a new one by default) buys on the merchant's sell ad and the merchant
    releases: 100 of the asset at 7.80."""
    buyer = buyer or market.buyer()
    ad = market.online_ad(total_quantity=Decimal(200))
    order = place(buyer, ad, fiat=fiat)
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")
    if not FundPassword.objects.filter(user=market.user).exists():
        market.seller_with_fund_password()
    services.order_release(
        actor=market.user, public_id=order.public_id, fund_password=FUND_PASSWORD
    )
    order.refresh_from_db()
    return order


def released_post(order: Order) -> Transfer:
    """The post that credited the buyer (a fee, if any, is a post of its own)."""
    return Transfer.objects.get(
        pending_id=order.hold_id, phase=Transfer.Phase.POST, credit_account__owner=order.buyer
    )


def lock_of(order: Order) -> WithdrawalLock | None:
    return WithdrawalLock.objects.filter(ref=f"order:{order.public_id}").first()


def test_a_release_locks_what_the_buyer_received_for_one_day_by_default(market, settings):
    settings.MAKER_FEE_RATES = {market.asset.symbol: "0.01"}  # the maker's fee is not the buyer's
    order = bought(market)
    assert order.status == OrderStatus.RELEASED
    lock = lock_of(order)
    assert lock is not None
    assert (lock.owner_id, lock.amount) == (order.buyer_id, order.buyer_receives)
    assert lock.unlocks_at == released_post(order).created_at + timedelta(days=1)
    funds = withdrawable(user=order.buyer, asset=market.asset)
    assert (funds.spendable, funds.withdrawable) == (100, 0)
    assert verify().ok


def test_a_second_release_is_refused_and_writes_no_second_lock(market):
    order = bought(market)
    with pytest.raises(services.OrderStateError):
        services.order_release(
            actor=market.user, public_id=order.public_id, fund_password=FUND_PASSWORD
        )
    assert WithdrawalLock.objects.count() == 1


def test_a_dispute_decided_for_the_buyer_locks_what_they_receive(market):
    no_approval_needed(market)
    dispute = disputed_order(market)
    person = arbiter()
    assigned(dispute, person)
    disputes.dispute_decide(
        actor=person,
        dispute_public_id=dispute.public_id,
        outcome="release",
        reason="The bank statement shows the payment arrived.",
    )
    order = Order.objects.get(pk=dispute.order_id)
    assert order.status == OrderStatus.RELEASED
    lock = lock_of(order)
    assert lock is not None
    assert (lock.owner_id, lock.amount) == (order.buyer_id, order.buyer_receives)
    assert lock.unlocks_at == released_post(order).created_at + timedelta(days=1)


def test_a_dispute_decided_for_the_seller_locks_nothing(market):
    no_approval_needed(market)
    dispute = disputed_order(market)
    person = arbiter()
    assigned(dispute, person)
    disputes.dispute_decide(
        actor=person,
        dispute_public_id=dispute.public_id,
        outcome="refund",
        reason="No payment reached the seller.",
    )
    assert not WithdrawalLock.objects.exists()


def test_zero_days_in_the_settings_locks_nothing(market, settings):
    settings.WITHDRAWAL_LOCK_DAYS = 0
    order = bought(market)
    assert lock_of(order) is None
    assert withdrawable(user=order.buyer, asset=market.asset).withdrawable == 100


def test_the_buyers_risk_level_sets_the_days(market):
    WithdrawalLockPolicy.objects.create(level=RiskLevel.ELEVATED, days=3)
    risky = market.buyer()
    UserRiskLevel.objects.create(user=risky, level=RiskLevel.ELEVATED, reason="Chargebacks.")
    order = bought(market, buyer=risky)
    lock = lock_of(order)
    assert lock is not None
    assert lock.unlocks_at == released_post(order).created_at + timedelta(days=3)
    other = bought(market)  # normal level, no policy of its own: the setting's one day
    assert lock_of(other).unlocks_at == released_post(other).created_at + timedelta(days=1)  # type: ignore[union-attr]


def test_a_policy_of_zero_days_for_the_level_locks_nothing(market):
    WithdrawalLockPolicy.objects.create(level=RiskLevel.NORMAL, days=0)
    order = bought(market)
    assert lock_of(order) is None


def test_the_bought_coins_can_be_sold_on_at_once_and_are_then_not_withdrawable(market):
    order = bought(market)
    buyer = order.buyer
    KycSubmission.objects.create(user=buyer, level=1, status="approved", legal_name="B")
    method = make_payment_method(buyer, market.kind)
    buy_ad = market.online_ad(Side.BUY)
    resale = place(buyer, buy_ad, fiat="390", payment_method_ids=[method.pk])
    assert (resale.seller_id, resale.status) == (buyer.pk, OrderStatus.AWAITING_PAYMENT)
    funds = withdrawable(user=buyer, asset=market.asset)
    assert (funds.spendable, funds.locked, funds.withdrawable) == (50, 100, 0)


# --- merchants staff exempted -----------------------------------------------------------------


def merchant_buys(market: Market) -> Order:
    """The merchant buys 100 on their own buy ad from a person who sells, who releases."""
    ad: Ad = market.online_ad(Side.BUY)
    seller = market.buyer()
    funded_account(seller, market.asset, "100")
    KycSubmission.objects.create(user=seller, level=1, status="approved", legal_name="S")
    method = make_payment_method(seller, market.kind)
    order = place(seller, ad, fiat="780", payment_method_ids=[method.pk])
    services.order_mark_paid(actor=market.user, public_id=order.public_id, method="FPS")
    fund_password_set(actor=seller, raw=FUND_PASSWORD)
    services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    order.refresh_from_db()
    assert (order.buyer_id, order.status) == (market.user.pk, OrderStatus.RELEASED)
    return order


def exempt(market: Market) -> None:
    staff = make_user(staff=True, perms=["merchants.change_merchant"])
    merchant_set_withdrawal_lock_exemption(merchant=market.merchant, actor=staff, exempt=True)


def test_a_merchant_buys_locked_like_anyone_until_staff_exempt_them(market):
    order = merchant_buys(market)
    assert lock_of(order) is not None


def test_what_an_exempt_merchant_buys_is_withdrawable_at_once(market):
    exempt(market)
    order = merchant_buys(market)
    assert lock_of(order) is None
    funds = withdrawable(user=market.user, asset=market.asset)
    assert funds.withdrawable == funds.spendable


def test_an_exempt_merchant_taking_another_merchants_sell_ad_is_not_locked(market):
    exempt(market)
    order = bought(Trades(), buyer=market.user)
    assert (order.buyer_id, lock_of(order)) == (market.user.pk, None)


def test_a_suspended_merchants_exemption_does_not_apply(market):
    exempt(market)
    Merchant.objects.filter(pk=market.merchant.pk).update(status=MerchantStatus.SUSPENDED)
    order = bought(Trades(), buyer=market.user)
    assert order.buyer_id == market.user.pk
    assert lock_of(order) is not None


def test_buying_from_an_exempt_merchant_is_still_locked(market):
    """The exemption is the merchant's own: their customers' purchases are locked as usual."""
    exempt(market)
    order = bought(market)
    assert lock_of(order) is not None
