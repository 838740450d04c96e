"""What the appeal sends and shows is in the reader's language: a notification in its
recipient's, whatever the language of whoever caused it; the pages in the visitor's."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification, User
from disputes import services
from disputes.models import DisputeReason

from .factories import DESCRIPTION, paid_order

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "title", "reason"),
    [
        ("zh-hans", "已被申诉", "但卖家不放币"),
        ("zh-hant", "已被申訴", "但賣家不放幣"),
        ("en", "is under appeal", "I paid, but the seller does not release"),
    ],
)
def test_the_appeal_notice_is_in_the_respondents_language(market, language, title, reason):
    order = paid_order(market)
    User.objects.filter(pk=order.seller_id).update(language=language)
    with translation.override("en" if language != "en" else "zh-hans"):  # the buyer's language
        services.dispute_open(
            actor=order.buyer,
            order_public_id=order.public_id,
            reason=DisputeReason.NOT_RELEASED,
            description=DESCRIPTION,
        )
    notice = Notification.objects.get(user=order.seller, kind="dispute.opened")
    assert title in notice.title
    assert order.public_id in notice.title
    assert reason in notice.body


def test_the_appeal_page_speaks_traditional_chinese(client, market):
    order = paid_order(market)
    client.force_login(order.buyer)
    page = client.get(
        reverse("disputes:new", args=[order.public_id]), HTTP_ACCEPT_LANGUAGE="zh-hant"
    ).content.decode()
    assert "申訴流程" in page
    assert "你是買家" in page
    assert "How an appeal works" not in page
