"""What a paused person is told: what is paused, until when in their own time zone with UTC
beside it, and why; several pauses ending together read as one sentence."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.models.security import RestrictionKind, RestrictionSource
from accounts.services import security
from risk.restrictions import Action, Paused, paused_summary, require_not_paused
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# far enough ahead to be in force, with a fixed clock time to read back
UNTIL = datetime(2036, 12, 5, 10, 0, tzinfo=UTC)
HONG_KONG = zoneinfo.ZoneInfo("Asia/Hong_Kong")


def pause(user: User, kind: RestrictionKind, reason: str, until: datetime | None = UNTIL):
    return security.restrict(
        user=user, kind=kind, reason=reason, until=until, source=RestrictionSource.COOLDOWN
    )


def refusal(user: User, action: Action) -> str:
    with pytest.raises(Paused) as caught:
        require_not_paused(user=user, action=action)
    return caught.value.message


def test_the_refusal_says_what_until_when_in_the_viewers_zone_and_utc():
    user = make_user()
    pause(user, RestrictionKind.SELL, "Security cool-down after a password change")
    with translation.override("en"), timezone.override(HONG_KONG):
        assert refusal(user, Action.SELL) == (
            "Selling is paused on this account until 2036-12-05 18:00 (Asia/Hong_Kong), "
            "10:00 UTC: Security cool-down after a password change"
        )
    with translation.override("en"), timezone.override(UTC):
        assert refusal(user, Action.SELL) == (
            "Selling is paused on this account until 2036-12-05 10:00 UTC: "
            "Security cool-down after a password change"
        )


def test_the_utc_date_is_given_when_it_is_another_day_there():
    user = make_user()
    pause(user, RestrictionKind.WITHDRAW, "Checks", until=UNTIL + timedelta(hours=10))
    with translation.override("en"), timezone.override(HONG_KONG):
        assert "until 2036-12-06 04:00 (Asia/Hong_Kong), 2036-12-05 20:00 UTC" in refusal(
            user, Action.WITHDRAW
        )


def test_an_open_ended_pause_says_so_without_a_time():
    user = make_user()
    pause(user, RestrictionKind.TRADE, "Under review", until=None)
    with translation.override("en"):
        assert refusal(user, Action.BUY) == "New orders are paused on your account: Under review"


def test_a_trade_pause_reads_as_one_sentence_for_buying_and_selling():
    user = make_user()
    pause(user, RestrictionKind.TRADE, "Too many cancellations")
    pause(user, RestrictionKind.WITHDRAW, "Too many cancellations")
    with translation.override("en"), timezone.override(UTC):
        assert paused_summary(user=user) == [
            "Buying, selling and withdrawals are paused on your account until "
            "2036-12-05 10:00 UTC: Too many cancellations"
        ]


def test_pauses_ending_apart_are_separate_sentences_and_each_reason_once():
    user = make_user()
    pause(user, RestrictionKind.TRADE, "Lost a dispute")
    pause(user, RestrictionKind.SELL, "Security cool-down", until=UNTIL + timedelta(days=1))
    with translation.override("en"), timezone.override(UTC):
        assert paused_summary(user=user) == [
            "New orders are paused on your account until 2036-12-05 10:00 UTC: Lost a dispute",
            "Selling is paused on this account until 2036-12-06 10:00 UTC: "
            "Security cool-down; Lost a dispute",
        ]


def test_nothing_paused_says_nothing():
    user = make_user()
    assert paused_summary(user=user) == []
    require_not_paused(user=user, action=Action.SELL)


def test_the_security_page_lists_the_limits_once_in_the_users_zone():
    user = make_user()
    User.objects.filter(pk=user.pk).update(time_zone="Asia/Hong_Kong")
    pause(user, RestrictionKind.SELL, "Password changed")
    pause(user, RestrictionKind.WITHDRAW, "Password changed")
    client = Client()
    client.force_login(user)
    html = client.get(reverse("accounts:security"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "Selling and withdrawals are paused on your account until "
        "2036-12-05 18:00 (Asia/Hong_Kong), 10:00 UTC: Password changed"
    ) in html
    assert html.count("Password changed") == 1


def test_the_pause_reads_as_one_chinese_sentence():
    user = make_user()
    pause(user, RestrictionKind.SELL, "安全冷静期")
    pause(user, RestrictionKind.WITHDRAW, "安全冷静期")
    simplified = "您的账户已暂停出售和提现，直至 2036-12-05 18:00（Asia/Hong_Kong），即 UTC 10:00：安全冷静期"  # noqa: E501, RUF001
    traditional = "您的帳戶已暫停提取，直至 2036-12-05 18:00"  # noqa: RUF001
    with translation.override("zh-hans"), timezone.override(HONG_KONG):
        assert paused_summary(user=user) == [simplified]
    with translation.override("zh-hant"), timezone.override(HONG_KONG):
        assert refusal(user, Action.WITHDRAW).startswith(traditional)
