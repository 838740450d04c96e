"""Reads of cases: the inbox with its filters, one case with its alerts and timeline, and a
person's earlier cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User

from ..engine.models import Alert
from .models import Case, CaseEntry, CaseStatus

INBOX_ROWS = 200
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True)
class InboxFilters:
    mine: bool = False
    unassigned: bool = False
    overdue: bool = False
    status: str = ""  # "" : every open case; a CaseStatus value: that status only


def inbox(*, viewer: User, filters: InboxFilters) -> QuerySet[Case]:
    """Cases by due time, soonest first; open ones unless a status is asked for."""
    cases = Case.objects.select_related("user", "assignee").annotate(
        alert_count=Count("entries", filter=Q(entries__alert__isnull=False))
    )
    if filters.status in CaseStatus.values:
        cases = cases.filter(status=filters.status)
    else:
        cases = cases.exclude(status=CaseStatus.CLOSED)
    if filters.mine:
        cases = cases.filter(assignee=viewer)
    if filters.unassigned:
        cases = cases.filter(assignee__isnull=True)
    if filters.overdue:
        cases = cases.filter(due_at__lt=timezone.now()).exclude(status=CaseStatus.CLOSED)
    return cases.order_by("due_at", "id")


def is_overdue(case: Case, now: datetime | None = None) -> bool:
    return case.is_open and case.due_at < (now or timezone.now())


def time_left(case: Case, now: datetime | None = None) -> timedelta:
    """Until the due time; negative once overdue."""
    return case.due_at - (now or timezone.now())


def case_get(*, case_id: int) -> Case | None:
    return Case.objects.select_related("user", "assignee", "closed_by").filter(pk=case_id).first()


def case_alerts(*, case: Case) -> list[Alert]:
    return list(Alert.objects.filter(case_entries__case=case).distinct().order_by("-created_at"))


def case_timeline(*, case: Case) -> list[CaseEntry]:
    return list(case.entries.select_related("actor", "alert", "appeal").order_by("at", "id"))


def open_case_for(*, user: User) -> Case | None:
    return Case.objects.exclude(status=CaseStatus.CLOSED).filter(user=user).first()


def cases_for_user(*, user: User) -> list[Case]:
    return list(
        Case.objects.filter(user=user).select_related("assignee").order_by("-opened_at", "-id")
    )


def case_workers() -> QuerySet[User]:
    """Staff who may be given a case."""
    return (
        User.objects.with_perm(
            "risk.change_case", backend="django.contrib.auth.backends.ModelBackend"
        )
        .filter(is_active=True, is_staff=True)
        .order_by("email")
    )
