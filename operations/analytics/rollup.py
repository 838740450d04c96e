"""Writing the rollups: one UTC day at a time, from the owning apps' figures, replacing what the
day had. Recent days are recomputed because their orders may still end; a day is written by one
worker at a time, so two beat runs cannot interleave their rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.selectors.analytics import accounts_day_figures
from core.locks import lock_name
from orders.selectors.analytics import order_day_figures

from .models import OrderDay, PlatformDay

# An order placed three days ago has long since paid or timed out (the payment window and the
# appeal wait are hours): the hourly run recomputes those days. A dispute can run longer, so the
# nightly run recomputes the last RECOMPUTE_DAYS.
ROLLUP_RECENT_DAYS = 3
RECOMPUTE_DAYS = 30


SUMS = ("volume", "fiat_volume", "fees")  # empty when nothing completed: zero


def _order_day(day: date, figures: dict[str, Any]) -> OrderDay:
    values = dict(figures)
    asset, fiat = values.pop("asset_code"), values.pop("fiat_code")
    for name in SUMS:
        values[name] = values[name] or 0
    return OrderDay(day=day, asset=asset, fiat=fiat, **values)


def rollup_day(*, day: date) -> int:
    """Recompute `day`; how many asset/fiat rows it has."""
    with transaction.atomic(durable=True):
        lock_name("analytics-rollup", day.isoformat())
        rows = [_order_day(day, figures) for figures in order_day_figures(day=day)]
        OrderDay.objects.filter(day=day).delete()
        OrderDay.objects.bulk_create(rows)
        PlatformDay.objects.update_or_create(day=day, defaults=accounts_day_figures(day=day))
        return len(rows)


def rollup_days(*, first: date, last: date) -> int:
    """Recompute every day from `first` to `last`; how many days."""
    days = (last - first).days + 1
    for offset in range(days):
        rollup_day(day=first + timedelta(days=offset))
    return max(days, 0)


def rollup_recent(*, days: int = ROLLUP_RECENT_DAYS) -> int:
    today = timezone.now().date()
    return rollup_days(first=today - timedelta(days=days - 1), last=today)
