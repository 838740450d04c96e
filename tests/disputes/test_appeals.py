"""The parties' side of an appeal: opening it (when, by whom, what it changes), withdrawing it,
and what each refusal leaves untouched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification, TradeDay
from disputes import services
from disputes.models import ActionKind, Dispute, DisputeAction, DisputeReason, DisputeStatus
from escrow.models.transfers import Transfer
from escrow.verification import verify
from orders.models import Order, OrderEvent, OrderStatus
from tests.factories import make_user

from .factories import DESCRIPTION, disputed_order, paid_order

pytestmark = pytest.mark.django_db


def snapshot(order: Order) -> tuple:
    order.refresh_from_db()
    return (
        order.status,
        OrderEvent.objects.filter(order=order).count(),
        Dispute.objects.filter(order=order).count(),
        DisputeAction.objects.count(),
        list(Transfer.objects.order_by("pk").values_list("pk", "status")),
        Notification.objects.filter(kind__startswith="dispute.").count(),
    )


def appeal(order: Order, user, **overrides):
    arguments = {
        "actor": user,
        "order_public_id": order.public_id,
        "reason": DisputeReason.NOT_RELEASED,
        "description": DESCRIPTION,
        **overrides,
    }
    return services.dispute_open(**arguments)


def test_the_buyer_appeals_a_paid_order(market):
    order = paid_order(market)
    before = timezone.now()
    dispute = appeal(order, order.buyer)
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPUTED
    assert (dispute.status, dispute.opened_by_id, dispute.respondent_id) == (
        DisputeStatus.OPEN,
        order.buyer_id,
        order.seller_id,
    )
    hours = timedelta(hours=12)
    assert before + hours <= dispute.respond_by <= timezone.now() + hours
    assert list(dispute.actions.values_list("kind", "actor_id")) == [
        (ActionKind.OPENED, order.buyer_id)
    ]
    notice = Notification.objects.get(user=order.seller, kind="dispute.opened")
    assert f"{dispute.respond_by:%Y-%m-%d %H:%M} UTC" in notice.body
    assert notice.url == f"/disputes/{dispute.public_id}/"
    appeals = dict(
        TradeDay.objects.filter(asset_symbol=order.asset.symbol).values_list("user_id", "appeals")
    )
    assert appeals == {order.buyer_id: 1, order.seller_id: 1}
    # the escrow stays frozen
    assert order.hold_id is not None
    hold = Transfer.objects.get(pk=order.hold_id)
    assert hold.status == Transfer.Status.PENDING
    assert verify().ok


def test_the_seller_may_appeal_too(market):
    dispute = disputed_order(market, by="seller")
    assert dispute.opened_by_id == dispute.order.seller_id
    assert dispute.respondent_id == dispute.order.buyer_id


def test_an_appeal_before_appeal_after_is_refused_and_nothing_changes(market):
    order = paid_order(market)
    Order.objects.filter(pk=order.pk).update(appeal_after=timezone.now() + timedelta(minutes=10))
    before = snapshot(order)
    with pytest.raises(services.DisputeStateError, match="You can appeal from"):
        appeal(order, order.buyer)
    assert snapshot(order) == before
    assert not TradeDay.objects.filter(appeals__gt=0).exists()


def test_an_unpaid_order_cannot_be_appealed(market):
    from tests.orders.factories import place

    order = place(market.buyer(), market.trade_ad(), fiat="780")
    before = snapshot(order)
    with pytest.raises(services.DisputeStateError, match="awaiting payment"):
        appeal(order, order.buyer)
    assert snapshot(order) == before


@pytest.mark.parametrize("description", ["", "too short", "x" * 19])
def test_a_description_under_20_characters_is_refused(market, description):
    order = paid_order(market)
    before = snapshot(order)
    with pytest.raises(services.DisputeInvalid, match="at least 20 characters") as refused:
        appeal(order, order.buyer, description=description)
    assert refused.value.field == "description"
    assert snapshot(order) == before


def test_an_unknown_reason_is_refused(market):
    order = paid_order(market)
    before = snapshot(order)
    with pytest.raises(services.DisputeInvalid, match="reason"):
        appeal(order, order.buyer, reason="because")
    assert snapshot(order) == before


def test_someone_else_cannot_appeal_an_order(market):
    order = paid_order(market)
    before = snapshot(order)
    with pytest.raises(services.DisputeNotFound):
        appeal(order, make_user())
    with pytest.raises(services.DisputeNotFound):
        appeal(order, make_user(), order_public_id="NOSUCHORDER")
    assert snapshot(order) == before


def test_a_second_appeal_while_one_is_open_is_refused(market):
    dispute = disputed_order(market)
    order = dispute.order
    before = snapshot(order)
    for party in (order.buyer, order.seller):
        with pytest.raises(services.DisputeStateError, match="already open"):
            appeal(order, party)
    assert snapshot(order) == before


def test_the_opener_withdraws_and_the_order_is_paid_again(market):
    dispute = disputed_order(market)
    order = dispute.order
    services.dispute_withdraw(actor=order.buyer, dispute_public_id=dispute.public_id, note="sorted")
    dispute.refresh_from_db()
    order.refresh_from_db()
    assert (dispute.status, dispute.outcome, order.status) == (
        DisputeStatus.WITHDRAWN,
        "",
        OrderStatus.PAID,
    )
    assert dispute.closed_at is not None
    last = dispute.actions.last()
    assert last is not None
    assert last.kind == ActionKind.WITHDRAWN
    assert order.hold_id is not None
    assert Transfer.objects.get(pk=order.hold_id).status == Transfer.Status.PENDING
    # a new appeal is possible again later
    again = appeal(order, order.seller)
    assert again.pk != dispute.pk
    assert again.status == DisputeStatus.OPEN


def test_only_the_opener_may_withdraw(market):
    dispute = disputed_order(market)
    order = dispute.order
    before = snapshot(order)
    with pytest.raises(services.DisputeNotAllowed, match="opened the appeal"):
        services.dispute_withdraw(actor=order.seller, dispute_public_id=dispute.public_id)
    with pytest.raises(services.DisputeNotFound):
        services.dispute_withdraw(actor=make_user(), dispute_public_id=dispute.public_id)
    assert snapshot(order) == before


def test_a_withdrawn_appeal_cannot_be_withdrawn_again(market):
    dispute = disputed_order(market)
    services.dispute_withdraw(actor=dispute.opened_by, dispute_public_id=dispute.public_id)
    before = snapshot(dispute.order)
    with pytest.raises(services.DisputeStateError, match="withdrawn"):
        services.dispute_withdraw(actor=dispute.opened_by, dispute_public_id=dispute.public_id)
    assert snapshot(dispute.order) == before
