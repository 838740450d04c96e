"""Reads other apps need about a user: restrictions, KYC level, blocks, payment methods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Block, Restriction, User
from .models.kyc import KycDocument, KycLevel, KycLimit, KycStatus, KycSubmission
from .models.payments import PaymentMethodType, UserPaymentMethod
from .selectors_figures import trade_figures


def active_restrictions(*, user: User) -> QuerySet[Restriction]:
    now = timezone.now()
    return Restriction.objects.filter(
        Q(until__isnull=True) | Q(until__gt=now),
        user=user,
        lifted_at__isnull=True,
        starts_at__lte=now,
    ).order_by("until")


def active_restriction(*, user: User, kind: str) -> Restriction | None:
    """The restriction of `kind` that blocks `user` longest, if any. A TRADE restriction also
    blocks selling, since a sell order is an order."""
    kinds = [kind, "trade"] if kind == "sell" else [kind]
    found = list(active_restrictions(user=user).filter(kind__in=kinds))
    if not found:
        return None
    indefinite = [r for r in found if r.until is None]
    return indefinite[0] if indefinite else max(found, key=lambda r: r.until or timezone.now())


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


def is_blocked_between(*, user: User, other: User) -> bool:
    """True when either has blocked the other: they do not trade together."""
    return Block.objects.filter(
        Q(blocker=user, blocked=other) | Q(blocker=other, blocked=user)
    ).exists()


# --- identity verification (KYC) -------------------------------------------------------------

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
        return "There is no such verification level."
    if level == KycLevel.ADDRESS and kyc_level(user=user) < KycLevel.IDENTITY:
        return "Level 2 needs an approved level 1 identity check first."
    statuses = set(
        KycSubmission.objects.filter(user=user, level=level)
        .exclude(status=KycStatus.REJECTED)
        .values_list("status", flat=True)
    )
    if KycStatus.APPROVED in statuses:
        return f"Level {level} is already approved; there is nothing to submit again."
    if KycStatus.PENDING in statuses:
        return f"Your level {level} submission is already waiting for review."
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
LEVEL_TITLES = {1: "Level 1: identity", 2: "Level 2: proof of address"}


def kyc_overview(*, user: User) -> KycOverview:
    """Everything the identity verification page shows to `user`."""
    level = kyc_level(user=user)
    latest = kyc_latest_submissions(user=user)
    return KycOverview(
        level=level,
        label=KycLevel(level).label,
        levels=[
            KycLevelState(
                level=number,
                label=LEVEL_TITLES[number],
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


# --- Payment methods (accounts/services/payment_methods.py writes them) -----------------------


def payment_method_types_enabled() -> QuerySet[PaymentMethodType]:
    """The types a user may add now, in the staff's order."""
    return PaymentMethodType.objects.filter(enabled=True).prefetch_related("fiats")


def payment_method_type_enabled(*, code: str) -> PaymentMethodType | None:
    return PaymentMethodType.objects.filter(enabled=True, code=code).first()


def payment_methods_for_user(*, user: User) -> QuerySet[UserPaymentMethod]:
    """The user's own saved methods."""
    return UserPaymentMethod.objects.filter(user=user).select_related("method_type")


def payment_method_for_owner(*, user: User, pk: int) -> UserPaymentMethod | None:
    """One of the user's own methods, or None for anyone else's (callers answer 404).

    The orders app will add its own read for the counterparty of an order."""
    if not getattr(user, "is_authenticated", False):
        return None
    return payment_methods_for_user(user=user).filter(pk=pk).first()


def payment_method_detail_lines(*, method: UserPaymentMethod) -> list[tuple[str, str]]:
    """(label, value) for each filled detail, in the type's order; a detail whose field staff
    have since removed from the type is still shown, under its key."""
    spec = method.method_type.fields or []
    details = method.details if isinstance(method.details, dict) else {}
    lines: list[tuple[str, str]] = []
    for field in spec:
        value = str(details.get(field["key"], "") or "")
        if value:
            lines.append((str(field.get("label") or field["key"]), value))
    known = {field["key"] for field in spec}
    lines += [(str(k), str(v)) for k, v in details.items() if k not in known and v]
    return lines


# --- Public profile and blocks (accounts/services/profiles.py writes them) --------------------


def user_by_nickname(*, nickname: str) -> User | None:
    """The active user with this nickname, whatever its case."""
    if not nickname:
        return None
    return User.objects.filter(nickname__iexact=nickname, is_active=True).first()


def public_stats(*, user: User) -> dict[str, object | None]:
    """Trade statistics shown on the public profile, from the daily trade figures the orders
    app writes: completed orders and completion rate over 30 days, and the share of positive
    feedback over all time with its counts. Rates are percentages, None with nothing to rate."""
    recent = trade_figures(user=user, days=30)
    ever = trade_figures(user=user, days=None)
    return {
        "completed_orders_30d": recent.completed,
        "completion_rate": recent.completion_rate,
        "positive_feedback": ever.positive_rate,
        "positive_count": ever.positive,
        "negative_count": ever.negative,
        "has_traded": ever.orders > 0,
    }


def nickname_next_change_at(*, user: User) -> datetime | None:
    """When the nickname may next change; None when it may change now (or was never set)."""
    if not user.nickname or user.nickname_changed_at is None:
        return None
    next_change = user.nickname_changed_at + timedelta(days=settings.NICKNAME_CHANGE_DAYS)
    return next_change if next_change > timezone.now() else None


def blocks_made(*, user: User) -> QuerySet[Block]:
    """The people `user` has blocked, newest first."""
    return Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")


def block_made(*, user: User, pk: int) -> Block | None:
    """One of `user`'s own blocks, or None."""
    return blocks_made(user=user).filter(pk=pk).first()


def has_blocked(*, user: User, other: User) -> bool:
    """Whether `user` (not the other way round) blocked `other`."""
    return Block.objects.filter(blocker=user, blocked=other).exists()


# --- fund password (reads for accounts/services/fund_password.py and its pages) ---------------


def user_has_totp(*, user: User) -> bool:
    """Whether two-factor authentication by TOTP (allauth.mfa) is on for `user`."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def fund_password_status(*, user: User) -> dict[str, object]:
    """is_set, set_at, locked_until (None unless locked now), failed_attempts (0 once a lock has
    passed: the next try starts a fresh count) and tries_left."""
    from .models import FundPassword

    row = FundPassword.objects.filter(user=user).only("set_at", "failed_attempts", "locked_until")
    found = row.first()
    if found is None:
        return {
            "is_set": False,
            "set_at": None,
            "locked_until": None,
            "failed_attempts": 0,
            "tries_left": settings.FUND_PASSWORD_MAX_TRIES,
        }
    now = timezone.now()
    locked_until = found.locked_until if found.locked_until and found.locked_until > now else None
    failed = 0 if found.locked_until and found.locked_until <= now else found.failed_attempts
    return {
        "is_set": True,
        "set_at": found.set_at,
        "locked_until": locked_until,
        "failed_attempts": failed,
        "tries_left": max(settings.FUND_PASSWORD_MAX_TRIES - failed, 0),
    }


def fund_password_reset_usable(*, user: User, token: str) -> bool:
    """Whether `token` is a pending, unexpired fund password reset link of `user`."""
    import hashlib

    from .models import FundPasswordReset

    digest = hashlib.sha256((token or "").encode()).hexdigest()
    return FundPasswordReset.objects.filter(
        user=user, token_hash=digest, used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()
