"""The staff home page's queues: what waits for whom, each with its count, the age of the
oldest and a link to its list. A staff member sees the queues their permissions let them work."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors.analytics import kyc_waiting
from core.waiting import Waiting
from disputes.selectors.waiting import disputes_unclaimed, disputes_waiting
from escrow.selectors.waiting import withdrawals_waiting
from merchants.selectors.waiting import applications_waiting
from orders.selectors.analytics import held_orders_waiting
from risk.engine.waiting import alerts_waiting

# past this age the oldest item shows as overdue
OVERDUE_HOURS = 4


@dataclass(frozen=True)
class QueueSpec:
    title: str | Promise
    permission: str
    read: Callable[[], Waiting]
    changelist: str
    query: str = ""


QUEUES = (
    QueueSpec(
        _("Open disputes"),
        "disputes.view_dispute",
        disputes_waiting,
        "disputes_dispute",
        "status__exact=open",
    ),
    QueueSpec(
        _("Disputes nobody has claimed"),
        "disputes.handle_dispute",
        disputes_unclaimed,
        "disputes_dispute",
        "status__exact=open&assigned_to__isnull=True",
    ),
    QueueSpec(
        _("Identity checks to review"),
        "accounts.review_kyc",
        kyc_waiting,
        "accounts_kycsubmission",
        "status__exact=pending",
    ),
    QueueSpec(
        _("Merchant applications"),
        "merchants.review_merchant",
        applications_waiting,
        "merchants_merchantapplication",
        "status__exact=pending",
    ),
    QueueSpec(
        _("Orders held for review"),
        "orders.review_held_order",
        held_orders_waiting,
        "orders_order",
        "status__exact=pending",
    ),
    QueueSpec(
        _("Open risk alerts"),
        "risk.view_alert",
        alerts_waiting,
        "risk_alert",
        "status__exact=open",
    ),
    QueueSpec(
        _("Withdrawals to review"),
        "escrow.review_withdrawal",
        withdrawals_waiting,
        "escrow_withdrawal",
        "status__exact=review",
    ),
)


@dataclass(frozen=True)
class Queue:
    title: str
    count: int
    oldest: datetime | None
    url: str
    overdue: bool


def queues_for(*, staff: User) -> list[Queue]:
    now = timezone.now()
    shown = []
    for spec in QUEUES:
        if not staff.has_perm(spec.permission):
            continue
        figures = spec.read()
        overdue = figures.oldest is not None and (
            (now - figures.oldest).total_seconds() > OVERDUE_HOURS * 3600
        )
        url = reverse(f"admin:{spec.changelist}_changelist")
        shown.append(
            Queue(
                title=str(spec.title),
                count=figures.count,
                oldest=figures.oldest,
                url=f"{url}?{spec.query}" if spec.query else url,
                overdue=overdue,
            )
        )
    return shown
