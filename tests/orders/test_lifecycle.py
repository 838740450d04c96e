"""The order lifecycle with its escrow: each transition, who may make it, and refusals."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.models.security import RestrictionKind
from accounts.services.security import restrict
from ads.models import Side
from disputes.models import DisputeReason
from disputes.services import dispute_open
from escrow.models import AccountKind
from escrow.models.transfers import Transfer
from escrow.verification import verify
from orders import services
from orders.models import Order, OrderEvent, OrderStatus
from tests.factories import make_user

from .factories import FUND_PASSWORD, Market, balance, place, spendable

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(settings):
    settings.MAKER_FEE_RATES = {}
    return Market()


def snapshot(order: Order) -> tuple:
    order.refresh_from_db()
    return (
        order.status,
        OrderEvent.objects.filter(order=order).count(),
        list(Transfer.objects.order_by("pk").values_list("pk", "status")),
        order.ad.__class__.objects.get(pk=order.ad_id).remaining_quantity,
    )


def test_placing_on_a_sell_ad_freezes_from_the_reservation(market):
    ad = market.online_ad(total_quantity=Decimal(100))
    buyer = market.buyer()
    order = place(buyer, ad, fiat="780")
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert (order.amount, order.fiat_total, order.buyer_id, order.seller_id) == (
        Decimal(100),
        Decimal("780.00"),
        buyer.pk,
        market.user.pk,
    )
    assert order.pay_by is not None
    assert order.hold_id is not None
    ad.refresh_from_db()
    assert ad.remaining_quantity == 0
    assert spendable(market.user, market.asset, AccountKind.AD_RESERVE) == 0
    assert [e.to_status for e in order.events.all()] == ["pending", "awaiting_payment"]
    assert verify().ok


def test_a_double_submit_opens_one_order(market):
    ad = market.online_ad()
    buyer = market.buyer()
    first = place(buyer, ad, fiat="100", key="same-form-key")
    again = place(buyer, ad, fiat="100", key="same-form-key")
    assert first.pk == again.pk
    assert Order.objects.count() == 1


def test_the_whole_trade_releases_once_with_the_fee(market, settings):
    settings.MAKER_FEE_RATES = {market.asset.symbol: "0.01"}
    ad = market.online_ad(total_quantity=Decimal(200))
    buyer = market.buyer()
    seller = market.seller_with_fund_password()
    order = place(buyer, ad, fiat="780")
    assert (order.amount, order.fee, order.escrow_amount) == (100, 1, 101)
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")
    services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    order.refresh_from_db()
    assert order.status == OrderStatus.RELEASED
    assert balance(buyer, market.asset) == 100
    assert balance(market.user, market.asset, AccountKind.AD_RESERVE) == 99  # 200 - 101
    with pytest.raises(services.OrderStateError):
        services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    assert balance(buyer, market.asset) == 100
    assert verify().ok


def test_a_buy_ad_freezes_the_taking_sellers_coins(market):
    ad = market.online_ad(Side.BUY)
    taker = market.buyer()
    from tests.ads.factories import make_payment_method
    from tests.factories import funded_account

    funded_account(taker, market.asset, "50")
    from accounts.models import KycSubmission

    KycSubmission.objects.create(user=taker, level=1, status="approved", legal_name="T")
    method = make_payment_method(taker, market.kind)
    order = place(taker, ad, fiat="156", payment_method_ids=[method.pk])
    assert (order.seller_id, order.buyer_id) == (taker.pk, market.user.pk)
    assert spendable(taker, market.asset) == 30
    assert verify().ok


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("own_ad", "your own ad"),
        ("blocked", "cannot trade with this merchant"),
        ("restricted", "New orders are paused"),
        ("below_min", "takes orders from 100 to 5000"),
        ("above_max", "takes orders from 100 to 5000"),
        ("offline", "not available"),
        ("kyc_condition", "identity verification level 1"),
        ("too_many_open", "open orders"),
        ("bad_amount", "as a number"),
    ],
)
def test_placing_refusals_change_nothing(market, setup, message, settings):
    ad = market.online_ad()
    buyer = market.buyer()
    fiat = "100"
    if setup == "own_ad":
        buyer = market.user
    elif setup == "blocked":
        from accounts.services.profiles import block_user

        block_user(actor=market.user, other=buyer)
    elif setup == "restricted":
        restrict(user=buyer, kind=RestrictionKind.TRADE, reason="Too many cancellations")
    elif setup == "below_min":
        fiat = "50"
    elif setup == "above_max":
        fiat = "6000"
    elif setup == "offline":
        from ads import services as ad_services

        ad_services.ad_go_offline(actor=market.user, ad_id=ad.pk)
    elif setup == "kyc_condition":
        ad.min_kyc_level = 1
        ad.save(update_fields=["min_kyc_level"])
    elif setup == "too_many_open":
        settings.ORDER_MAX_OPEN_PER_USER = 1
        place(buyer, ad, fiat="100")
    elif setup == "bad_amount":
        fiat = "lots"
    before = (Order.objects.count(), list(Transfer.objects.values_list("pk", "status")))
    ad.refresh_from_db()
    remaining = ad.remaining_quantity
    with pytest.raises(services.OrderError, match=message):
        place(buyer, ad, fiat=fiat)
    assert (Order.objects.count(), list(Transfer.objects.values_list("pk", "status"))) == before
    ad.refresh_from_db()
    assert ad.remaining_quantity == remaining


# --- who may do what, in which state ------------------------------------------------------------


def advance(market: Market, to: str, settings=None) -> tuple[Order, User, User]:
    """An order in state `to`, with its buyer and seller. `pending`: held for review (a young
    account above the threshold); `disputed`: paid, then appealed by the buyer."""
    ad = market.online_ad()
    seller = market.seller_with_fund_password()
    if to == "pending":
        settings.RISK_NEW_ACCOUNT_MAX_FIAT = {market.fiat.code: "50"}
        buyer = make_user()  # joined just now
    else:
        buyer = market.buyer()
    order = place(buyer, ad, fiat="100")
    if to in ("paid", "released", "disputed"):
        services.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")
    if to == "released":
        services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    if to == "canceled":
        services.order_cancel(actor=buyer, public_id=order.public_id, reason="Changed my mind")
    if to == "disputed":
        Order.objects.filter(pk=order.pk).update(appeal_after=timezone.now() - timedelta(minutes=1))
        dispute_open(
            actor=buyer,
            order_public_id=order.public_id,
            reason=DisputeReason.NOT_RELEASED,
            description="I paid 12.82 by FPS and the seller has not released.",
        )
    order.refresh_from_db()
    assert order.status == to
    return order, buyer, seller


def _decided(resolve):
    """A dispute resolution runs inside the disputes service's transaction."""

    def run(order: Order, user):
        with transaction.atomic():
            return resolve(actor=user, public_id=order.public_id, note="Decided after review.")

    return run


ACTIONS = {
    "mark_paid": lambda o, u: services.order_mark_paid(
        actor=u, public_id=o.public_id, method="FPS"
    ),
    "cancel": lambda o, u: services.order_cancel(actor=u, public_id=o.public_id, reason="No"),
    "release": lambda o, u: services.order_release(
        actor=u, public_id=o.public_id, fund_password=FUND_PASSWORD
    ),
    "review_approve": lambda o, u: services.order_review_approve(actor=u, public_id=o.public_id),
    "review_reject": lambda o, u: services.order_review_reject(
        actor=u, public_id=o.public_id, reason="Unusual pattern"
    ),
    "resolve_for_buyer": _decided(services.order_resolve_release),
    "resolve_for_seller": _decided(services.order_resolve_refund),
}
# (action, from state, who) -> the state it leads to; every other row is refused
ALLOWED = {
    ("mark_paid", "awaiting_payment", "buyer"): "paid",
    ("cancel", "awaiting_payment", "buyer"): "canceled",
    ("cancel", "pending", "buyer"): "canceled",  # the taker withdraws an order held for review
    ("release", "paid", "seller"): "released",
    ("review_approve", "pending", "staff"): "awaiting_payment",
    ("review_reject", "pending", "staff"): "canceled",
    ("resolve_for_buyer", "disputed", "staff"): "released",
    ("resolve_for_seller", "disputed", "staff"): "canceled",
}
STATES = ["pending", "awaiting_payment", "paid", "disputed", "released", "canceled"]


def escrow(order: Order) -> tuple:
    """The order's hold (status, and how it ended), and what its ad has left."""
    order.refresh_from_db()
    ad = order.ad.__class__.objects.get(pk=order.ad_id)
    if order.hold_id is None:
        return None, [], ad.total_quantity - ad.remaining_quantity
    hold = Transfer.objects.get(pk=order.hold_id)
    endings = sorted(Transfer.objects.filter(pending=hold).values_list("phase", flat=True))
    return hold.status, endings, ad.total_quantity - ad.remaining_quantity


# target -> the hold's status and its ending records, while the ad stays short of the escrow
ESCROW_AFTER = {
    "awaiting_payment": ("pending", []),
    "paid": ("pending", []),
    "released": ("posted", ["post"]),
}


ROLES = ["buyer", "seller", "stranger", "staff"]


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("state", STATES)
def test_transition_table(market, settings, action, state):
    """Every role tries `action` on one order in `state`: the refused ones first, each changing
    nothing (so they share the order), then the one role allowed, if any."""
    order, buyer, seller = advance(market, state, settings)
    staff = make_user(staff=True, perms=["orders.review_held_order"])
    people = {"buyer": buyer, "seller": seller, "stranger": make_user(), "staff": staff}
    allowed = [role for role in ROLES if (action, state, role) in ALLOWED]
    for role in [role for role in ROLES if role not in allowed]:
        before = snapshot(order)
        with pytest.raises(services.OrderError):
            ACTIONS[action](order, people[role])
        assert snapshot(order) == before, f"{role} changed the order"
    for role in allowed:
        target = ALLOWED[(action, state, role)]
        ACTIONS[action](order, people[role])
        order.refresh_from_db()
        assert order.status == target, role
        hold_status, endings, taken = escrow(order)
        if target in ESCROW_AFTER:
            assert (hold_status, endings) == ESCROW_AFTER[target]
            assert taken == order.escrow_amount
        elif order.hold_id is None:  # rejected in review: nothing was ever frozen
            assert (hold_status, endings, taken) == (None, [], 0)
        else:  # canceled or refunded: the hold voided once, the ad whole again
            assert (hold_status, endings, taken) == ("voided", ["void"], 0)
        assert verify().ok


def test_a_stranger_is_told_the_order_does_not_exist(market):
    order, _, _ = advance(market, "awaiting_payment")
    with pytest.raises(services.OrderNotFound):
        ACTIONS["mark_paid"](order, make_user())


def test_wrong_fund_password_releases_nothing(market):
    order, _buyer, seller = advance(market, "paid")
    before = snapshot(order)
    from accounts.services.fund_password import FundPasswordError

    with pytest.raises(FundPasswordError):
        services.order_release(actor=seller, public_id=order.public_id, fund_password="wrong-one")
    assert snapshot(order) == before


# --- timeouts -----------------------------------------------------------------------------------


def overdue(order: Order) -> None:
    Order.objects.filter(pk=order.pk).update(pay_by=timezone.now() - timedelta(seconds=1))


def test_an_unpaid_order_expires_and_its_escrow_returns_to_the_ad(market):
    order, _buyer, _ = advance(market, "awaiting_payment")
    assert services.order_expire(public_id=order.public_id) is False  # not yet due
    overdue(order)
    assert services.expire_overdue_orders() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert order.canceled_by is None
    ad = order.ad
    ad.refresh_from_db()
    assert ad.remaining_quantity == ad.total_quantity
    assert services.order_expire(public_id=order.public_id) is False  # idempotent
    assert verify().ok


def test_mark_paid_after_the_deadline_is_refused(market):
    order, buyer, _ = advance(market, "awaiting_payment")
    overdue(order)
    before = snapshot(order)
    with pytest.raises(services.OrderStateError, match="payment window has closed"):
        ACTIONS["mark_paid"](order, buyer)
    assert snapshot(order) == before


def test_a_paid_order_never_expires(market):
    order, _, _ = advance(market, "paid")
    overdue(order)
    assert services.expire_overdue_orders() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID


# --- staff review of held orders ----------------------------------------------------------------


def test_a_young_account_above_the_threshold_waits_for_review(market, settings):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {market.fiat.code: "500"}
    ad = market.online_ad()
    newcomer = make_user()  # joined just now
    order = place(newcomer, ad, fiat="780")
    assert order.status == OrderStatus.PENDING
    assert order.hold_id is None
    ad.refresh_from_db()
    assert ad.remaining_quantity == 100  # nothing frozen yet
    staff = make_user(staff=True, perms=["orders.review_held_order"])
    services.order_review_approve(actor=staff, public_id=order.public_id)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.hold_id is not None
    assert verify().ok


def test_staff_approve_a_held_order_from_the_admin(market, settings, client):
    from django.urls import reverse

    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {market.fiat.code: "500"}
    ad = market.online_ad()
    order = place(make_user(), ad, fiat="780")
    client.force_login(make_user(staff=True, superuser=True))
    changelist = reverse("admin:orders_order_changelist")
    assert client.get(changelist).status_code == 200
    response = client.post(
        changelist, {"action": "approve_held", "_selected_action": [order.pk]}, follow=True
    )
    assert "1 held order(s) approved." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_the_taker_withdraws_a_held_order_and_staff_then_have_nothing_to_approve(market, settings):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {market.fiat.code: "500"}
    ad = market.online_ad()
    newcomer = make_user()
    order = place(newcomer, ad, fiat="780")
    assert order.status == OrderStatus.PENDING
    services.order_cancel(actor=newcomer, public_id=order.public_id, reason="Too slow")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert order.hold_id is None  # nothing was frozen, nothing to return
    assert order.canceled_by == newcomer
    ad.refresh_from_db()
    assert ad.remaining_quantity == ad.total_quantity
    staff = make_user(staff=True, perms=["orders.review_held_order"])
    with pytest.raises(services.OrderStateError):
        services.order_review_approve(actor=staff, public_id=order.public_id)
    assert verify().ok


def test_staff_without_the_review_permission_cannot_approve_a_held_order(market, settings):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {market.fiat.code: "500"}
    order = place(make_user(), market.online_ad(), fiat="780")
    with pytest.raises(services.OrderError, match="risk reviewers"):
        services.order_review_approve(actor=make_user(staff=True), public_id=order.public_id)
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert order.hold_id is None


def test_an_ad_asking_for_a_completion_rate_refuses_takers_below_it(market):
    from accounts.services.activity import record_trade

    ad = market.online_ad(min_completion_rate=Decimal(90))
    newcomer, steady = market.buyer(), market.buyer()
    with pytest.raises(services.OrderError, match="you have none yet"):
        place(newcomer, ad)
    record_trade(user=steady, asset_symbol=market.asset.symbol, completed=8, canceled=2)
    with pytest.raises(services.OrderError, match="at least 90%; yours is 80%"):
        place(steady, ad)
    assert Order.objects.filter(ad=ad).count() == 0
    record_trade(user=steady, asset_symbol=market.asset.symbol, completed=10)
    assert place(steady, ad).status == OrderStatus.AWAITING_PAYMENT


def test_an_ad_asking_for_completed_orders_counts_the_takers_completed_trades(market):
    from accounts.services.activity import record_trade

    ad = market.online_ad(min_completed_orders=2)
    taker = market.buyer()
    with pytest.raises(services.OrderError, match="needs 2 completed orders"):
        place(taker, ad)
    assert Order.objects.filter(ad=ad).count() == 0
    record_trade(user=taker, asset_symbol=market.asset.symbol, completed=2)
    assert place(taker, ad).status == OrderStatus.AWAITING_PAYMENT
