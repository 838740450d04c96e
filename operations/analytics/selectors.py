"""The dashboard's reads: a handful of grouped queries over the rollup rows, however many orders
lie behind them. Where several assets or fiats fall in one day, the day's time percentiles are
the means of theirs weighted by the orders they time (exact when one asset and one fiat are
chosen)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import NullIf

from .models import OrderDay, PlatformDay

COUNTS = ("placed", "completed", "canceled", "still_open", "disputed")
RANGES = (7, 30, 90, 365)


@dataclass(frozen=True)
class Filters:
    last: date
    days: int = 30
    asset: str = ""
    fiat: str = ""

    @property
    def first(self) -> date:
        return self.last - timedelta(days=self.days - 1)

    @property
    def day_list(self) -> list[date]:
        return [self.first + timedelta(days=offset) for offset in range(self.days)]


@dataclass
class DayOrders:
    day: date
    placed: int = 0
    completed: int = 0
    canceled: int = 0
    still_open: int = 0
    disputed: int = 0
    pay_p50: int | None = None
    pay_p95: int | None = None
    release_p50: int | None = None
    release_p95: int | None = None

    def rate(self, count: int) -> Decimal | None:
        if not self.placed:
            return None
        return (Decimal(count) * 100 / self.placed).quantize(Decimal("0.1"))


@dataclass
class PairTotal:
    asset: str
    fiat: str
    placed: int
    completed: int
    volume: Decimal
    fiat_volume: Decimal
    fees: Decimal


@dataclass
class Dashboard:
    filters: Filters
    days: list[DayOrders]
    # (asset, fiat) -> fiat volume per day, in the order of `filters.day_list`
    fiat_volume: dict[tuple[str, str], list[Decimal]]
    pairs: list[PairTotal]
    people: list[PlatformDay]
    fees: dict[str, Decimal] = field(default_factory=dict)


def _rows(filters: Filters) -> QuerySet[OrderDay]:
    rows = OrderDay.objects.filter(day__gte=filters.first, day__lte=filters.last)
    if filters.asset:
        rows = rows.filter(asset=filters.asset)
    if filters.fiat:
        rows = rows.filter(fiat=filters.fiat)
    return rows


def _weighted(value: str, weight: Any) -> Any:
    """The day's figure across its asset/fiat rows: their mean weighted by `weight`, over the
    rows that have the figure."""
    known = Q(**{f"{value}__isnull": False})
    return Sum(F(value) * weight, filter=known) / NullIf(Sum(weight, filter=known), 0)


def dashboard(*, filters: Filters) -> Dashboard:
    rows = _rows(filters)
    paid = F("completed") + F("disputed")  # the orders whose payment time counts
    by_day = {day: DayOrders(day=day) for day in filters.day_list}
    for figures in (
        rows.order_by("day")
        .values("day")
        .annotate(
            **{f"{name}_sum": Sum(name) for name in COUNTS},
            pay_p50_mean=_weighted("pay_p50", paid),
            pay_p95_mean=_weighted("pay_p95", paid),
            release_p50_mean=_weighted("release_p50", F("completed")),
            release_p95_mean=_weighted("release_p95", F("completed")),
        )
    ):
        entry = by_day[figures["day"]]
        for name in COUNTS:
            setattr(entry, name, figures[f"{name}_sum"])
        for name in ("pay_p50", "pay_p95", "release_p50", "release_p95"):
            mean = figures[f"{name}_mean"]
            setattr(entry, name, None if mean is None else round(mean))
    index = {day: position for position, day in enumerate(filters.day_list)}
    fiat_volume: dict[tuple[str, str], list[Decimal]] = {}
    for day, asset, fiat, volume in rows.values_list("day", "asset", "fiat", "fiat_volume"):
        series = fiat_volume.setdefault((asset, fiat), [Decimal(0)] * filters.days)
        series[index[day]] = volume
    sums = ("placed", "completed", "volume", "fiat_volume", "fees")
    pairs = [
        PairTotal(
            asset=figures["asset"],
            fiat=figures["fiat"],
            **{name: figures[f"{name}_sum"] for name in sums},
        )
        for figures in rows.order_by("asset", "fiat")
        .values("asset", "fiat")
        .annotate(**{f"{name}_sum": Sum(name) for name in sums})
    ]
    fees: dict[str, Decimal] = {}
    for total in pairs:
        fees[total.asset] = fees.get(total.asset, Decimal(0)) + total.fees
    people = list(PlatformDay.objects.filter(day__gte=filters.first, day__lte=filters.last))
    return Dashboard(
        filters=filters,
        days=list(by_day.values()),
        fiat_volume=fiat_volume,
        pairs=pairs,
        people=people,
        fees=fees,
    )


def choices() -> tuple[list[str], list[str]]:
    """The assets and fiats the rollups know, for the filters."""
    assets = OrderDay.objects.order_by("asset").values_list("asset", flat=True).distinct()
    fiats = OrderDay.objects.order_by("fiat").values_list("fiat", flat=True).distinct()
    return list(assets), list(fiats)
