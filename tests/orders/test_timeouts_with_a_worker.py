"""Unpaid orders are canceled by a real Celery worker: by the task queued at the deadline, and
by beat's sweep when that task is lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from escrow.verification import verify
from orders.models import Order, OrderStatus
from orders.tasks import expire_order
from tests.servers import celery_beat, celery_worker, server_env, wait_for

from .factories import Market, place

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.servers]


@pytest.fixture
def order(settings):
    settings.MAKER_FEE_RATES = {}
    market = Market()
    ad = market.online_ad()
    return place(market.buyer(), ad, fiat="100")


def status(order: Order) -> str:
    order.refresh_from_db()
    return order.status


def test_the_task_queued_at_the_deadline_cancels_the_order(order, tmp_path):
    due = timezone.now() + timedelta(seconds=2)
    Order.objects.filter(pk=order.pk).update(pay_by=due)
    with celery_worker(server_env(), tmp_path):
        expire_order.apply_async(args=(order.public_id,), eta=due + timedelta(milliseconds=200))
        assert wait_for(lambda: status(order) == OrderStatus.CANCELED, 40), (
            tmp_path / "worker.log"
        ).read_text()[-3000:]
    assert verify().ok


def test_the_sweep_cancels_an_order_whose_task_was_lost(order, tmp_path):
    Order.objects.filter(pk=order.pk).update(pay_by=timezone.now() - timedelta(seconds=1))
    env = server_env(ORDER_SWEEP_SECONDS="1")
    with celery_worker(env, tmp_path), celery_beat(env, tmp_path):
        assert wait_for(lambda: status(order) == OrderStatus.CANCELED, 60), (
            tmp_path / "worker.log"
        ).read_text()[-3000:]
    order.refresh_from_db()
    assert order.canceled_by is None
    assert "payment window" in order.cancel_reason
    assert verify().ok
