"""Logins, lock-outs, restrictions, the cool-down, 2FA for staff and the security page."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import LoginRecord, Restriction, SecurityEvent
from accounts.models.security import RestrictionKind
from accounts.selectors import active_restriction
from accounts.services import security
from tests.factories import TOTP_SECRET, give_totp, make_user, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
LOGIN = reverse("account_login")


def log_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- login, history and lock-out ----------------------------------------------------------------


def test_logins_and_failures_are_recorded_with_the_address():
    user = make_user()
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="TestBrowser/1.0")
    log_in(client, user.email, "wrong-password")
    log_in(client, user.email)
    assert logged_in(client)
    records = list(LoginRecord.objects.order_by("at", "id").values_list("success", "user", "ip"))
    assert records == [(False, user.pk, "203.0.113.9"), (True, user.pk, "203.0.113.9")]


def test_repeated_wrong_passwords_lock_the_login_and_the_lock_expires(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/2s/key"}
    user = make_user()
    for _ in range(3):
        log_in(client, user.email, "wrong-password")
    response = log_in(client, user.email)  # the right password, but locked
    assert not logged_in(client)
    assert "Too many failed login attempts" in response.content.decode()
    time.sleep(2.2)
    log_in(client, user.email)
    assert logged_in(client)


def test_a_login_restriction_stops_the_login_with_its_reason(client):
    user = make_user()
    staff = make_user(staff=True)
    restriction = security.restrict(
        user=user,
        kind=RestrictionKind.LOGIN,
        reason="Under investigation for chargebacks",
        actor=staff,
    )
    response = log_in(client, user.email)
    assert not logged_in(client)
    follow = client.get(response["Location"]) if response.status_code == 302 else response
    assert "Under investigation for chargebacks" in follow.content.decode()
    security.lift(restriction=restriction, actor=staff)
    log_in(client, user.email)
    assert logged_in(client)


# --- restrictions -------------------------------------------------------------------------------


def test_restriction_refusals_change_nothing():
    user, staff = make_user(), make_user(staff=True)
    # keyword arguments for restrict(), some deliberately of the wrong type
    cases: list[dict[str, Any]] = [
        {"kind": "fly", "reason": "x"},
        {"kind": RestrictionKind.TRADE, "reason": "  "},
        {
            "kind": RestrictionKind.TRADE,
            "reason": "ok",
            "until": timezone.now() - timedelta(minutes=1),
        },
    ]
    for case in cases:
        with pytest.raises(security.RestrictionError):
            security.restrict(user=user, actor=staff, **case)
    with pytest.raises(security.RestrictionError):
        security.restrict(
            user=user, kind=RestrictionKind.TRADE, reason="because", actor=make_user()
        )
    assert Restriction.objects.count() == 0


def test_trade_restriction_also_blocks_selling_and_expired_ones_block_nothing():
    user = make_user()
    security.restrict(user=user, kind=RestrictionKind.TRADE, reason="Too many cancellations")
    selling = active_restriction(user=user, kind=RestrictionKind.SELL)
    assert selling is not None
    assert selling.kind == "trade"
    assert active_restriction(user=user, kind=RestrictionKind.WITHDRAW) is None
    Restriction.objects.update(
        starts_at=timezone.now() - timedelta(hours=2), until=timezone.now() - timedelta(hours=1)
    )
    assert active_restriction(user=user, kind=RestrictionKind.TRADE) is None


# --- the cool-down ------------------------------------------------------------------------------


def test_a_password_change_cools_down_selling_and_withdrawals_only(client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-password-1",
            "password2": "a-new-long-password-1",
        },
    )
    assert response.status_code == 302
    sell = active_restriction(user=user, kind=RestrictionKind.SELL)
    assert sell is not None
    assert sell.source == "cooldown"
    assert sell.until is not None
    assert timedelta(hours=23, minutes=59) < sell.until - timezone.now() <= timedelta(hours=24)
    assert active_restriction(user=user, kind=RestrictionKind.WITHDRAW) is not None
    # buying, and releasing, go on
    assert active_restriction(user=user, kind=RestrictionKind.TRADE) is None
    kinds = set(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert {"password_changed", "cooldown_started"} <= kinds


def test_the_cool_down_expires(settings):
    user = make_user()
    security.record_event(user=user, kind="password_reset")
    assert active_restriction(user=user, kind=RestrictionKind.SELL) is not None
    Restriction.objects.update(
        starts_at=timezone.now() - timedelta(hours=25), until=timezone.now() - timedelta(hours=1)
    )
    assert active_restriction(user=user, kind=RestrictionKind.SELL) is None
    assert active_restriction(user=user, kind=RestrictionKind.WITHDRAW) is None


@pytest.mark.parametrize(
    ("kind", "cools"),
    [
        ("password_changed", True),
        ("password_reset", True),
        ("email_changed", True),
        ("mfa_removed", True),
        ("fund_password_reset", True),
        ("mfa_added", False),
        ("fund_password_set", False),
        ("session_revoked", False),
    ],
)
def test_which_changes_start_the_cool_down(kind, cools):
    user = make_user()
    security.record_event(user=user, kind=kind)
    assert (active_restriction(user=user, kind=RestrictionKind.WITHDRAW) is not None) is cools


def test_removing_two_factor_starts_the_cool_down():
    user = make_user()
    authenticator = give_totp(user)
    from allauth.mfa import signals

    signals.authenticator_removed.send(
        sender=Authenticator, request=None, user=user, authenticator=authenticator
    )
    assert active_restriction(user=user, kind=RestrictionKind.SELL) is not None


# --- two-factor ---------------------------------------------------------------------------------


def test_totp_secrets_are_encrypted_at_rest():
    authenticator = give_totp(make_user())
    stored = Authenticator.objects.get(pk=authenticator.pk).data["secret"]
    assert TOTP_SECRET not in stored
    assert TOTP(authenticator).validate_code(totp_code())


def test_a_totp_code_is_accepted_once():
    authenticator = give_totp(make_user())
    code = totp_code()
    assert TOTP(authenticator).validate_code(code)
    assert not TOTP(authenticator).validate_code(code)


def test_login_with_two_factor_asks_for_the_code_and_refuses_a_replay():
    user = make_user()
    give_totp(user)
    first = Client()
    response = log_in(first, user.email)
    assert response["Location"] == reverse("mfa_authenticate")
    code = totp_code()
    first.post(reverse("mfa_authenticate"), {"code": code})
    assert logged_in(first)
    second = Client()
    log_in(second, user.email)
    response = second.post(reverse("mfa_authenticate"), {"code": code})
    assert not logged_in(second)
    assert response.status_code == 200


def test_staff_without_two_factor_cannot_reach_the_admin(client):
    staff = make_user(staff=True, superuser=True, mfa=False)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    give_totp(staff)
    assert client.get("/admin/").status_code == 200


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    client.force_login(make_user())
    assert client.get("/admin/login/").status_code == 403  # not staff


# --- the security page --------------------------------------------------------------------------


def test_security_page_shows_only_my_record(client):
    me, other = make_user(), make_user()
    log_in(Client(REMOTE_ADDR="198.51.100.7"), other.email)
    log_in(client, me.email)
    security.record_event(user=other, kind="password_changed")
    page = client.get(reverse("accounts:security"))
    assert page.status_code == 200
    overview = page.context["overview"]
    assert [r.user_id for r in overview.logins] == [me.pk]
    assert overview.events == []
    assert "198.51.100.7" not in page.content.decode()
    assert len(overview.restrictions) == 0


def test_security_page_needs_login(client):
    response = client.get(reverse("accounts:security"))
    assert response.status_code == 302
    assert LOGIN in response["Location"]


def test_signing_out_other_sessions(client):
    user = make_user()
    laptop, phone = Client(), Client()
    log_in(laptop, user.email)
    log_in(phone, user.email)
    response = laptop.post(reverse("accounts:end_sessions"))
    assert response.status_code == 302
    assert phone.get(reverse("accounts:security")).status_code == 302  # signed out
    assert laptop.get(reverse("accounts:security")).status_code == 200
    assert SecurityEvent.objects.filter(user=user, kind="session_revoked").exists()


# --- staff screens for restrictions -------------------------------------------------------------


def test_staff_restrict_and_lift_in_the_admin(client):
    staff, user = make_user(staff=True, superuser=True), make_user()
    client.force_login(staff)
    add = reverse("admin:accounts_restriction_add")
    response = client.post(add, {"user": user.pk, "kind": "withdraw", "reason": ""})
    assert response.status_code == 200
    assert Restriction.objects.count() == 0
    response = client.post(add, {"user": user.pk, "kind": "withdraw", "reason": "KYC review"})
    assert response.status_code == 302
    restriction = Restriction.objects.get()
    assert restriction.created_by == staff
    assert restriction.source == "staff"
    client.post(
        reverse("admin:accounts_restriction_changelist"),
        {"action": "lift_selected", "_selected_action": [restriction.pk]},
    )
    restriction.refresh_from_db()
    assert restriction.lifted_by == staff
    assert active_restriction(user=user, kind=RestrictionKind.WITHDRAW) is None
