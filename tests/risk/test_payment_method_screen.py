"""Risk's screen of a payment method being added: a blacklisted account, holder, browser or IP
refuses it with nothing stored and without saying why; an account another user saved is kept
with an alert for staff; a hold is kept too; an edit to a listed account is refused. The add
and edit pages pass the screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.fingerprints import fingerprint_of
from accounts.models import PaymentMethodType, UserPaymentMethod
from accounts.services.payment_methods import payment_method_add, payment_method_update
from risk.engine import Facts, Hit, Point, Rule
from risk.engine.base import REGISTRY
from risk.models import Alert, BlacklistKind
from risk.rules import Outcome
from risk.screening import PaymentMethodRefused, screen_payment_method
from tests.factories import make_user

from .identity_helpers import DEVICE, blacklist, listed_person, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def fps() -> PaymentMethodType:
    return PaymentMethodType.objects.create(
        code="fps",
        name="FPS",
        fields=[{"key": "fps_id", "label": "FPS ID", "required": True}],
    )


def add(user: Any, kind: PaymentMethodType, number: str = "9123 4567", holder="Chan Tai Man"):
    return payment_method_add(
        actor=user,
        method_type=kind,
        holder_name=holder,
        details={"fps_id": number},
        screen=screen_payment_method,
    )


def stored() -> tuple[int, int]:
    return UserPaymentMethod.objects.count(), Alert.objects.count()


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (BlacklistKind.PAYMENT_ACCOUNT, "fps:91234567"),
        (BlacklistKind.LEGAL_NAME, "Man Tai Chan"),
        (BlacklistKind.DEVICE, DEVICE),
        (BlacklistKind.IP_RANGE, "203.0.113.0/28"),
    ],
)
def test_a_blacklist_match_refuses_the_method_and_stores_nothing(fps, kind, value):
    user = listed_person(make_user())
    blacklist(kind, value, reason="secret reason")
    with pytest.raises(PaymentMethodRefused) as refused:
        add(user, fps)
    assert "cannot be used" in str(refused.value.message)
    assert "secret" not in str(refused.value.message)
    # the refusal rolls the add back, its alert with it
    assert stored() == (0, 0)


def test_an_unlisted_person_saves_the_method(fps):
    user = listed_person(make_user())
    blacklist(BlacklistKind.IP_RANGE, "198.51.100.0/24")
    method = add(user, fps)
    assert method.fingerprint.startswith("fps:")
    assert not Alert.objects.exists()


def test_an_account_another_user_saved_is_kept_with_an_alert(fps):
    add(verify(make_user()), fps, number="91234567")
    second = verify(make_user())
    method = add(second, fps, number="9123-4567")
    assert method.pk is not None
    alert = Alert.objects.get(user=second)
    assert (alert.code, alert.outcome, alert.point) == (
        "shared_payment_account",
        Outcome.REVIEW,
        Point.PAYMENT_METHOD_ADD,
    )


class HoldEveryMethod(Rule):
    code = "test_hold_methods"
    title = "holds every method"
    points = frozenset({Point.PAYMENT_METHOD_ADD})

    def evaluate(self, facts: Facts, params: dict[str, Any]) -> Hit | None:
        return Hit(Outcome.HOLD, "held")


def test_a_hold_saves_the_method_as_a_review_would(fps, monkeypatch):
    monkeypatch.setitem(REGISTRY, HoldEveryMethod.code, HoldEveryMethod)
    user = verify(make_user())
    assert add(user, fps).pk is not None
    assert Alert.objects.get(user=user).code == "test_hold_methods"


def test_the_add_page_refuses_a_blacklisted_account_with_a_form_error(client, fps):
    user = verify(make_user())
    blacklist(BlacklistKind.PAYMENT_ACCOUNT, "fps:91234567")
    client.force_login(user)
    response = client.post(
        reverse("accounts:payment_method_add", args=["fps"]),
        {"holder_name": "Chan Tai Man", "detail_fps_id": "9123 4567"},
    )
    assert response.status_code == 200
    assert "cannot be used" in response.content.decode()
    assert not UserPaymentMethod.objects.exists()


def test_an_edit_to_a_blacklisted_account_is_refused_and_the_method_unchanged(fps):
    user = verify(make_user())
    method = add(user, fps, number="5555 0000")
    blacklist(BlacklistKind.PAYMENT_ACCOUNT, "fps:91234567")
    with pytest.raises(PaymentMethodRefused):
        payment_method_update(
            actor=user,
            method=method,
            holder_name="Chan Tai Man",
            details={"fps_id": "9123 4567"},
            screen=screen_payment_method,
        )
    method.refresh_from_db()
    assert method.details == {"fps_id": "5555 0000"}
    assert method.fingerprint == fingerprint_of("fps", "55550000")


def test_the_edit_page_passes_the_screen(client, fps):
    user = verify(make_user())
    method = add(user, fps, number="5555 0000")
    blacklist(BlacklistKind.PAYMENT_ACCOUNT, "fps:91234567")
    client.force_login(user)
    response = client.post(
        reverse("accounts:payment_method_edit", args=[method.pk]),
        {"holder_name": "Chan Tai Man", "detail_fps_id": "9123 4567"},
    )
    assert response.status_code == 200
    assert "cannot be used" in response.content.decode()
    method.refresh_from_db()
    assert method.details == {"fps_id": "5555 0000"}
