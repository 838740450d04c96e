"""Reads about identity verification (KYC): the level a user reached, what they may submit
next, daily limits per level, and the documents a viewer may open."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import User
from ..models.kyc import KycDocument, KycLevel, KycLimit, KycStatus, KycSubmission


def kyc_level(*, user: User) -> int:
    """The highest approved level; level 0 once the email is verified (required to log in)."""
    approved = (
        KycSubmission.objects.filter(user=user, status=KycStatus.APPROVED)
        .order_by("-level")
        .values_list("level", flat=True)
        .first()
    )
    return int(approved) if approved is not None else int(KycLevel.EMAIL)


def kyc_legal_name(*, user: User) -> str | None:
    """The legal name from the approved identity check (level 1), if there is one."""
    return (
        KycSubmission.objects.filter(user=user, status=KycStatus.APPROVED, level=KycLevel.IDENTITY)
        .order_by("-reviewed_at")
        .values_list("legal_name", flat=True)
        .first()
    )


def kyc_country(*, user: User) -> str | None:
    """The two-letter country of the approved identity check, if there is one."""
    country = (
        KycSubmission.objects.filter(user=user, status=KycStatus.APPROVED, level=KycLevel.IDENTITY)
        .order_by("-reviewed_at")
        .values_list("country", flat=True)
        .first()
    )
    return country or None


KYC_LEVELS = (int(KycLevel.IDENTITY), int(KycLevel.ADDRESS))


def kyc_daily_limit(*, user: User, fiat_code: str) -> Decimal | None:
    """The most `user` may trade per day in `fiat_code` at their KYC level; None = no limit set."""
    limit: Decimal | None = (
        KycLimit.objects.filter(level=kyc_level(user=user), fiat__code=fiat_code.upper())
        .values_list("daily_limit", flat=True)
        .first()
    )
    return limit


def kyc_can_review(*, user: User) -> bool:
    """Staff with the `accounts.review_kyc` permission (superusers have every permission)."""
    return bool(user.is_active and user.is_staff and user.has_perm("accounts.review_kyc"))


def kyc_submit_blocker(*, user: User, level: int) -> str | None:
    """Why `user` may not submit `level` now, in words a person can read; None when allowed."""
    if level not in KYC_LEVELS:
        return _("There is no such verification level.")
    if level == KycLevel.ADDRESS and kyc_level(user=user) < KycLevel.IDENTITY:
        return _("Level 2 needs an approved level 1 identity check first.")
    statuses = set(
        KycSubmission.objects.filter(user=user, level=level)
        .exclude(status=KycStatus.REJECTED)
        .values_list("status", flat=True)
    )
    if KycStatus.APPROVED in statuses:
        return _("Level %(level)s is already approved; there is nothing to submit again.") % {
            "level": level
        }
    if KycStatus.PENDING in statuses:
        return _("Your level %(level)s submission is already waiting for review.") % {
            "level": level
        }
    return None


@dataclass(frozen=True)
class KycLevelState:
    level: int
    label: str
    latest: KycSubmission | None  # the most recent submission for this level
    blocker: str | None  # why a new submission is not possible now; None when it is


@dataclass(frozen=True)
class KycLimitRow:
    fiat_code: str
    limits: list[Decimal | None]  # per level 0, 1, 2; None where staff set no limit


@dataclass(frozen=True)
class KycOverview:
    level: int
    label: str
    levels: list[KycLevelState]
    limits: list[KycLimitRow]

    @property
    def level_0_trades(self) -> bool:
        """Whether an email-verified account may trade at all: some fiat's level 0 limit is
        above zero or not set (a fiat without a limit row has no limit)."""
        return not self.limits or any(
            row.limits[0] is None or row.limits[0] > 0 for row in self.limits
        )


def kyc_latest_submissions(*, user: User) -> dict[int, KycSubmission]:
    """The most recent submission of `user` for each level they applied for."""
    latest = (
        KycSubmission.objects.filter(user=user)
        .select_related("reviewed_by")
        .order_by("level", "-submitted_at", "-id")
        .distinct("level")
    )
    return {int(submission.level): submission for submission in latest}


def kyc_limit_table() -> list[KycLimitRow]:
    """Daily limits as rows per fiat currency, columns per level (0, 1, 2)."""
    by_fiat: dict[str, dict[int, Decimal]] = {}
    for limit in KycLimit.objects.select_related("fiat").order_by("fiat__code", "level"):
        by_fiat.setdefault(limit.fiat.code, {})[int(limit.level)] = limit.daily_limit
    return [
        KycLimitRow(fiat_code=code, limits=[levels.get(level) for level in KycLevel.values])
        for code, levels in by_fiat.items()
    ]


# What each level asks for (the level's own label says what it means once approved).
LEVEL_TITLES = {1: gettext_lazy("Level 1: identity"), 2: gettext_lazy("Level 2: proof of address")}


def kyc_overview(*, user: User) -> KycOverview:
    """Everything the identity verification page shows to `user`."""
    level = kyc_level(user=user)
    latest = kyc_latest_submissions(user=user)
    return KycOverview(
        level=level,
        label=str(KycLevel(level).label),
        levels=[
            KycLevelState(
                level=number,
                label=str(LEVEL_TITLES[number]),
                latest=latest.get(number),
                blocker=kyc_submit_blocker(user=user, level=number),
            )
            for number in KYC_LEVELS
        ],
        limits=kyc_limit_table(),
    )


def kyc_document_for_viewer(*, viewer: User, doc_id: int) -> KycDocument | None:
    """The document if `viewer` owns it or reviews KYC; None otherwise (shown as not found)."""
    if not viewer.is_active:
        return None
    documents = KycDocument.objects.filter(pk=doc_id)
    if not documents.filter(submission__user=viewer).exists() and not kyc_can_review(user=viewer):
        return None
    return documents.first()
