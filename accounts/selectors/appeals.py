"""A person's restrictions, in force and past, each with its appeals (the restrictions page),
and the appeals staff see on a case."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from ..models import Restriction, User
from ..models.appeals import AppealStatus, RestrictionAppeal


@dataclass(frozen=True)
class RestrictionRow:
    restriction: Restriction
    in_force: bool
    appeals: list[RestrictionAppeal]

    @property
    def open_appeal(self) -> RestrictionAppeal | None:
        return next((a for a in self.appeals if a.status == AppealStatus.OPEN), None)

    @property
    def ended_at(self) -> object:
        """When it ended or ends: lifted, or its end; None: until lifted."""
        return self.restriction.lifted_at or self.restriction.until


def _in_force(restriction: Restriction) -> bool:
    now = timezone.now()
    return (
        restriction.lifted_at is None
        and restriction.starts_at <= now
        and (restriction.until is None or restriction.until > now)
    )


def restriction_rows(*, user: User) -> list[RestrictionRow]:
    """Every restriction of `user`, those in force first, newest first within each."""
    restrictions = Restriction.objects.filter(user=user).prefetch_related(
        Prefetch("appeals", queryset=RestrictionAppeal.objects.order_by("created_at", "id"))
    )
    rows = [
        RestrictionRow(restriction=r, in_force=_in_force(r), appeals=list(r.appeals.all()))
        for r in restrictions.order_by("-starts_at", "-id")
    ]
    return sorted(rows, key=lambda row: not row.in_force)


def restriction_for_appeal(*, user: User, restriction_id: int) -> RestrictionRow | None:
    """One of `user`'s own restrictions (None for anyone else's)."""
    return next(
        (row for row in restriction_rows(user=user) if row.restriction.pk == restriction_id), None
    )


def appeal_get(*, appeal_id: int) -> RestrictionAppeal | None:
    return (
        RestrictionAppeal.objects.select_related("restriction", "user").filter(pk=appeal_id).first()
    )


def restriction_get(*, restriction_id: int) -> Restriction | None:
    return Restriction.objects.filter(pk=restriction_id).first()
