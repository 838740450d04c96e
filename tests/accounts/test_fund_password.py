"""The fund password: rules, Argon2, tries and lock-out (also under a race), 2FA, the reset by
email with its cool-down, the pages (behind re-authentication) and the admin unlock.

Re-authentication in page tests: `client.force_login(user)` then a POST of the login password
to allauth's `account_reauthenticate` page (see `reauthenticated`), which records a fresh
"reauthenticated" entry in the session exactly as a person confirming their password would.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    FundPassword,
    FundPasswordAttempt,
    FundPasswordReset,
    Restriction,
    SecurityEvent,
    User,
)
from accounts.models.security import SecurityEventKind
from accounts.selectors import fund_password_status
from accounts.services import fund_password as fp
from accounts.services.fund_password import (
    FundPasswordAlreadySet,
    FundPasswordLocked,
    FundPasswordNotSet,
    FundPasswordRuleError,
    NotStaff,
    ResetLinkInvalid,
    ResetTooSoon,
    TwoFactorRequired,
    WrongFundPassword,
    WrongTwoFactorCode,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN_PASSWORD = "a-long-test-password"
SECRET = "Fund-Secret-2026"
OTHER_SECRET = "Another-Fund-Secret-7"
TOTP_SEED = "KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF"
PAGE = reverse("accounts:fund_password")
RESET = reverse("accounts:fund_password_reset")


# --- helpers ------------------------------------------------------------------------------------


def http_request(ip: str = "198.51.100.7") -> Any:
    return RequestFactory().post("/", REMOTE_ADDR=ip, HTTP_HOST="testserver")


def with_fund_password(user: User | None = None, raw: str = SECRET) -> User:
    user = user or make_user()
    fp.fund_password_set(actor=user, raw=raw)
    return user


def with_totp(user: User, seed: str = TOTP_SEED) -> None:
    TOTP.activate(user, seed)


def totp_now(seed: str = TOTP_SEED) -> str:
    """The current code, waiting for the next period when this one is about to end."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 10:  # a loaded machine may take seconds between steps
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(seed, int(time.time()) // period))


def snapshot(user: User) -> dict[str, Any]:
    return {
        "row": FundPassword.objects.filter(user=user)
        .values("password_hash", "set_at", "failed_attempts", "locked_until")
        .first(),
        "attempts": list(
            FundPasswordAttempt.objects.filter(user=user)
            .order_by("pk")
            .values_list("success", "purpose")
        ),
        "events": sorted(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True)),
        "resets": list(
            FundPasswordReset.objects.filter(user=user)
            .order_by("pk")
            .values_list("pk", "expires_at", "used_at")
        ),
        "restrictions": Restriction.objects.filter(user=user).count(),
    }


def row(user: User) -> FundPassword:
    return FundPassword.objects.get(user=user)


def verify(user: User, raw: str = SECRET, **kwargs: Any) -> None:
    kwargs.setdefault("purpose", "release")
    fp.fund_password_verify(actor=user, raw=raw, **kwargs)


def wrong_tries(user: User, count: int) -> list[str]:
    messages = []
    for _ in range(count):
        with pytest.raises(fp.FundPasswordError) as refused:
            verify(user, "Not-The-Password-1")
        messages.append(refused.value.message)
    return messages


def reset_token(user: User, captured: Any) -> str:
    """Ask for a reset link and return the token from the mail that commit sends."""
    with captured(execute=True):
        fp.fund_password_reset_request(actor=user, request=http_request())
    message = mail.outbox[-1]
    assert message.to == [user.email]
    body = str(message.body)
    found = re.search(r"https?://\S+/security/fund-password/reset/([^/\s]+)/", body)
    assert found, body
    return found.group(1)


def reauthenticated(client: Client, user: User) -> Client:
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": LOGIN_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


# --- setting and the rules ----------------------------------------------------------------------


def test_set_stores_an_argon2_hash_and_records_the_event():
    user = make_user()
    fp.fund_password_set(actor=user, raw=SECRET, request=http_request())
    stored = row(user)
    assert stored.password_hash.startswith("argon2")  # even though logins hash with MD5 here
    assert SECRET not in stored.password_hash
    assert stored.failed_attempts == 0
    assert stored.locked_until is None
    assert stored.set_at
    assert list(SecurityEvent.objects.filter(user=user).values_list("kind", "ip")) == [
        (SecurityEventKind.FUND_PASSWORD_SET, "198.51.100.7")
    ]
    assert not Restriction.objects.filter(user=user).exists()  # setting does not cool down
    status = fund_password_status(user=user)
    assert status["is_set"]
    assert status["failed_attempts"] == 0
    assert status["locked_until"] is None


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("Ab1!xyz", "8 to 64 characters"),
        ("A" * 30 + "b" * 35, "8 to 64 characters"),
        ("zzzzzzzzzz", "one character repeated"),
        ("123456789", "only digits"),
        (LOGIN_PASSWORD, "differ from your login password"),
    ],
)
def test_set_refuses_a_weak_fund_password_and_changes_nothing(raw, says):
    user = make_user()
    before = snapshot(user)
    with pytest.raises(FundPasswordRuleError, match=says):
        fp.fund_password_set(actor=user, raw=raw)
    assert snapshot(user) == before


def test_ten_digits_are_allowed():
    user = make_user()
    fp.fund_password_set(actor=user, raw="3141592653")
    verify(user, "3141592653")


def test_set_twice_is_refused_and_changes_nothing():
    user = with_fund_password()
    before = snapshot(user)
    with pytest.raises(FundPasswordAlreadySet, match="already set; change it instead"):
        fp.fund_password_set(actor=user, raw=OTHER_SECRET)
    assert snapshot(user) == before


# --- change -------------------------------------------------------------------------------------


def test_change_replaces_the_password():
    user = with_fund_password()
    set_at = row(user).set_at
    fp.fund_password_change(actor=user, current=SECRET, new=OTHER_SECRET, request=http_request())
    assert row(user).set_at > set_at
    assert row(user).password_hash.startswith("argon2")
    verify(user, OTHER_SECRET)
    with pytest.raises(WrongFundPassword):
        verify(user, SECRET)
    kinds = set(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert SecurityEventKind.FUND_PASSWORD_CHANGED in kinds
    assert not Restriction.objects.filter(user=user).exists()  # a change knows the old one
    assert list(
        FundPasswordAttempt.objects.filter(user=user, purpose="change").values_list(
            "success", flat=True
        )
    ) == [True]


def test_a_wrong_current_password_counts_as_a_try_and_changes_nothing_else():
    user = with_fund_password()
    before = snapshot(user)
    with pytest.raises(WrongFundPassword, match="Wrong fund password; 4 tries left"):
        fp.fund_password_change(actor=user, current="Wrong-current-1", new=OTHER_SECRET)
    after = snapshot(user)
    assert after["attempts"] == [(False, "change")]
    assert after["row"] == {**before["row"], "failed_attempts": 1}
    assert {**after, "row": None, "attempts": None} == {**before, "row": None, "attempts": None}


@pytest.mark.parametrize(
    ("new", "error"),
    [("short", FundPasswordRuleError), (SECRET, FundPasswordRuleError)],
)
def test_change_refusals_before_any_try_change_nothing(new, error):
    user = with_fund_password()
    before = snapshot(user)
    with pytest.raises(error):
        fp.fund_password_change(actor=user, current=SECRET, new=new)
    assert snapshot(user) == before


def test_change_without_a_fund_password_is_refused():
    user = make_user()
    with pytest.raises(FundPasswordNotSet, match="Set a fund password first"):
        fp.fund_password_change(actor=user, current=SECRET, new=OTHER_SECRET)
    assert snapshot(user)["row"] is None
    assert snapshot(user)["attempts"] == []


def test_a_locked_fund_password_cannot_be_changed():
    user = with_fund_password()
    wrong_tries(user, settings.FUND_PASSWORD_MAX_TRIES)
    before = snapshot(user)
    with pytest.raises(FundPasswordLocked):
        fp.fund_password_change(actor=user, current=SECRET, new=OTHER_SECRET)
    after = snapshot(user)
    assert after["row"] == before["row"]
    assert after["attempts"] == [*before["attempts"], (False, "change")]


# --- verify: tries, lock-out ----------------------------------------------------------------------


def test_verify_accepts_the_right_password_and_records_the_try():
    user = with_fund_password()
    verify(user, purpose="withdraw", request=http_request("203.0.113.5"))
    assert list(
        FundPasswordAttempt.objects.filter(user=user).values_list("success", "purpose", "ip")
    ) == [(True, "withdraw", "203.0.113.5")]


def test_verify_without_a_fund_password_is_refused_and_records_nothing():
    user = make_user()
    before = snapshot(user)
    with pytest.raises(FundPasswordNotSet, match="Set a fund password first"):
        verify(user)
    assert snapshot(user) == before


def test_a_wrong_try_is_committed_and_nothing_else_changes():
    user = with_fund_password()
    before = snapshot(user)
    with pytest.raises(WrongFundPassword, match=r"^Wrong fund password; 4 tries left\.$"):
        verify(user, "Wrong-one-123", purpose="withdraw")
    after = snapshot(user)
    assert after["row"] == {**before["row"], "failed_attempts": 1}
    assert after["attempts"] == [(False, "withdraw")]
    assert after["events"] == before["events"]
    assert after["resets"] == before["resets"]


def test_verify_must_run_outside_the_callers_transaction():
    user = with_fund_password()
    with transaction.atomic(), pytest.raises(RuntimeError):
        verify(user)


def test_a_success_resets_the_count():
    user = with_fund_password()
    assert wrong_tries(user, 3)[-1] == "Wrong fund password; 2 tries left."
    verify(user)
    assert row(user).failed_attempts == 0
    assert wrong_tries(user, 1) == ["Wrong fund password; 4 tries left."]


def test_five_wrong_tries_lock_and_even_the_right_one_is_then_refused():
    user = with_fund_password()
    messages = wrong_tries(user, 5)
    assert messages[:4] == [
        "Wrong fund password; 4 tries left.",
        "Wrong fund password; 3 tries left.",
        "Wrong fund password; 2 tries left.",
        "Wrong fund password; 1 try left.",
    ]
    locked = row(user)
    assert locked.failed_attempts == 5
    assert locked.locked_until is not None
    minutes = (locked.locked_until - timezone.now()) / timedelta(minutes=1)
    assert settings.FUND_PASSWORD_LOCK_MINUTES - 1 < minutes <= settings.FUND_PASSWORD_LOCK_MINUTES
    unlock_at = fp.unlock_time_text(locked.locked_until)
    assert re.fullmatch(r"\d\d:\d\d UTC", unlock_at)
    assert messages[4] == (
        f"Wrong fund password. Locked after 5 wrong tries; try again after {unlock_at}."
    )
    assert (
        SecurityEvent.objects.filter(user=user, kind=SecurityEventKind.FUND_PASSWORD_LOCKED).count()
        == 1
    )

    before = snapshot(user)
    with pytest.raises(FundPasswordLocked) as refused:
        verify(user)  # the right password
    assert refused.value.message == f"Locked after 5 wrong tries; try again after {unlock_at}."
    after = snapshot(user)
    assert after["row"] == before["row"]
    assert after["attempts"] == [*before["attempts"], (False, "release")]
    assert after["events"] == before["events"]
    status = fund_password_status(user=user)
    assert status["locked_until"] == locked.locked_until
    assert status["tries_left"] == 0


def test_after_the_lock_expires_the_right_password_works_and_resets_the_count():
    user = with_fund_password()
    wrong_tries(user, 5)
    FundPassword.objects.filter(user=user).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert fund_password_status(user=user)["locked_until"] is None
    verify(user)
    assert (row(user).failed_attempts, row(user).locked_until) == (0, None)


def test_after_the_lock_expires_a_wrong_try_starts_a_fresh_count():
    user = with_fund_password()
    wrong_tries(user, 5)
    FundPassword.objects.filter(user=user).update(
        locked_until=timezone.now() - timedelta(minutes=1)
    )
    assert wrong_tries(user, 1) == ["Wrong fund password; 4 tries left."]
    assert (row(user).failed_attempts, row(user).locked_until) == (1, None)


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_tries_never_count_past_the_lock():
    user = with_fund_password()
    threads_count = 10
    barrier = threading.Barrier(threads_count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            barrier.wait()
            verify(user, "Wrong-in-parallel-1")
            result = "accepted"
        except fp.FundPasswordError as error:
            result = type(error).__name__
        except Exception as error:  # noqa: BLE001 - an unexpected error shows up in the assertion
            result = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    limit = settings.FUND_PASSWORD_MAX_TRIES
    assert sorted(outcomes) == sorted(
        ["WrongFundPassword"] * limit + ["FundPasswordLocked"] * (threads_count - limit)
    )
    final = row(user)
    assert final.failed_attempts == limit
    assert final.locked_until is not None
    assert FundPasswordAttempt.objects.filter(user=user, success=False).count() == threads_count
    locked_events = SecurityEvent.objects.filter(
        user=user, kind=SecurityEventKind.FUND_PASSWORD_LOCKED
    )
    assert locked_events.count() == 1


# --- two-factor -------------------------------------------------------------------------------


def test_with_totp_on_a_code_is_required_once():
    user = with_fund_password()
    with_totp(user)

    before = snapshot(user)
    with pytest.raises(TwoFactorRequired, match="6-digit code"):
        verify(user)  # no code: nothing tried, nothing recorded
    assert snapshot(user) == before

    code = totp_now()
    verify(user, totp_code=code)
    assert row(user).failed_attempts == 0

    with pytest.raises(WrongTwoFactorCode, match="already used two-factor code; 4 tries left"):
        verify(user, totp_code=code)  # the same code again
    assert row(user).failed_attempts == 1
    assert FundPasswordAttempt.objects.filter(user=user, success=False).count() == 1


def test_a_wrong_password_does_not_spend_the_totp_code():
    user = with_fund_password()
    with_totp(user)
    code = totp_now()
    with pytest.raises(WrongFundPassword):
        verify(user, "Wrong-password-9", totp_code=code)
    verify(user, totp_code=code)


def test_a_wrong_totp_code_counts_towards_the_lock():
    user = with_fund_password()
    with_totp(user)
    for _ in range(settings.FUND_PASSWORD_MAX_TRIES):
        with pytest.raises(WrongTwoFactorCode):
            verify(user, totp_code="000000" if totp_now() != "000000" else "111111")
    assert row(user).locked_until is not None
    with pytest.raises(FundPasswordLocked):
        verify(user, totp_code=totp_now())


# --- reset by email -------------------------------------------------------------------------------


def test_reset_by_email_sets_a_new_password_clears_the_lock_and_starts_the_cooldown(
    django_capture_on_commit_callbacks,
):
    user = with_fund_password()
    wrong_tries(user, 5)
    token = reset_token(user, django_capture_on_commit_callbacks)
    stored = FundPasswordReset.objects.get(user=user)
    assert stored.token_hash == fp.token_hash(token)
    assert token not in stored.token_hash
    hours = (stored.expires_at - stored.created_at) / timedelta(hours=1)
    assert hours == pytest.approx(settings.FUND_PASSWORD_RESET_HOURS)

    fp.fund_password_reset_confirm(actor=user, token=token, new=OTHER_SECRET)
    assert (row(user).failed_attempts, row(user).locked_until) == (0, None)
    verify(user, OTHER_SECRET)
    stored.refresh_from_db()
    assert stored.used_at is not None
    kinds = set(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert {SecurityEventKind.FUND_PASSWORD_RESET, SecurityEventKind.COOLDOWN_STARTED} <= kinds
    assert Restriction.objects.filter(user=user, kind="sell", source="cooldown").exists()
    assert Restriction.objects.filter(user=user, kind="withdraw", source="cooldown").exists()

    before = snapshot(user)
    with pytest.raises(ResetLinkInvalid):  # used once already
        fp.fund_password_reset_confirm(actor=user, token=token, new="Third-Secret-333")
    assert snapshot(user) == before


def test_an_expired_reset_link_is_refused_and_changes_nothing(django_capture_on_commit_callbacks):
    user = with_fund_password()
    token = reset_token(user, django_capture_on_commit_callbacks)
    FundPasswordReset.objects.filter(user=user).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    before = snapshot(user)
    with pytest.raises(ResetLinkInvalid, match="Request a new one"):
        fp.fund_password_reset_confirm(actor=user, token=token, new=OTHER_SECRET)
    assert snapshot(user) == before
    verify(user, SECRET)


def test_another_users_reset_link_is_refused(django_capture_on_commit_callbacks):
    owner, intruder = with_fund_password(), with_fund_password()
    token = reset_token(owner, django_capture_on_commit_callbacks)
    before = snapshot(intruder), snapshot(owner)
    with pytest.raises(ResetLinkInvalid):
        fp.fund_password_reset_confirm(actor=intruder, token=token, new=OTHER_SECRET)
    assert (snapshot(intruder), snapshot(owner)) == before
    with pytest.raises(ResetLinkInvalid):
        fp.fund_password_reset_confirm(actor=owner, token=token + "x", new=OTHER_SECRET)


def test_a_newer_reset_link_replaces_the_older_one(django_capture_on_commit_callbacks):
    user = with_fund_password()
    first = reset_token(user, django_capture_on_commit_callbacks)
    FundPasswordReset.objects.filter(user=user).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    second = reset_token(user, django_capture_on_commit_callbacks)
    with pytest.raises(ResetLinkInvalid):
        fp.fund_password_reset_confirm(actor=user, token=first, new=OTHER_SECRET)
    fp.fund_password_reset_confirm(actor=user, token=second, new=OTHER_SECRET)


def test_reset_request_refusals_change_nothing(django_capture_on_commit_callbacks):
    nobody = make_user()
    with pytest.raises(FundPasswordNotSet, match="set one instead"):
        fp.fund_password_reset_request(actor=nobody, request=http_request())
    assert snapshot(nobody)["resets"] == []
    assert mail.outbox == []

    user = with_fund_password()
    reset_token(user, django_capture_on_commit_callbacks)
    before = snapshot(user)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ResetTooSoon):
        fp.fund_password_reset_request(actor=user, request=http_request())
    assert snapshot(user) == before
    assert len(mail.outbox) == 1


def test_reset_with_totp_on_needs_a_valid_code(django_capture_on_commit_callbacks):
    user = with_fund_password()
    with_totp(user)
    token = reset_token(user, django_capture_on_commit_callbacks)

    before = snapshot(user)
    with pytest.raises(TwoFactorRequired):
        fp.fund_password_reset_confirm(actor=user, token=token, new=OTHER_SECRET)
    assert snapshot(user) == before

    bad = "000000" if totp_now() != "000000" else "111111"
    with pytest.raises(WrongTwoFactorCode, match="4 tries left for this link"):
        fp.fund_password_reset_confirm(actor=user, token=token, new=OTHER_SECRET, totp_code=bad)
    after = snapshot(user)
    assert after["row"] == before["row"]
    assert after["attempts"] == [(False, "reset")]

    fp.fund_password_reset_confirm(actor=user, token=token, new=OTHER_SECRET, totp_code=totp_now())
    assert row(user).password_hash != before["row"]["password_hash"]
    assert snapshot(user)["attempts"] == [(False, "reset"), (True, "reset")]


def test_too_many_wrong_codes_spend_the_reset_link(django_capture_on_commit_callbacks):
    user = with_fund_password()
    with_totp(user)
    token = reset_token(user, django_capture_on_commit_callbacks)
    old_hash = row(user).password_hash
    bad = "000000" if totp_now() != "000000" else "111111"
    for _ in range(settings.FUND_PASSWORD_MAX_TRIES - 1):
        with pytest.raises(WrongTwoFactorCode, match="for this link"):
            fp.fund_password_reset_confirm(actor=user, token=token, new=OTHER_SECRET, totp_code=bad)
    with pytest.raises(WrongTwoFactorCode, match="no longer works"):
        fp.fund_password_reset_confirm(actor=user, token=token, new=OTHER_SECRET, totp_code=bad)
    with pytest.raises(ResetLinkInvalid):
        fp.fund_password_reset_confirm(
            actor=user, token=token, new=OTHER_SECRET, totp_code=totp_now()
        )
    assert row(user).password_hash == old_hash


# --- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [PAGE, RESET, reverse("accounts:fund_password_reset_confirm", kwargs={"token": "abc"})],
)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_asks_to_reauthenticate_first(client):
    user = make_user()
    client.force_login(user)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_set_through_the_page(client):
    user = make_user()
    reauthenticated(client, user)
    page = client.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Set a fund password" in html
    assert "release crypto" in html
    assert "24-hour" in html
    assert "cool-down" in html

    mismatch = client.post(
        PAGE, {"new_password": SECRET, "new_password2": SECRET + "x"}, follow=True
    )
    assert "The two new fund passwords differ." in mismatch.content.decode()
    weak = client.post(PAGE, {"new_password": LOGIN_PASSWORD, "new_password2": LOGIN_PASSWORD})
    assert weak.status_code == 200
    assert "differ from your login password" in weak.content.decode()
    assert not FundPassword.objects.filter(user=user).exists()

    done = client.post(PAGE, {"new_password": SECRET, "new_password2": SECRET})
    assert done.status_code == 302
    assert done["Location"] == PAGE
    assert row(user).password_hash.startswith("argon2")
    assert "Change the fund password" in client.get(PAGE).content.decode()


def test_change_through_the_page_shows_a_wrong_try_on_the_form(client):
    user = with_fund_password()
    reauthenticated(client, user)
    form = {"current_password": "Wrong-current-1", "new_password": OTHER_SECRET}
    response = client.post(PAGE, {**form, "new_password2": OTHER_SECRET})
    assert response.status_code == 200
    assert "Wrong fund password; 4 tries left." in response.content.decode()
    assert row(user).failed_attempts == 1

    form["current_password"] = SECRET
    response = client.post(PAGE, {**form, "new_password2": OTHER_SECRET})
    assert response.status_code == 302
    verify(user, OTHER_SECRET)


def test_a_post_after_the_reauthentication_window_is_not_stashed(client, settings):
    user = make_user()
    reauthenticated(client, user)
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    response = client.post(PAGE, {"new_password": SECRET, "new_password2": SECRET})
    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert "account_reauthentication_state" not in client.session  # secrets never stored
    assert not FundPassword.objects.filter(user=user).exists()


def test_reset_through_the_pages(client, django_capture_on_commit_callbacks):
    user = with_fund_password()
    reauthenticated(client, user)
    assert "Forgot it?" in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET)
    assert response.status_code == 302
    sent = client.get(response["Location"]).content.decode()
    assert "Check your inbox" in sent
    assert user.email in sent
    found = re.search(r"https?://\S+", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(0)
    assert mail.outbox[0].subject == "OTC Exchange: reset your fund password"

    client.logout()
    client.force_login(user)  # the link needs a login, not a fresh re-authentication
    form = client.get(link)
    assert form.status_code == 200
    assert 'name="totp_code"' not in form.content.decode()
    done = client.post(link, {"new_password": OTHER_SECRET, "new_password2": OTHER_SECRET})
    assert done.status_code == 200
    assert "is reset" in done.content.decode()
    verify(user, OTHER_SECRET)
    assert Restriction.objects.filter(user=user, kind="sell", source="cooldown").exists()
    assert client.get(link).status_code == 404  # used

    again = client.post(RESET)  # less than a minute later
    assert again.status_code == 200
    assert "less than a minute ago" in again.content.decode()


def test_the_reset_form_asks_for_a_code_when_totp_is_on(client, django_capture_on_commit_callbacks):
    user = with_fund_password()
    with_totp(user)
    token = reset_token(user, django_capture_on_commit_callbacks)
    client.force_login(user)
    url = reverse("accounts:fund_password_reset_confirm", kwargs={"token": token})
    assert 'name="totp_code"' in client.get(url).content.decode()
    wrong = client.post(
        url, {"new_password": OTHER_SECRET, "new_password2": OTHER_SECRET, "totp_code": "12345"}
    )
    assert wrong.status_code == 200
    assert "6 digits" in wrong.content.decode()
    ok = client.post(
        url,
        {"new_password": OTHER_SECRET, "new_password2": OTHER_SECRET, "totp_code": totp_now()},
    )
    assert ok.status_code == 200
    assert "is reset" in ok.content.decode()


def test_another_users_link_shows_the_invalid_page(client, django_capture_on_commit_callbacks):
    owner = with_fund_password()
    token = reset_token(owner, django_capture_on_commit_callbacks)
    before = snapshot(owner)
    client.force_login(make_user())
    url = reverse("accounts:fund_password_reset_confirm", kwargs={"token": token})
    assert client.get(url).status_code == 404
    posted = client.post(url, {"new_password": OTHER_SECRET, "new_password2": OTHER_SECRET})
    assert posted.status_code == 400
    assert "does not work" in posted.content.decode()
    assert snapshot(owner) == before


# --- admin --------------------------------------------------------------------------------------


def test_staff_see_no_hash_and_unlock_through_the_admin(client):
    user = with_fund_password()
    wrong_tries(user, 5)
    admin_user = make_user(staff=True, superuser=True)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:accounts_fundpassword_changelist"))
    assert listing.status_code == 200
    assert "argon2" not in listing.content.decode()
    detail = client.get(reverse("admin:accounts_fundpassword_change", args=[row(user).pk]))
    assert detail.status_code == 200
    assert "argon2" not in detail.content.decode()
    attempts = client.get(
        reverse("admin:accounts_fundpasswordattempt_changelist"), {"success__exact": "0"}
    )
    assert attempts.status_code == 200
    assert user.email in attempts.content.decode()

    response = client.post(
        reverse("admin:accounts_fundpassword_changelist"),
        {"action": "unlock", "_selected_action": [row(user).pk]},
    )
    assert response.status_code == 302
    assert (row(user).failed_attempts, row(user).locked_until) == (0, None)
    verify(user)


def test_only_staff_may_unlock():
    user = with_fund_password()
    wrong_tries(user, 5)
    before = snapshot(user)
    with pytest.raises(NotStaff):
        fp.fund_password_unlock(user=user, actor=make_user())
    assert snapshot(user) == before
