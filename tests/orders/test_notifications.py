"""Order notices: every transition tells the right party (never the one who acted), and the
reminders (pay soon; the buyer paid, release) go out once, on time, only for open orders, even
when two sweeps run at the same instant."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models.functions import Now

from accounts.models import Notification, User
from orders import services
from orders.models import Order, OrderStatus
from orders.services import reminders
from tests.concurrency import race
from tests.factories import make_user

from .factories import FUND_PASSWORD, Market, place


@pytest.fixture
def market(settings):
    settings.MAKER_FEE_RATES = {}
    return Market()


@pytest.fixture
def trade(market) -> tuple[Order, User, User]:
    """An order awaiting payment on the merchant's sell ad: (order, buyer, seller)."""
    market.seller_with_fund_password()
    order = place(market.buyer(), market.online_ad(total_quantity=Decimal(100)), fiat="780")
    return order, order.buyer, market.user


def kinds(user: User) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


def last(user: User) -> Notification:
    notice = Notification.objects.filter(user=user).order_by("-id").first()
    assert notice is not None
    return notice


def paid(order: Order) -> Order:
    services.order_mark_paid(actor=order.buyer, public_id=order.public_id, method="FPS")
    order.refresh_from_db()
    return order


def disputed(order: Order, by: User) -> Order:
    paid(order)
    Order.objects.filter(pk=order.pk).update(appeal_after=Now() - timedelta(minutes=1))
    with transaction.atomic():
        services.order_dispute_open(actor=by, public_id=order.public_id)
    return order


# --- who hears of each transition ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_order_tells_the_merchant_with_the_figures(trade):
    order, buyer, seller = trade
    assert kinds(buyer) == []  # the taker placed it: nothing to tell them
    assert kinds(seller) == ["order.new"]
    notice = last(seller)
    assert order.public_id in notice.title
    assert "100 " + order.asset.symbol in notice.body
    assert "780.00 " + order.fiat.code in notice.body
    assert notice.url == f"/orders/{order.public_id}/"
    assert notice.read_at is None


@pytest.mark.django_db
def test_a_merchant_who_must_pay_is_told_by_when(market):
    from accounts.models import KycSubmission
    from ads.models import Side
    from tests.ads.factories import make_payment_method
    from tests.factories import funded_account

    ad = market.online_ad(Side.BUY)
    taker = market.buyer()
    funded_account(taker, market.asset, "50")
    KycSubmission.objects.create(user=taker, level=1, status="approved", legal_name="T")
    order = place(
        taker, ad, fiat="156", payment_method_ids=[make_payment_method(taker, market.kind).pk]
    )
    notice = last(market.user)
    assert (notice.kind, order.buyer_id) == ("order.new", market.user.pk)
    assert "you buy" in notice.title
    assert "Pay 156.00" in notice.body
    assert "UTC" in notice.body
    assert kinds(taker) == []


@pytest.mark.django_db
def test_a_held_order_tells_the_taker_and_approval_tells_both(market, settings):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {market.fiat.code: "500"}
    taker = make_user()  # joined just now: held for review
    order = place(taker, market.online_ad(), fiat="780")
    assert order.status == OrderStatus.PENDING
    assert kinds(taker) == ["order.held"]
    assert kinds(market.user) == []
    assert "waiting for review" in last(taker).title
    staff = make_user(staff=True, perms=["orders.review_held_order"])
    services.order_review_approve(actor=staff, public_id=order.public_id)
    assert kinds(taker) == ["order.held", "order.approved"]
    assert "Pay 780.00" in last(taker).body
    assert kinds(market.user) == ["order.new"]
    assert kinds(staff) == []


@pytest.mark.django_db
def test_a_rejected_held_order_tells_only_the_taker_with_the_reason(market, settings):
    settings.RISK_NEW_ACCOUNT_MAX_FIAT = {market.fiat.code: "500"}
    taker = make_user()
    order = place(taker, market.online_ad(), fiat="780")
    staff = make_user(staff=True, perms=["orders.review_held_order"])
    services.order_review_reject(actor=staff, public_id=order.public_id, reason="unusual amount")
    assert kinds(taker) == ["order.held", "order.canceled"]
    assert "unusual amount" in last(taker).body
    assert kinds(market.user) == []
    assert kinds(staff) == []


@pytest.mark.django_db
def test_paid_tells_the_seller_to_check_then_release(trade):
    order, buyer, seller = trade
    paid(order)
    assert kinds(seller) == ["order.new", "order.paid"]
    notice = last(seller)
    assert "check your account, then release" in notice.title
    assert "780.00" in notice.body
    assert "FPS" in notice.body
    assert kinds(buyer) == []


@pytest.mark.django_db
def test_release_tells_the_buyer_only(trade):
    order, buyer, seller = trade
    paid(order)
    services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    assert kinds(buyer) == ["order.released"]
    assert "100 " + order.asset.symbol in last(buyer).title
    assert kinds(seller) == ["order.new", "order.paid"]


@pytest.mark.django_db
def test_the_buyers_cancel_tells_the_seller_with_the_reason(trade):
    order, buyer, seller = trade
    services.order_cancel(actor=buyer, public_id=order.public_id, reason="wrong amount")
    assert kinds(seller)[-1] == "order.canceled"
    assert "wrong amount" in last(seller).body
    assert "went back to your ad" in last(seller).body
    assert kinds(buyer) == []


@pytest.mark.django_db
def test_a_timeout_tells_both_parties(trade):
    order, buyer, seller = trade
    Order.objects.filter(pk=order.pk).update(pay_by=order.created_at)
    assert services.order_expire(public_id=order.public_id)
    for user in (buyer, seller):
        assert kinds(user)[-1] == "order.canceled"
        assert "Not paid within the payment window" in last(user).body


@pytest.mark.django_db
def test_the_order_transition_to_disputed_leaves_the_notice_to_the_disputes_app(trade):
    order, buyer, seller = trade
    disputed(order, by=buyer)  # tests/disputes check the respondent's notice and deadline
    assert kinds(seller) == ["order.new", "order.paid"]
    assert kinds(buyer) == []


@pytest.mark.django_db
def test_a_withdrawn_appeal_tells_the_other_party_or_both_when_staff_act(trade, market):
    order, buyer, seller = trade
    disputed(order, by=buyer)
    with transaction.atomic():
        services.order_dispute_withdraw(actor=buyer, public_id=order.public_id, note="Sorted out")
    assert kinds(seller)[-1] == "order.dispute_withdrawn"
    assert kinds(buyer) == []

    other = place(market.buyer(), market.online_ad(total_quantity=Decimal(100)), fiat="780")
    disputed(other, by=other.buyer)
    staff = make_user(staff=True)
    with transaction.atomic():
        services.order_dispute_withdraw(actor=staff, public_id=other.public_id, note="Back to you")
    assert kinds(other.buyer)[-1] == "order.dispute_withdrawn"
    assert kinds(seller)[-1] == "order.dispute_withdrawn"
    assert kinds(staff) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decide", "buyer_title", "seller_title"),
    [
        (services.order_resolve_release, "released to you", "released to the buyer"),
        (services.order_resolve_refund, "decided: canceled", "the crypto is back with you"),
    ],
)
def test_a_staff_decision_tells_both_parties(trade, decide, buyer_title, seller_title):
    order, buyer, seller = trade
    disputed(order, by=seller)
    staff = make_user(staff=True)
    with transaction.atomic():
        decide(actor=staff, public_id=order.public_id, note="Bank statement checked")
    for user, title in ((buyer, buyer_title), (seller, seller_title)):
        notice = last(user)
        assert notice.kind == "order.dispute_decided"
        assert title in notice.title
        assert "Bank statement checked" in notice.body
    assert kinds(staff) == []


@pytest.mark.django_db
def test_a_refused_transition_tells_nobody(trade):
    order, _buyer, seller = trade
    before = Notification.objects.count()
    with pytest.raises(services.OrderError):
        services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    with pytest.raises(services.OrderError):
        services.order_cancel(actor=seller, public_id=order.public_id, reason="not mine to cancel")
    assert Notification.objects.count() == before


# --- reminders ----------------------------------------------------------------------------------


def due_to_pay(order: Order, minutes: int) -> None:
    Order.objects.filter(pk=order.pk).update(pay_by=Now() + timedelta(minutes=minutes))


def paid_ago(order: Order, minutes: int) -> None:
    Order.objects.filter(pk=order.pk).update(paid_at=Now() - timedelta(minutes=minutes))


@pytest.mark.django_db
def test_the_buyer_is_reminded_once_when_the_deadline_is_near(trade, settings):
    settings.ORDER_PAYMENT_REMINDER_MINUTES = 5
    order, buyer, _ = trade
    due_to_pay(order, 10)
    assert reminders.send_due_reminders() == 0  # not yet
    due_to_pay(order, 3)
    assert reminders.send_due_reminders() == 1
    notice = last(buyer)
    assert notice.kind == "order.payment_reminder"
    assert "minutes left to pay" in notice.title
    assert order.public_id in notice.title
    assert "780.00" in notice.body
    assert notice.url == f"/orders/{order.public_id}/"
    assert reminders.send_due_reminders() == 0
    assert kinds(buyer).count("order.payment_reminder") == 1


@pytest.mark.django_db
def test_an_overdue_or_closed_order_gets_no_payment_reminder(trade, settings):
    settings.ORDER_PAYMENT_REMINDER_MINUTES = 5
    order, buyer, _ = trade
    Order.objects.filter(pk=order.pk).update(pay_by=Now() - timedelta(seconds=5))
    assert reminders.send_due_reminders() == 0  # the timeout, not a reminder, comes next
    due_to_pay(order, 3)
    services.order_cancel(actor=buyer, public_id=order.public_id, reason="changed my mind")
    assert reminders.send_due_reminders() == 0
    assert "order.payment_reminder" not in kinds(buyer)


@pytest.mark.django_db
def test_the_seller_is_reminded_once_to_release(trade, settings):
    settings.ORDER_RELEASE_REMINDER_MINUTES = 15
    order, _, seller = trade
    paid(order)
    paid_ago(order, 10)
    assert reminders.send_due_reminders() == 0
    paid_ago(order, 20)
    assert reminders.send_due_reminders() == 1
    notice = last(seller)
    assert notice.kind == "order.release_reminder"
    assert "the buyer paid 20 minutes ago: check your account and release" in notice.title
    assert reminders.send_due_reminders() == 0


@pytest.mark.django_db
def test_released_or_disputed_orders_get_no_release_reminder(trade, market, settings):
    settings.ORDER_RELEASE_REMINDER_MINUTES = 15
    order, _buyer, seller = trade
    paid(order)
    services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    paid_ago(order, 60)
    other = place(market.buyer(), market.online_ad(total_quantity=Decimal(100)), fiat="780")
    disputed(other, by=other.buyer)
    paid_ago(other, 60)
    assert reminders.send_due_reminders() == 0
    assert "order.release_reminder" not in kinds(seller)


@pytest.mark.django_db
def test_the_sweep_runs_as_a_celery_task_every_30_seconds(trade, settings):
    from orders.tasks import send_order_reminders
    from otc.settings.base import CELERY_BEAT_SCHEDULE

    assert CELERY_BEAT_SCHEDULE["orders-reminders"] == {
        "task": "orders.tasks.send_order_reminders",
        "schedule": 30.0,
    }
    order, buyer, _ = trade
    due_to_pay(order, 2)
    assert send_order_reminders() == 1
    assert kinds(buyer) == ["order.payment_reminder"]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_remind_each_party_once(market, settings):
    settings.ORDER_PAYMENT_REMINDER_MINUTES = 5
    settings.ORDER_RELEASE_REMINDER_MINUTES = 15
    market.seller_with_fund_password()
    ad = market.online_ad(total_quantity=Decimal(500))
    orders = [place(market.buyer(), ad, fiat="780") for _ in range(4)]
    for order in orders[:2]:
        due_to_pay(order, 3)
    for order in orders[2:]:
        paid(order)
        paid_ago(order, 30)

    results = race([reminders.send_due_reminders] * 4)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 4
    for order in orders[:2]:
        assert kinds(order.buyer).count("order.payment_reminder") == 1
    assert kinds(market.user).count("order.release_reminder") == 2
