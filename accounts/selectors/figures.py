"""Trade figures read from the daily counters (accounts.TradeDay) over a window of UTC days:
completion rate, positive feedback share, average payment and release times, volume.

A window of `days` ends today (UTC) and includes it: 30 days is today and the 29 before.
`days=None` reads all time. Rates are percentages truncated to two places (99.996 is 99.99,
never a rounded-up 100), None when there is nothing to rate yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from ..models import TradeDay, User
from ..models.activity import TRADE_COUNTERS

FIGURES_DAYS = 30
RATE_PLACES = Decimal("0.01")
_RATE_SQL: DecimalField = DecimalField(max_digits=9, decimal_places=4)

# Summed per user; `volume` is left out on purpose: amounts of different assets do not add up.
# the whole-number counters (volume is summed apart, per asset)
_COUNTERS = tuple(name for name in TRADE_COUNTERS if name != "volume")


def rate(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in percent, truncated to two places; None when `whole` is 0."""
    if whole <= 0:
        return None
    return (Decimal(100) * part / whole).quantize(RATE_PLACES, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class TradeFigures:
    """One user's counters summed over a window, and the rates read from them."""

    completed: int = 0
    canceled: int = 0  # orders that ended canceled through this user (cancel or timeout)
    paid_count: int = 0
    pay_seconds: int = 0
    released_count: int = 0
    release_seconds: int = 0
    positive: int = 0
    negative: int = 0
    appeals: int = 0
    disputes_lost: int = 0

    @property
    def orders(self) -> int:
        """The orders the completion rate is read over: completed, or canceled through them."""
        return self.completed + self.canceled

    @property
    def completion_rate(self) -> Decimal | None:
        return rate(self.completed, self.orders)

    @property
    def appeal_rate(self) -> Decimal | None:
        """Appeals about this user's orders, per order that ended (an appeal and its order may
        fall on different days of a window: capped at 100%)."""
        return rate(self.appeals, max(self.orders, self.appeals))

    @property
    def feedback_count(self) -> int:
        return self.positive + self.negative

    @property
    def positive_rate(self) -> Decimal | None:
        return rate(self.positive, self.feedback_count)

    @property
    def avg_pay_seconds(self) -> int | None:
        """Escrow frozen -> marked paid, over the orders this user paid as the buyer."""
        return self.pay_seconds // self.paid_count if self.paid_count else None

    @property
    def avg_release_seconds(self) -> int | None:
        """Marked paid -> released, over the orders this user released as the seller."""
        return self.release_seconds // self.released_count if self.released_count else None


def window_start(days: int) -> date:
    """The first UTC day of a window of `days` days ending today."""
    return timezone.now().date() - timedelta(days=days - 1)


def _rows(days: int | None) -> QuerySet[TradeDay]:
    rows = TradeDay.objects.order_by()
    return rows if days is None else rows.filter(day__gte=window_start(days))


def _figures(row: dict[str, Any]) -> TradeFigures:
    return TradeFigures(**{name: int(row.get(name) or 0) for name in _COUNTERS})


def trade_figures(*, user: User | int, days: int | None = FIGURES_DAYS) -> TradeFigures:
    """One user's figures over the last `days` days (None: all time), in one query."""
    user_id = user if isinstance(user, int) else user.pk
    totals = _rows(days).filter(user_id=user_id).aggregate(**{n: Sum(n) for n in _COUNTERS})
    return _figures(totals)


def trade_figures_grouped(
    *, key: str, days: int | None = FIGURES_DAYS, **filters: Any
) -> dict[Any, TradeFigures]:
    """Figures summed per value of `key` (a TradeDay field or a path through its user, e.g.
    "user__merchant" for a page of merchants), for the rows matching `filters`, in one query.
    Keys without a row in the window are absent."""
    grouped = _rows(days).filter(**filters).values(key).annotate(**{n: Sum(n) for n in _COUNTERS})
    return {row[key]: _figures(row) for row in grouped}


def trade_volume_by_asset(
    *, user: User | int, days: int | None = FIGURES_DAYS
) -> list[tuple[str, Decimal]]:
    """Crypto traded in released orders per asset, largest first (each in its own unit)."""
    user_id = user if isinstance(user, int) else user.pk
    rows = (
        _rows(days)
        .filter(user_id=user_id, volume__gt=0)
        .values("asset_symbol")
        .annotate(total=Sum("volume"))
        .order_by("-total", "asset_symbol")
    )
    return [(row["asset_symbol"], row["total"].normalize()) for row in rows]


def trade_orders_by_day(*, user: User | int, days: int = FIGURES_DAYS) -> list[tuple[date, int]]:
    """Orders that ended each day (completed, or canceled through the user), one entry per day
    of the window, oldest first, zeros included so a chart draws every day."""
    user_id = user if isinstance(user, int) else user.pk
    rows = (
        _rows(days)
        .filter(user_id=user_id)
        .values("day")
        .annotate(ended=Sum(F("completed") + F("canceled")))
    )
    per_day = {row["day"]: int(row["ended"] or 0) for row in rows}
    first = window_start(days)
    return [
        (first + timedelta(days=offset), per_day.get(first + timedelta(days=offset), 0))
        for offset in range(days)
    ]


def completion_rate_sql(*, user_ref: str, days: int = FIGURES_DAYS) -> Subquery:
    """The completion rate (percent) of the user the outer query names by `user_ref` (e.g.
    "merchant__user_id"), as a subquery for annotating and sorting; NULL with no orders in the
    window, so a sort with `nulls_last` puts those after every rated user."""
    totals = (
        TradeDay.objects.filter(user_id=OuterRef(user_ref), day__gte=window_start(days))
        .order_by()
        .values("user_id")
        .annotate(done=Sum("completed"), ended=Sum(F("completed") + F("canceled")))
    )
    percent = ExpressionWrapper(
        Value(Decimal(100)) * Cast("done", _RATE_SQL) / F("ended"), output_field=_RATE_SQL
    )
    rated = totals.annotate(
        completion=Case(When(~Q(ended=0), then=percent), default=None, output_field=_RATE_SQL)
    )
    return Subquery(rated.values("completion")[:1], output_field=_RATE_SQL)
