"""What the worker writes for a person is in that person's language and time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from django.utils import timezone, translation

from core.i18n import speaking_to, zone_of


def test_a_user_with_choices_gets_their_language_and_zone() -> None:
    person = SimpleNamespace(language="zh-hant", time_zone="Asia/Hong_Kong")
    moment = datetime(2026, 1, 1, 16, 30, tzinfo=UTC)
    with speaking_to(person):
        assert translation.get_language() == "zh-hant"
        assert timezone.localtime(moment).hour == 0


def test_a_user_without_choices_gets_the_platform_defaults() -> None:
    with speaking_to(SimpleNamespace(language="", time_zone="")):
        assert translation.get_language() == "en"
        assert timezone.get_current_timezone_name() == "UTC"


def test_an_unknown_zone_name_falls_back_to_utc() -> None:
    assert str(zone_of(SimpleNamespace(time_zone="Mars/Olympus"))) == "UTC"
