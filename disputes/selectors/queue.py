"""The staff queue of disputes: its rows, the overdue filter, and the texts of its columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from core.money import format_crypto
from orders.models import Order
from orders.selectors import order_figures

from ..models import Dispute, DisputeStatus


def dispute_queue() -> QuerySet[Dispute]:
    return Dispute.objects.select_related(
        "order", "order__asset", "order__fiat", "opened_by", "assigned_to"
    )


def overdue_q() -> Q:
    """Open cases whose respondent's or evidence deadline passed (by the database clock)."""
    return Q(status=DisputeStatus.OPEN) & (Q(respond_by__lt=Now()) | Q(evidence_due__lt=Now()))


@dataclass(frozen=True)
class QueueDeadline:
    label: str
    at: datetime
    overdue: bool


def next_deadline(dispute: Dispute, *, now: datetime | None = None) -> QueueDeadline | None:
    """The deadline that matters now: more evidence asked for, else the respondent's answer."""
    if dispute.status != DisputeStatus.OPEN:
        return None
    now = now or timezone.now()
    if dispute.evidence_due is not None:
        return QueueDeadline("evidence due", dispute.evidence_due, dispute.evidence_due < now)
    return QueueDeadline("answer due", dispute.respond_by, dispute.respond_by < now)


def role_of(dispute: Dispute, user_id: int | None) -> str:
    return dispute.order.role_of(user_id) or "staff"


def age_text(since: datetime, *, now: datetime | None = None) -> str:
    seconds = max(int(((now or timezone.now()) - since).total_seconds()), 0)
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d {seconds % 86400 // 3600} h"


def fiat_text(order: Order) -> str:
    return f"{order_figures(order=order).fiat_total} {order.fiat.code}"


def amount_text(order: Order) -> str:
    return f"{format_crypto(order.amount, order.asset.precision)} {order.asset.symbol}"
