"""Feedback after a trade: who may leave it, once; editing a negative one for a while; the
recipient's counters; the order page's section and the public list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, TradeDay, User
from orders import services
from orders import services as service
from orders.models import Order, OrderFeedback
from tests.concurrency import race
from tests.factories import make_user

from .factories import FUND_PASSWORD, Market, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(settings) -> Market:
    settings.MAKER_FEE_RATES = {}
    settings.FEEDBACK_EDIT_DAYS = 15
    return Market()


def released(market: Market) -> tuple[Order, User, User]:
    buyer = market.buyer()
    User.objects.filter(pk=buyer.pk).update(nickname="QuickBuyer")
    buyer.refresh_from_db()
    seller = market.seller_with_fund_password()
    order = place(buyer, market.online_ad(), fiat="780")
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")
    services.order_release(actor=seller, public_id=order.public_id, fund_password=FUND_PASSWORD)
    order.refresh_from_db()
    return order, buyer, seller


def ratings(user: User) -> tuple[int, int]:
    rows = TradeDay.objects.filter(user=user)
    return sum(r.positive for r in rows), sum(r.negative for r in rows)


def snapshot() -> tuple:
    return (
        list(OrderFeedback.objects.order_by("pk").values_list("pk", "rating", "comment")),
        list(TradeDay.objects.order_by("pk").values_list("pk", "positive", "negative")),
        Notification.objects.filter(kind="order.feedback").count(),
    )


def age(feedback: OrderFeedback, days: float) -> None:
    """Make the feedback (and the day its rating was counted on) `days` days old."""
    given = timezone.now() - timedelta(days=days)
    counted = TradeDay.objects.get(
        user_id=feedback.recipient_id,
        day=feedback.created_at.date(),
        asset_symbol=feedback.order.asset.symbol,
    )
    OrderFeedback.objects.filter(pk=feedback.pk).update(created_at=given)
    TradeDay.objects.filter(pk=counted.pk).update(day=given.date())


# --- leaving it -------------------------------------------------------------------------------


def test_each_party_rates_the_other_once_and_the_recipient_is_told(market):
    order, buyer, seller = released(market)
    given = service.feedback_leave(
        actor=buyer, public_id=order.public_id, rating="positive", comment="Fast release"
    )
    assert (given.author_id, given.recipient_id, given.comment) == (
        buyer.pk,
        seller.pk,
        "Fast release",
    )
    assert ratings(seller) == (1, 0)
    notice = Notification.objects.get(user=seller, kind="order.feedback")
    assert notice.title == "QuickBuyer left you positive feedback"
    assert notice.url == reverse("orders:detail", args=[order.public_id])
    service.feedback_leave(actor=seller, public_id=order.public_id, rating="negative")
    assert ratings(buyer) == (0, 1)
    notice = Notification.objects.get(user=buyer, kind="order.feedback")
    assert notice.title == f"{market.merchant.display_name} left you negative feedback"

    before = snapshot()
    with pytest.raises(service.FeedbackError, match="already left feedback"):
        service.feedback_leave(actor=buyer, public_id=order.public_id, rating="negative")
    assert snapshot() == before


def test_someone_outside_the_order_is_refused(market):
    order, _, _ = released(market)
    before = snapshot()
    with pytest.raises(service.FeedbackNotFound):
        service.feedback_leave(actor=make_user(), public_id=order.public_id, rating="negative")
    assert snapshot() == before


def test_an_order_not_released_is_refused(market):
    buyer = market.buyer()
    order = place(buyer, market.online_ad(), fiat="780")
    services.order_mark_paid(actor=buyer, public_id=order.public_id, method="FPS")
    before = snapshot()
    with pytest.raises(service.FeedbackError, match="once the order is released"):
        service.feedback_leave(actor=buyer, public_id=order.public_id, rating="positive")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("rating", "comment", "message"),
    [
        ("", "", "Choose thumbs up or thumbs down"),
        ("great", "", "Choose thumbs up or thumbs down"),
        ("positive", "x" * 501, "at most 500 characters"),
    ],
)
def test_a_bad_form_is_refused(market, rating, comment, message):
    order, buyer, _ = released(market)
    before = snapshot()
    with pytest.raises(service.FeedbackError, match=message):
        service.feedback_leave(
            actor=buyer, public_id=order.public_id, rating=rating, comment=comment
        )
    assert snapshot() == before


# --- editing it -------------------------------------------------------------------------------


def test_negative_feedback_can_turn_positive_until_day_fifteen(market):
    order, buyer, seller = released(market)
    given = service.feedback_leave(
        actor=buyer, public_id=order.public_id, rating="negative", comment="Slow"
    )
    age(given, 14.9)
    first_day = (timezone.now() - timedelta(days=14.9)).date()
    service.feedback_edit(
        actor=buyer, public_id=order.public_id, rating="negative", comment="Slower"
    )
    assert ratings(seller) == (0, 1)
    edited = service.feedback_edit(
        actor=buyer, public_id=order.public_id, rating="positive", comment="Sorted out in the end"
    )
    assert (edited.rating, edited.comment) == ("positive", "Sorted out in the end")
    assert edited.updated_at is not None
    # the count moved on the day the feedback was first given
    counted = TradeDay.objects.get(user=seller, day=first_day)
    assert (counted.positive, counted.negative) == (1, 0)
    assert ratings(seller) == (1, 0)
    assert Notification.objects.filter(
        user=seller, title="QuickBuyer changed their feedback to positive"
    ).exists()


def test_negative_feedback_is_final_after_fifteen_days(market):
    order, buyer, seller = released(market)
    given = service.feedback_leave(actor=buyer, public_id=order.public_id, rating="negative")
    age(given, 15.01)
    before = snapshot()
    with pytest.raises(service.FeedbackError, match="can no longer be changed"):
        service.feedback_edit(actor=buyer, public_id=order.public_id, rating="positive")
    assert snapshot() == before
    assert ratings(seller) == (0, 1)


def test_positive_feedback_is_final(market):
    order, buyer, _ = released(market)
    service.feedback_leave(actor=buyer, public_id=order.public_id, rating="positive")
    before = snapshot()
    with pytest.raises(service.FeedbackError, match="Positive feedback is final"):
        service.feedback_edit(actor=buyer, public_id=order.public_id, rating="negative")
    assert snapshot() == before


def test_only_the_author_edits(market):
    order, buyer, seller = released(market)
    service.feedback_leave(actor=buyer, public_id=order.public_id, rating="negative")
    before = snapshot()
    for someone in (seller, make_user()):
        with pytest.raises(service.FeedbackNotFound):
            service.feedback_edit(actor=someone, public_id=order.public_id, rating="positive")
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_leaves_one_feedback_and_counts_once(market):
    order, buyer, seller = released(market)
    results = race(
        [
            lambda: service.feedback_leave(
                actor=buyer, public_id=order.public_id, rating="positive", comment="Twice?"
            )
            for _ in range(4)
        ]
    )
    won = [r for r in results if isinstance(r, OrderFeedback)]
    lost = [r for r in results if not isinstance(r, OrderFeedback)]
    assert len(won) == 1, results
    assert all(isinstance(r, service.FeedbackError) for r in lost), lost
    assert OrderFeedback.objects.filter(order=order).count() == 1
    assert ratings(seller) == (1, 0)
    assert Notification.objects.filter(user=seller, kind="order.feedback").count() == 1


# --- pages ------------------------------------------------------------------------------------


def test_the_order_page_asks_for_feedback_only_after_release(client, market):
    buyer = market.buyer()
    order = place(buyer, market.online_ad(), fiat="780")
    client.force_login(buyer)
    page = client.get(reverse("orders:detail", args=[order.public_id])).content.decode()
    assert 'id="order-feedback"' not in page


def test_leaving_and_editing_feedback_on_the_order_page_with_htmx(client, market):
    order, buyer, seller = released(market)
    url = reverse("orders:feedback", args=[order.public_id])
    client.force_login(buyer)
    page = client.get(reverse("orders:detail", args=[order.public_id])).content.decode()
    assert 'id="order-feedback"' in page
    assert f'hx-post="{url}"' in page
    assert f"Rate your trade with {market.merchant.display_name}" in page

    refused = client.post(url, {"comment": "no rating"}, HTTP_HX_REQUEST="true")
    assert "Choose thumbs up or thumbs down." in refused.content.decode()
    assert not OrderFeedback.objects.exists()

    fragment = client.post(
        url, {"rating": "negative", "comment": "Took an hour"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert fragment.lstrip().startswith('<section class="card order-feedback" id="order-feedback"')
    assert "Thank you: your feedback is saved." in fragment
    assert "Your feedback" in fragment
    assert "Took an hour" in fragment
    given = OrderFeedback.objects.get()
    until = given.created_at + timedelta(days=15)
    assert f'until <time datetime="{until.isoformat()}">{until:%Y-%m-%d %H:%M} UTC' in fragment
    assert "Change your feedback" in fragment

    fragment = client.post(
        url, {"rating": "positive", "comment": "Fine after all"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Feedback updated." in fragment
    assert "Fine after all" in fragment
    assert "Change your feedback" not in fragment  # positive is final
    assert ratings(seller) == (1, 0)
    stale = client.post(url, {"rating": "negative"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Positive feedback is final; it cannot be changed." in stale
    assert ratings(seller) == (1, 0)

    client.force_login(seller)
    page = client.get(reverse("orders:detail", args=[order.public_id])).content.decode()
    assert "Their feedback on you" in page
    assert "Nothing yet." not in page
    assert "Rate your trade with QuickBuyer" in page


def test_without_javascript_the_form_posts_and_comes_back(client, market):
    order, buyer, _ = released(market)
    client.force_login(buyer)
    url = reverse("orders:feedback", args=[order.public_id])
    response = client.post(url, {"rating": "positive"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("orders:detail", args=[order.public_id])
    assert "Thank you: your feedback is saved." in response.content.decode()
    again = client.post(url, {"rating": "negative"}, follow=True).content.decode()
    assert "Positive feedback is final" in again
    assert OrderFeedback.objects.get().rating == "positive"


def test_someone_else_cannot_post_feedback_on_an_order(client, market):
    order, _, _ = released(market)
    client.force_login(make_user())
    url = reverse("orders:feedback", args=[order.public_id])
    assert client.post(url, {"rating": "negative"}).status_code == 404
    assert not OrderFeedback.objects.exists()


def test_the_public_feedback_list_shows_comments_never_order_numbers(client, market):
    order, buyer, seller = released(market)
    User.objects.filter(pk=seller.pk).update(nickname="HarbourDesk")
    service.feedback_leave(
        actor=buyer, public_id=order.public_id, rating="positive", comment="Smooth trade"
    )
    url = reverse("feedback:received", args=["HarbourDesk"])
    assert url == "/u/HarbourDesk/feedback/"
    page = client.get(url).content.decode()
    assert "Smooth trade" in page
    assert "QuickBuyer" in page
    assert order.asset.symbol in page
    assert order.public_id not in page
    # no amounts (the fiat total as any page would write it, the crypto amount)
    assert not re.search(r"\b780(\.00)?\b(?!\+)", re.sub(r'datetime="[^"]*"', "", page))
    assert "100 " + order.asset.symbol not in page
    assert "Positive feedback</dt><dd>100%</dd>" in page
    assert 'href="/u/HarbourDesk/"' in page
    negative = client.get(url, {"tab": "negative"}).content.decode()
    assert "Smooth trade" not in negative
    assert "No negative feedback yet." in negative
    assert client.get("/u/harbourdesk/feedback/")["Location"] == url
    assert client.get("/u/nobody-here/feedback/").status_code == 404
