"""The demo's trade risk cases: a payment from another name held with an open alert, a proof
shown on two orders, PayPal rated high risk; seeding again adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import PaymentMethodType, PaymentRiskClass
from orders.models import Order, OrderStatus, PaymentProof
from risk.models import Alert, AlertStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_demo_holds_a_payment_from_another_name_and_finds_a_proof_used_twice():
    call_command("seed_demo")
    held = Order.objects.get(idempotency_key="demo-trade-payer-name")
    assert held.status == OrderStatus.PAID
    assert held.payment_check != ""
    assert Alert.objects.filter(
        code="payer_name_mismatch",
        subject=f"order:{held.public_id}",
        status=AlertStatus.OPEN,
    ).exists()
    twice = Order.objects.get(idempotency_key="demo-trade-duplicate-proof")
    assert twice.payment_check == ""
    alert = Alert.objects.get(code="duplicate_proof", subject=f"order:{twice.public_id}")
    assert f"order:{held.public_id}" in alert.explanation
    assert PaymentMethodType.objects.get(code="paypal").risk_class == PaymentRiskClass.HIGH


def test_seeding_the_trade_risk_demo_twice_adds_nothing():
    call_command("seed_demo")
    first = (Order.objects.count(), PaymentProof.objects.count(), Alert.objects.count())
    call_command("seed_demo")
    assert (Order.objects.count(), PaymentProof.objects.count(), Alert.objects.count()) == first
