"""What waits in a staff queue: how many, and since when the oldest. Each app answers for its
own queue with `waiting(queryset, "<time field>")`; the staff home page lists them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Min, QuerySet


@dataclass(frozen=True)
class Waiting:
    count: int
    oldest: datetime | None


def waiting(rows: QuerySet[Any], since_field: str) -> Waiting:
    figures = rows.aggregate(count=Count("pk"), oldest=Min(since_field))
    return Waiting(count=figures["count"], oldest=figures["oldest"])
