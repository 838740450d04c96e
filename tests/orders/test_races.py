"""Races on orders with real threads and transactions; the ledger verifies after each."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.db import connection

from accounts.models import User
from ads.models import Ad
from escrow.models import AccountKind
from escrow.models.transfers import Transfer
from escrow.verification import verify
from orders import services
from orders.models import Order, OrderStatus
from tests.concurrency import race

from .factories import FUND_PASSWORD, Market, balance, place

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def market(settings):
    settings.MAKER_FEE_RATES = {}
    settings.ORDER_MAX_OPEN_PER_USER = 3
    return Market()


def test_sixteen_buyers_on_an_ad_that_covers_five(market):
    ad = market.online_ad(total_quantity=Decimal(500), max_order_fiat=Decimal(780))
    buyers = [market.buyer() for _ in range(16)]
    results = race([partial(place, b, ad, fiat="780") for b in buyers])
    won = [r for r in results if isinstance(r, Order)]
    lost = [r for r in results if not isinstance(r, Order)]
    assert len(won) == 5, results
    assert all(isinstance(r, services.OrderError) for r in lost), lost
    ad.refresh_from_db()
    assert ad.remaining_quantity == 0
    assert balance(market.user, market.asset, AccountKind.AD_RESERVE) == 500
    assert sum(o.escrow_amount for o in won) == 500  # nothing oversold
    assert verify().ok


def paid_order(market: Market) -> tuple[Order, User, User]:
    ad = market.online_ad()
    buyer = market.buyer()
    seller = market.seller_with_fund_password()
    order = place(buyer, ad, fiat="100")
    return order, buyer, seller


def _deadline_from_the_database_clock(order: Order, after: timedelta) -> float:
    """Set the order's payment deadline to the database's clock + `after`; return that
    instant on this process's monotonic clock, for the racing threads to aim at."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orders_order SET pay_by = clock_timestamp() + make_interval(secs => %s) "
            "WHERE id = %s RETURNING EXTRACT(EPOCH FROM pay_by - clock_timestamp())",
            [after.total_seconds(), order.pk],
        )
        (left,) = cursor.fetchone()
    return time.monotonic() + float(left)


def _at(moment: float) -> None:
    """Wait for `moment`, this thread's database connection open (so it acts at once then)."""
    connection.ensure_connection()
    time.sleep(max(0.0, moment - time.monotonic()))


def _mark_paid_at(moment: float, order: Order, buyer: User) -> Order:
    _at(moment)
    return services.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")


def _timeout(public_id: str, deadline: float) -> int:
    """What the workers do: the task queued for the deadline runs at it, and the sweep runs
    after it until the order is no longer awaiting payment. Returns how many cancellations
    the timeout made."""
    _at(deadline)
    canceled = int(services.order_expire(public_id=public_id))
    for _ in range(400):
        if not Order.objects.filter(
            public_id=public_id, status=OrderStatus.AWAITING_PAYMENT
        ).exists():
            return canceled
        canceled += services.expire_overdue_orders()
        time.sleep(0.005)
    raise AssertionError("the order was still awaiting payment 2 s after its deadline")


# when the buyer clicks, from the deadline (ms; negative: before it). A call takes some
# milliseconds to reach its check under the lock, so the early clicks land on the deadline.
CLICK_OFFSETS_MS = [-40, -30, -24, -18, -12, -8, -4, 0, 3]


def test_mark_paid_racing_the_timeout_has_one_outcome(market):
    """The buyer marks paid at the very moment the payment window closes, while the timeout
    fires: paid (and the timeout does nothing) or canceled by the timeout (by the database
    clock at or after the deadline, and marking paid is refused), never both, never neither;
    the escrow follows the outcome: the hold still frozen, or voided exactly once."""
    for offset_ms in CLICK_OFFSETS_MS:
        ad = market.online_ad()
        buyer = market.buyer()
        order = place(buyer, ad, fiat="100")
        deadline = _deadline_from_the_database_clock(order, timedelta(milliseconds=150))
        click = deadline + offset_ms / 1000
        paid, timeout_cancels = race(
            [
                partial(_mark_paid_at, click, order, buyer),
                partial(_timeout, order.public_id, deadline),
            ]
        )
        order.refresh_from_db()
        ad.refresh_from_db()
        assert order.hold_id is not None
        hold = Transfer.objects.get(pk=order.hold_id)
        endings = Transfer.objects.filter(pending=hold)
        events = list(order.events.values_list("to_status", "at"))
        if order.status == OrderStatus.PAID:
            assert isinstance(paid, Order), (paid, timeout_cancels)
            assert timeout_cancels == 0, (paid, timeout_cancels)
            assert OrderStatus.CANCELED not in [to for to, _ in events]
            assert hold.status == Transfer.Status.PENDING
            assert not endings.exists()
            assert ad.remaining_quantity == ad.total_quantity - order.escrow_amount
        else:
            assert order.status == OrderStatus.CANCELED, order.status
            assert isinstance(paid, services.OrderStateError), paid
            assert re.search(r"payment window has closed|This order is canceled", str(paid))
            assert timeout_cancels == 1
            assert (order.canceled_by, order.cancel_reason) == (
                None,
                "Not paid within the payment window",
            )
            ((canceled_at,),) = [(at,) for to, at in events if to == OrderStatus.CANCELED]
            assert order.pay_by is not None
            assert canceled_at >= order.pay_by  # not before the deadline
            assert OrderStatus.PAID not in [to for to, _ in events]
            assert hold.status == Transfer.Status.VOIDED
            assert list(endings.values_list("phase", "amount")) == [
                (Transfer.Phase.VOID, order.escrow_amount)
            ]
            assert ad.remaining_quantity == ad.total_quantity
        assert verify().ok


def test_double_release_moves_the_crypto_once(market):
    order, buyer, seller = paid_order(market)
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")
    results = race(
        [
            lambda: services.order_release(
                actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD
            )
        ]
        * 6
    )
    released = [r for r in results if isinstance(r, Order)]
    assert len(released) == 1, results
    assert all(isinstance(r, services.OrderStateError) for r in results if r not in released)
    assert balance(buyer, market.asset) == order.buyer_receives
    assert verify().ok


def test_cancel_racing_paid_has_one_outcome(market):
    for _ in range(4):
        ad = market.online_ad()
        buyer = market.buyer()
        order = place(buyer, ad, fiat="100")
        paid, canceled = race(
            [
                partial(
                    services.order_mark_paid, actor=buyer, public_id=order.public_id, method="FPS"
                ),
                partial(
                    services.order_cancel,
                    actor=buyer,
                    public_id=order.public_id,
                    reason="Changed my mind",
                ),
            ]
        )
        winners = [r for r in (paid, canceled) if isinstance(r, Order)]
        assert len(winners) == 1, (paid, canceled)
        order.refresh_from_db()
        ad = Ad.objects.get(pk=ad.pk)
        if order.status == OrderStatus.CANCELED:
            assert ad.remaining_quantity == ad.total_quantity
        else:
            assert order.status == OrderStatus.PAID
    assert verify().ok
