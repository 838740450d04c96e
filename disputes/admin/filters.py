"""The queue's quick filters: assignment, overdue, status (open by default), age, fiat total."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from .. import selectors as reads
from ..models import DisputeStatus


class AssignmentFilter(admin.SimpleListFilter):
    title = gettext_lazy("assignment")
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("unassigned", gettext_lazy("Unassigned")),
            ("mine", gettext_lazy("Mine")),
            ("others", gettext_lazy("Someone else's")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "unassigned":
            return queryset.filter(assigned_to__isnull=True)
        if self.value() == "mine":
            return queryset.filter(assigned_to=request.user.pk)
        if self.value() == "others":
            return queryset.exclude(assigned_to__isnull=True).exclude(assigned_to=request.user.pk)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("deadline")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", gettext_lazy("Overdue (answer or evidence)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(reads.overdue_q()) if self.value() == "yes" else queryset


class StatusFilter(admin.SimpleListFilter):
    """Open cases unless asked otherwise: the queue is for work still to do."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*DisputeStatus.choices, ("all", gettext_lazy("All"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value() or DisputeStatus.OPEN
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist: Any) -> Any:
        current = self.value() or DisputeStatus.OPEN
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


AGE_BUCKETS: dict[str, tuple[str, timedelta | None, timedelta | None]] = {
    "1h": ("Under an hour", None, timedelta(hours=1)),
    "1d": ("1 to 24 hours", timedelta(hours=1), timedelta(days=1)),
    "3d": ("1 to 3 days", timedelta(days=1), timedelta(days=3)),
    "old": ("Over 3 days", timedelta(days=3), None),
}


class AgeFilter(admin.SimpleListFilter):
    title = gettext_lazy("age")
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(key, label) for key, (label, _, _) in AGE_BUCKETS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in AGE_BUCKETS:
            return queryset
        _, older_than, younger_than = AGE_BUCKETS[self.value()]  # type: ignore[index]
        if older_than is not None:
            queryset = queryset.filter(created_at__lte=Now() - older_than)
        if younger_than is not None:
            queryset = queryset.filter(created_at__gt=Now() - younger_than)
        return queryset


AMOUNT_BUCKETS: dict[str, tuple[str, Decimal | None, Decimal | None]] = {
    "lt1k": ("Under 1,000", None, Decimal(1000)),
    "1k-10k": ("1,000 to 10,000", Decimal(1000), Decimal(10000)),
    "10k-100k": ("10,000 to 100,000", Decimal(10000), Decimal(100000)),
    "gte100k": ("100,000 and more", Decimal(100000), None),
}


class AmountFilter(admin.SimpleListFilter):
    title = gettext_lazy("fiat total (in the order's currency)")
    parameter_name = "total"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(key, label) for key, (label, _, _) in AMOUNT_BUCKETS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in AMOUNT_BUCKETS:
            return queryset
        _, low, high = AMOUNT_BUCKETS[self.value()]  # type: ignore[index]
        if low is not None:
            queryset = queryset.filter(order__fiat_total__gte=low)
        if high is not None:
            queryset = queryset.filter(order__fiat_total__lt=high)
        return queryset
