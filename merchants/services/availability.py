"""The merchant's own settings for when they trade: breaks and business hours, and the
periodic refresh of `open_now` from those hours."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import Merchant, MerchantStatus
from ..selectors import WEEKDAY_NAMES, WEEKDAYS, clock_minutes, is_open, merchants_open_state
from .errors import MerchantInvalid, MerchantNotAllowed
from .locks import _lock_own

MAX_RANGES_PER_DAY = 3


def merchant_set_break(*, actor: User, on: bool) -> Merchant:
    """Take a break (every ad hidden from the market) or come back from one."""
    with transaction.atomic(durable=True):
        locked = _lock_own(actor)
        if on and locked.status != MerchantStatus.ACTIVE:
            raise MerchantNotAllowed(
                _("Only an active merchant can take a break; yours is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        if locked.on_break != on:
            locked.on_break = on
            locked.save(update_fields=["on_break"])
    return locked


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def clean_business_hours(hours: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check business hours and return them in the stored shape; raise `MerchantInvalid`
    (keys: "hours", "timezone" or a weekday such as "mon") when malformed. Empty = always open.
    """
    if not hours:
        return {}
    if not isinstance(hours, Mapping) or set(hours) - {"timezone", "days"}:
        raise MerchantInvalid({"hours": _("Business hours need a timezone and opening days.")})
    zone = hours.get("timezone")
    if not isinstance(zone, str) or zone not in _zones():
        raise MerchantInvalid({"timezone": _("Choose a timezone from the list.")})
    days = hours.get("days") or {}
    if not isinstance(days, Mapping) or set(days) - set(WEEKDAYS):
        raise MerchantInvalid(
            {"hours": _("Opening days must be mon, tue, wed, thu, fri, sat, sun.")}
        )
    errors: dict[str, str] = {}
    cleaned: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        try:
            ranges = _clean_day(days.get(day) or [])
        except ValueError as error:
            errors[day] = _("%(day)s: %(problem)s") % {"day": WEEKDAY_NAMES[day], "problem": error}
            continue
        if ranges:
            cleaned[day] = ranges
    if errors:
        raise MerchantInvalid(errors)
    if not cleaned:
        raise MerchantInvalid(
            {"hours": _("Open on at least one day, or choose to be always open.")}
        )
    return {"timezone": zone, "days": cleaned}


def _clean_day(ranges: object) -> list[list[str]]:
    if not isinstance(ranges, list | tuple) or len(ranges) > MAX_RANGES_PER_DAY:
        raise ValueError(
            _("give at most %(count)s opening ranges.") % {"count": MAX_RANGES_PER_DAY}
        )
    spans: list[tuple[int, int, str, str]] = []
    for pair in ranges:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError(_("each range needs an opening and a closing time."))
        start_text, end_text = pair
        try:
            start, end = clock_minutes(start_text), clock_minutes(end_text)
        except ValueError:
            raise ValueError(_("times look like 09:00 (00:00 to 24:00).")) from None
        if start == 24 * 60:
            raise ValueError(_("opening time must be before 24:00."))
        if start == end:
            raise ValueError(_("the opening and closing times are the same."))
        spans.append((start, end if end > start else end + 24 * 60, start_text, end_text))
    spans.sort()
    for (_start, previous_end, *_rest), (next_start, *_more) in itertools.pairwise(spans):
        if next_start < previous_end:
            raise ValueError(_("opening ranges overlap."))
    return [[start_text, end_text] for *_spans, start_text, end_text in spans]


def merchant_set_business_hours(*, actor: User, hours: Mapping[str, Any] | None) -> Merchant:
    """Save the merchant's weekly hours (`{}` = always open); `open_now` follows at once."""
    cleaned = clean_business_hours(hours)
    with transaction.atomic(durable=True):
        locked = _lock_own(actor)
        locked.business_hours = cleaned
        locked.open_now = is_open(cleaned, timezone.now())
        locked.save(update_fields=["business_hours", "open_now"])
    return locked


def merchant_refresh_open_now(*, at: datetime | None = None) -> int:
    """Set `open_now` from each merchant's hours at `at` (now); only rows that change are
    written, in two bulk updates. Returns how many changed. Hours that cannot be read keep
    their flag. A merchant saving new hours meanwhile gets the right flag from that save, or
    from the next run a minute later."""
    at = at or timezone.now()
    opening: list[int] = []
    closing: list[int] = []
    for pk, hours, open_now in merchants_open_state().values_list(
        "pk", "business_hours", "open_now"
    ):
        try:
            wanted = is_open(hours or {}, at)
        except (KeyError, ValueError, TypeError, AttributeError):
            continue
        if wanted != open_now:
            (opening if wanted else closing).append(pk)
    changed = 0
    with transaction.atomic(durable=True):
        if opening:
            changed += Merchant.objects.filter(pk__in=opening, open_now=False).update(open_now=True)
        if closing:
            changed += Merchant.objects.filter(pk__in=closing, open_now=True).update(open_now=False)
    return changed
