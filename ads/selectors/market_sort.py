"""The market's sort choices and the merchant figures they sort by, in SQL.

Every figure is a subquery over the merchant's daily trade counters (accounts.TradeDay) over
the same 30 days the rows show, so sorting a page costs no query per ad. Whatever the choice,
the best price for the user breaks ties, then the oldest ad.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    F,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from accounts.models import TradeDay
from accounts.selectors import FIGURES_DAYS, window_start

SORT_PRICE = "price"
SORT_COMPLETION = "completion"
SORT_ORDERS = "orders"
SORT_RELEASE = "release"
SORT_DEFAULT = SORT_PRICE
SORT_CHOICES = (
    (SORT_PRICE, gettext_lazy("Best price")),
    (SORT_COMPLETION, gettext_lazy("Completion rate")),
    (SORT_ORDERS, gettext_lazy("Completed orders (30 days)")),
    (SORT_RELEASE, gettext_lazy("Fastest release")),
)
SORTS = frozenset(key for key, _label in SORT_CHOICES)

_INT: BigIntegerField = BigIntegerField()


def _merchant_days() -> QuerySet[TradeDay, Any]:
    return (
        TradeDay.objects.filter(
            user_id=OuterRef("merchant__user_id"), day__gte=window_start(FIGURES_DAYS)
        )
        .order_by()
        .values("user_id")
    )


def completed_orders_expression() -> Coalesce:
    """Orders the merchant completed in 30 days (0 without any)."""
    totals = _merchant_days().annotate(done=Sum("completed")).values("done")[:1]
    return Coalesce(Subquery(totals, output_field=_INT), 0, output_field=_INT)


def release_seconds_expression() -> Subquery:
    """The merchant's average seconds from marked paid to released over 30 days (whole
    seconds, as `TradeFigures.avg_release_seconds`); NULL when they released nothing."""
    totals = _merchant_days().annotate(
        released=Sum("released_count"), seconds=Sum("release_seconds")
    )
    average = totals.annotate(
        average=Case(
            When(~Q(released=0), then=F("seconds") / F("released")),
            default=None,
            output_field=_INT,
        )
    )
    return Subquery(average.values("average")[:1], output_field=_INT)


def sort_order(sort: str, price_order: OrderBy) -> list[OrderBy | str]:
    """ORDER BY for a sort choice over ads annotated by `visible_ads` and `with_sort_figures`."""
    rate = F("merchant_completion_rate").desc(nulls_last=True)
    keys: list[OrderBy | str]
    if sort == SORT_COMPLETION:
        keys = [rate, price_order]
    elif sort == SORT_ORDERS:
        keys = [F("merchant_completed_30d").desc(), price_order, rate]
    elif sort == SORT_RELEASE:
        keys = [F("merchant_release_seconds").asc(nulls_last=True), price_order, rate]
    else:
        keys = [price_order, rate]
    return [*keys, "created_at", "pk"]
