"""Business hours: parsing and checking them (`is_open`, a pure function) and the rows the
pages show."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy, pgettext

from ..models import (
    Merchant,
    MerchantStatus,
)

# --- business hours ---------------------------------------------------------------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = {
    "mon": gettext_lazy("Monday"),
    "tue": gettext_lazy("Tuesday"),
    "wed": gettext_lazy("Wednesday"),
    "thu": gettext_lazy("Thursday"),
    "fri": gettext_lazy("Friday"),
    "sat": gettext_lazy("Saturday"),
    "sun": gettext_lazy("Sunday"),
}
COMMON_TIMEZONES = [
    ("Asia/Hong_Kong", gettext_lazy("Hong Kong (UTC+8)")),
    ("Asia/Shanghai", gettext_lazy("China (UTC+8)")),
    ("Asia/Taipei", gettext_lazy("Taipei (UTC+8)")),
    ("Asia/Singapore", gettext_lazy("Singapore (UTC+8)")),
    ("Asia/Tokyo", gettext_lazy("Tokyo (UTC+9)")),
    ("Asia/Dubai", gettext_lazy("Dubai (UTC+4)")),
    ("Europe/London", gettext_lazy("London")),
    ("Europe/Berlin", gettext_lazy("Central Europe")),
    ("America/New_York", gettext_lazy("New York")),
    ("America/Los_Angeles", gettext_lazy("Los Angeles")),
    ("UTC", "UTC"),
]
DAY_MINUTES = 24 * 60


def clock_minutes(text: str) -> int:
    """ "HH:MM" (00:00 to 24:00) as minutes after midnight; ValueError when malformed."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        raise ValueError(f"not a time: {text!r}")
    hours, minutes = text[:2], text[3:]
    if not (hours.isdigit() and minutes.isdigit()):
        raise ValueError(f"not a time: {text!r}")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > DAY_MINUTES:
        raise ValueError(f"not a time: {text!r}")
    return value


def is_open(hours: Mapping[str, Any], at: datetime) -> bool:
    """Whether business hours `hours` are open at the aware datetime `at`.

    `{}` is always open. Otherwise `{"timezone": "Asia/Hong_Kong", "days": {"mon": [["09:00",
    "18:00"]], ...}}`: times are the merchant's wall clock in that zone (so daylight saving is
    followed); a range closing at or before it opens runs past midnight into the next day
    ("22:00"-"02:00"); "24:00" closes at midnight. A day not listed is closed.
    Raises ValueError (or ZoneInfoNotFoundError, a KeyError) for malformed hours.
    """
    if not hours:
        return True
    if at.tzinfo is None:
        raise ValueError("is_open needs an aware datetime")
    local = at.astimezone(ZoneInfo(str(hours["timezone"])))
    minute = local.hour * 60 + local.minute
    days: Mapping[str, Any] = hours.get("days") or {}
    today, yesterday = WEEKDAYS[local.weekday()], WEEKDAYS[(local.weekday() - 1) % 7]
    for start_text, end_text in days.get(today, []):
        start, end = clock_minutes(start_text), clock_minutes(end_text)
        if start < end and start <= minute < end:
            return True
        if end <= start and minute >= start:  # runs past midnight: the evening part
            return True
    for start_text, end_text in days.get(yesterday, []):
        start, end = clock_minutes(start_text), clock_minutes(end_text)
        if end < start and minute < end:  # yesterday's range, after midnight
            return True
    return False


def business_hours_rows(hours: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(day name, "09:00-18:00, 20:00-22:00" or "Closed") per weekday, for display."""
    days: Mapping[str, Any] = (hours or {}).get("days") or {}
    return [
        (
            str(WEEKDAY_NAMES[day]),
            ", ".join(f"{start}-{end}" for start, end in days.get(day, []))
            or pgettext("business day", "Closed"),
        )
        for day in WEEKDAYS
    ]


def merchants_open_state() -> QuerySet[Merchant]:
    """What the open-now refresh reads: every current merchant's hours and flag."""
    return Merchant.objects.filter(~Q(status=MerchantStatus.RESIGNED)).only(
        "pk", "business_hours", "open_now"
    )
