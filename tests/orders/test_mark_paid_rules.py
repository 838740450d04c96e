"""What the risk rules do when the buyer marks an order paid: review goes on with an alert,
hold marks it paid but warns the seller and flags it for staff, block refuses and changes
nothing, and a rule that fails falls to review. The same proof picture on two orders is found
by its perceptual hash, re-encoded or resized."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw

from accounts.models.kyc import KycSubmission
from orders import services
from orders.models import ChatMessage, Order, OrderEvent, OrderStatus, PaymentProof
from orders.services import trade_risk
from risk.engine import Facts, Hit, Point, Rule
from risk.engine.base import REGISTRY
from risk.models import Alert, AlertOutcome, Mode, RuleSetting
from risk.rules import Outcome
from tests.factories import make_user

from .factories import Market, place

pytestmark = pytest.mark.django_db

LEGAL_NAME = "Chan Tai Man"


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def market(settings, media):
    settings.MAKER_FEE_RATES = {}
    return Market()


def open_order(market: Market, *, legal_name: str | None = LEGAL_NAME) -> Order:
    buyer = market.buyer()
    if legal_name:
        KycSubmission.objects.create(user=buyer, level=1, status="approved", legal_name=legal_name)
    return place(buyer, market.online_ad(), fiat="100")


def picture(kind: str) -> Image.Image:
    """A screenshot-like picture with large shapes; `kind` picks one of two layouts."""
    image = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(image)
    if kind == "bank":
        draw.rectangle((0, 0, 400, 80), fill="navy")
        draw.ellipse((140, 100, 260, 220), fill="green")
        draw.rectangle((0, 240, 200, 300), fill="gray")
    else:
        draw.rectangle((0, 220, 400, 300), fill="darkred")
        draw.polygon([(20, 20), (380, 40), (200, 200)], fill="orange")
        draw.rectangle((250, 60, 380, 140), fill="black")
    return image


def proof(image: Image.Image, fmt: str = "PNG", size: tuple[int, int] | None = None):
    if size is not None:
        image = image.resize(size)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"quality": 70} if fmt == "JPEG" else {}))
    kind = "image/jpeg" if fmt == "JPEG" else "image/png"
    return SimpleUploadedFile(f"proof.{fmt.lower()}", buffer.getvalue(), content_type=kind)


def mark_paid(order: Order, *, name: str = "", proofs: list[Any] | None = None) -> Order:
    return services.order_mark_paid(
        actor=order.buyer,
        public_id=order.public_id,
        method="FPS",
        paid_from_name=name,
        proofs=proofs or [],
    )


def system_lines(order: Order) -> list[str]:
    return list(
        ChatMessage.objects.filter(order=order, sender__isnull=True).values_list("body", flat=True)
    )


def state(order: Order) -> tuple:
    order.refresh_from_db()
    return (
        order.status,
        order.paid_at,
        order.paid_from_name,
        order.payment_check,
        OrderEvent.objects.filter(order=order).count(),
        ChatMessage.objects.filter(order=order).count(),
        PaymentProof.objects.filter(order=order).count(),
        # a block's own alert stays on record (risk.engine.refusals); nothing else is written
        Alert.objects.exclude(outcome=AlertOutcome.BLOCK).count(),
    )


class FailingRule(Rule):
    code = "test_mark_paid_fails"
    title = "fails at mark paid"
    points = frozenset({Point.MARK_PAID})

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        raise RuntimeError("broken")


# --- hold: marked paid, the seller warned, staff see the flag -------------------------------


def test_a_payment_from_another_name_is_marked_paid_but_held_for_checking(market):
    order = mark_paid(open_order(market), name="Wong Siu Ming")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert "Wong Siu Ming" in order.payment_check
    assert trade_risk.PAYMENT_CHECK_NOTE in system_lines(order)
    alert = Alert.objects.get(code="payer_name_mismatch")
    assert (alert.user_id, alert.outcome, alert.subject) == (
        order.buyer_id,
        Outcome.HOLD,
        f"order:{order.public_id}",
    )


def test_the_seller_is_told_not_to_release_a_held_payment(market, client):
    order = mark_paid(open_order(market), name="Wong Siu Ming")
    client.force_login(order.seller)
    page = client.get(reverse("orders:detail", args=[order.public_id])).content.decode()
    assert "data-payment-check" in page
    assert "do not release until it is confirmed" in page


def test_the_buyer_does_not_see_which_rule_held_the_payment(market, client):
    order = mark_paid(open_order(market), name="Wong Siu Ming")
    client.force_login(order.buyer)
    page = client.get(reverse("orders:detail", args=[order.public_id])).content.decode()
    assert "payer_name_mismatch" not in page
    assert order.payment_check not in page


def test_the_buyers_own_name_in_another_order_raises_nothing(market):
    order = mark_paid(open_order(market), name="tai man CHAN")
    order.refresh_from_db()
    assert order.payment_check == ""
    assert trade_risk.PAYMENT_CHECK_NOTE not in system_lines(order)
    assert not Alert.objects.exists()


def test_a_buyer_without_a_verified_name_raises_nothing(market):
    order = mark_paid(open_order(market, legal_name=None), name="Wong Siu Ming")
    order.refresh_from_db()
    assert order.payment_check == ""
    assert not Alert.objects.exists()


# --- review, block, failure -----------------------------------------------------------------


def test_a_review_at_mark_paid_goes_on_with_an_alert(market):
    RuleSetting.objects.create(code="payer_name_mismatch", params={"outcome": 1})
    order = mark_paid(open_order(market), name="Wong Siu Ming")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.payment_check == ""
    assert Alert.objects.get().outcome == Outcome.REVIEW


def test_a_block_at_mark_paid_refuses_and_changes_nothing(market, media):
    RuleSetting.objects.create(code="payer_name_mismatch", params={"outcome": 3})
    order = open_order(market)
    before = state(order)
    with pytest.raises(services.OrderError) as refused:
        mark_paid(order, name="Wong Siu Ming", proofs=[proof(picture("bank"))])
    assert "cannot be marked as paid" in str(refused.value.message)
    assert "Wong" not in str(refused.value.message)
    assert state(order) == before
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_a_failing_rule_at_mark_paid_falls_to_review(market, monkeypatch):
    monkeypatch.setitem(REGISTRY, FailingRule.code, FailingRule)
    order = mark_paid(open_order(market))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.payment_check == ""
    alert = Alert.objects.get(code=FailingRule.code)
    assert alert.errored
    assert alert.outcome == Outcome.REVIEW


def test_with_the_rules_off_mark_paid_reads_no_facts_for_them(market, monkeypatch):
    for code in ("payer_name_mismatch", "duplicate_proof"):
        RuleSetting.objects.create(code=code, mode=Mode.OFF)

    def unexpected(**kwargs: Any) -> None:
        raise AssertionError("read a fact no rule needs")

    monkeypatch.setattr(trade_risk, "kyc_legal_name", unexpected)
    monkeypatch.setattr(trade_risk, "_nearest_proof", unexpected)
    order = mark_paid(open_order(market), name="Wong Siu Ming", proofs=[proof(picture("bank"))])
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert not Alert.objects.exists()


# --- duplicate proofs ---------------------------------------------------------------------


def test_a_proof_is_stored_with_its_perceptual_hash(market):
    order = mark_paid(open_order(market), proofs=[proof(picture("bank"))])
    assert PaymentProof.objects.get(order=order).image_hash is not None


def test_a_picture_of_one_colour_has_no_hash(market):
    order = mark_paid(open_order(market), proofs=[proof(Image.new("RGB", (60, 40), "teal"))])
    assert PaymentProof.objects.get(order=order).image_hash is None


def test_the_same_picture_re_encoded_and_resized_on_another_order_is_reviewed(market):
    first = mark_paid(open_order(market), proofs=[proof(picture("bank"))])
    again = proof(picture("bank"), "JPEG", size=(200, 150))
    second = mark_paid(open_order(market), proofs=[proof(picture("other")), again])
    second.refresh_from_db()
    assert second.status == OrderStatus.PAID
    assert second.payment_check == ""  # a review: nothing held
    alert = Alert.objects.get(code="duplicate_proof")
    assert (alert.user_id, alert.outcome, alert.subject) == (
        second.buyer_id,
        Outcome.REVIEW,
        f"order:{second.public_id}",
    )
    assert f"order:{first.public_id}" in alert.explanation


def test_a_different_picture_on_another_order_is_not_reviewed(market):
    mark_paid(open_order(market), proofs=[proof(picture("bank"))])
    mark_paid(open_order(market), proofs=[proof(picture("other"))])
    assert not Alert.objects.filter(code="duplicate_proof").exists()


def test_pictures_of_one_colour_on_two_orders_are_not_taken_for_one_proof(market):
    mark_paid(open_order(market), proofs=[proof(Image.new("RGB", (60, 40), "teal"))])
    mark_paid(open_order(market), proofs=[proof(Image.new("RGB", (60, 40), "navy"))])
    assert not Alert.objects.filter(code="duplicate_proof").exists()


# --- staff ---------------------------------------------------------------------------------


def test_staff_find_held_payments_in_the_order_list_and_see_the_flag(market, client):
    held = mark_paid(open_order(market), name="Wong Siu Ming")
    plain = mark_paid(open_order(market), name=LEGAL_NAME)
    client.force_login(make_user(staff=True, superuser=True))
    changelist = reverse("admin:orders_order_changelist")
    listed = client.get(changelist, {"payment_check": "yes"}).content.decode()
    assert held.public_id in listed
    assert plain.public_id not in listed
    page = client.get(reverse("admin:orders_order_change", args=[held.pk])).content.decode()
    assert "Wong Siu Ming" in page


def test_staff_confirm_a_held_payment_and_the_seller_is_told(market, client):
    order = mark_paid(open_order(market), name="Wong Siu Ming")
    client.force_login(make_user(staff=True, superuser=True))
    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "confirm_payment", "_selected_action": [order.pk]},
        follow=True,
    )
    assert "1 payment(s) confirmed." in response.content.decode()
    order.refresh_from_db()
    assert order.payment_check == ""
    assert trade_risk.PAYMENT_CHECKED_NOTE in system_lines(order)


def test_only_risk_reviewers_confirm_a_held_payment(market):
    order = mark_paid(open_order(market), name="Wong Siu Ming")
    with pytest.raises(services.OrderError):
        services.order_payment_check_clear(actor=make_user(staff=True), public_id=order.public_id)
    order.refresh_from_db()
    assert order.payment_check != ""
