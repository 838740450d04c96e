"""Bodies larger than any form of the page are refused with 413 before anything reads them."""

from __future__ import annotations

import pytest
from django.test import Client

from orders.models import PaymentProof
from tests.factories import make_user
from tests.orders.factories import Market, place

pytestmark = pytest.mark.django_db


def test_an_oversized_body_gets_a_readable_413_and_changes_nothing(settings):
    settings.REQUEST_MAX_BYTES = 1024 * 1024
    settings.MAKER_FEE_RATES = {}
    market = Market()
    order = place(market.buyer(), market.online_ad(), fiat="100")
    client = Client()
    client.force_login(order.buyer)
    big = b"x" * (1024 * 1024 + 1)
    response = client.post(
        f"/orders/{order.public_id}/paid/",
        data=big,
        content_type="application/octet-stream",
    )
    assert response.status_code == 413
    assert "That upload is too large" in response.content.decode()
    assert "at most 1 MB" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "awaiting_payment"
    assert not PaymentProof.objects.filter(order=order).exists()


def test_dispute_pages_take_more_than_the_rest(settings):
    settings.REQUEST_MAX_BYTES = 1024
    settings.REQUEST_MAX_BYTES_BY_PATH = {"/disputes/": 4096}
    client = Client()
    client.force_login(make_user())
    body = b"x" * 2048
    kinds = "application/octet-stream"
    assert client.post("/orders/", data=body, content_type=kinds).status_code == 413
    # within the disputes limit: the request reaches the page (which refuses it on its own terms)
    assert client.post("/disputes/new/NOPE/", data=body, content_type=kinds).status_code != 413
