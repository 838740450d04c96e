"""Reads about the merchant program: requirements, tiers, applications, merchants, figures,
and business hours (`is_open`, a pure function).

This app sits below `ads` and `orders`, so nothing here queries them: figures are read from the
daily trade counters the orders app writes into accounts (accounts.selectors_figures), and
checks about open ads or orders are passed in by the higher layer that knows them (see
services.merchant_complete_resignation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower, Now
from django.utils import timezone

from accounts.models import User
from accounts.selectors import kyc_level
from accounts.selectors_figures import (
    FIGURES_DAYS,
    TradeFigures,
    trade_figures,
    trade_figures_grouped,
    trade_orders_by_day,
    trade_volume_by_asset,
)
from accounts.selectors_security import user_has_mfa
from core.models import FiatCurrency
from escrow.models import Asset
from escrow.selectors import HoldView, asset_list_enabled, hold_view

from .models import (
    ApplicationStatus,
    Merchant,
    MerchantApplication,
    MerchantProgram,
    MerchantStatus,
    MerchantTier,
    TierLimit,
)

# --- the program and its requirements ---------------------------------------------------------


def merchant_program() -> MerchantProgram:
    """The requirements staff set (row 1), or the defaults while staff have not saved any."""
    return MerchantProgram.objects.filter(pk=1).first() or MerchantProgram(pk=1)


def completed_orders_count(*, user: User) -> int:
    """Orders `user` completed (released, as buyer or seller), all time, for the merchant
    requirement."""
    return trade_figures(user=user, days=None).completed


@dataclass(frozen=True)
class Requirement:
    code: str  # "kyc", "account_age", "orders", "2fa"
    label: str  # what the program asks, e.g. "Identity verification level 1 or higher"
    current: str  # where this user stands, e.g. "You have level 0"
    met: bool


def merchant_requirements(*, user: User) -> list[Requirement]:
    """Each requirement of the program, checked for `user`."""
    program = merchant_program()
    level = kyc_level(user=user)
    age_days = account_age_days(user=user)
    orders = completed_orders_count(user=user)
    checks = [
        Requirement(
            code="kyc",
            label=f"Identity verification level {program.min_kyc_level} or higher",
            current=f"You have level {level}",
            met=level >= program.min_kyc_level,
        ),
        Requirement(
            code="account_age",
            label=f"An account at least {program.min_account_age_days} days old",
            current=f"Yours is {age_days} day{'s' if age_days != 1 else ''} old",
            met=age_days >= program.min_account_age_days,
        ),
        Requirement(
            code="orders",
            label=f"At least {program.min_completed_orders} completed orders",
            current=f"You have completed {orders}",
            met=orders >= program.min_completed_orders,
        ),
    ]
    if program.require_2fa:
        has_mfa = user_has_mfa(user=user)
        checks.append(
            Requirement(
                code="2fa",
                label="Two-factor authentication turned on",
                current="On" if has_mfa else "Off",
                met=has_mfa,
            )
        )
    return checks


def account_age_days(*, user: User) -> int:
    return max((timezone.now() - user.date_joined).days, 0)


@dataclass(frozen=True)
class ApplicantFacts:
    """What a reviewer sees about an applicant beside the application."""

    kyc_level: int
    account_age_days: int
    has_2fa: bool
    completed_orders: int
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def all_met(self) -> bool:
        return all(requirement.met for requirement in self.requirements)


def applicant_facts(*, user: User) -> ApplicantFacts:
    return ApplicantFacts(
        kyc_level=kyc_level(user=user),
        account_age_days=account_age_days(user=user),
        has_2fa=user_has_mfa(user=user),
        completed_orders=completed_orders_count(user=user),
        requirements=merchant_requirements(user=user),
    )


# --- tiers, assets, currencies ----------------------------------------------------------------


def merchant_tiers_enabled() -> QuerySet[MerchantTier]:
    """Enabled tiers in the staff's order, with their collateral asset and limits per fiat."""
    return (
        MerchantTier.objects.filter(enabled=True)
        .select_related("collateral_asset")
        .prefetch_related(
            Prefetch(
                "limits", queryset=TierLimit.objects.select_related("fiat").order_by("fiat__code")
            )
        )
    )


def tier_limit(*, tier_id: int, fiat_id: int) -> TierLimit | None:
    """The tier's per-order and daily ceilings in one fiat; None when staff set none."""
    return TierLimit.objects.filter(tier_id=tier_id, fiat_id=fiat_id).first()


def merchant_assets_choosable() -> QuerySet[Asset]:
    return asset_list_enabled()


def merchant_fiats_choosable() -> QuerySet[FiatCurrency]:
    return FiatCurrency.objects.filter(enabled=True).order_by("code")


# --- applications and merchants ---------------------------------------------------------------


def merchant_can_review(*, user: User) -> bool:
    """Staff with `merchants.review_merchant` (superusers have every permission)."""
    return bool(user.is_active and user.is_staff and user.has_perm("merchants.review_merchant"))


def merchant_can_manage(*, user: User) -> bool:
    """Staff who may suspend, reactivate or revoke merchants (`merchants.change_merchant`)."""
    return bool(user.is_active and user.is_staff and user.has_perm("merchants.change_merchant"))


def merchant_for_user(*, user: User) -> Merchant | None:
    """The user's merchant record in any status (resigned and revoked included), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Merchant.objects.select_related("tier", "tier__collateral_asset", "user")
        .filter(user=user)
        .first()
    )


def merchant_is_current(merchant: Merchant | None) -> bool:
    """A merchant who still holds the role (anything but resigned)."""
    return merchant is not None and merchant.status != MerchantStatus.RESIGNED


def application_pending(*, user: User) -> MerchantApplication | None:
    return (
        MerchantApplication.objects.filter(user=user, status=ApplicationStatus.PENDING)
        .select_related("tier", "tier__collateral_asset")
        .prefetch_related("assets", "fiats")
        .first()
    )


def applications_for_user(*, user: User, limit: int = 5) -> list[MerchantApplication]:
    """The user's latest applications, newest first."""
    return list(MerchantApplication.objects.filter(user=user).select_related("tier")[:limit])


def display_name_taken(*, name: str, exclude_user: User | None = None) -> bool:
    """True when a merchant, or a pending application, already uses `name` in any case."""
    wanted = name.strip().lower()
    merchants = Merchant.objects.annotate(lname=Lower("display_name")).filter(lname=wanted)
    pending = MerchantApplication.objects.annotate(lname=Lower("display_name")).filter(
        lname=wanted, status=ApplicationStatus.PENDING
    )
    if exclude_user is not None:
        merchants = merchants.exclude(user=exclude_user)
        pending = pending.exclude(user=exclude_user)
    return merchants.exists() or pending.exists()


def collateral_hold(*, hold_id: int | None) -> HoldView | None:
    """The escrow hold that freezes a merchant's (or applicant's) collateral."""
    return hold_view(hold_id=hold_id)


def merchants_due_for_resignation() -> QuerySet[Merchant]:
    """Resigning merchants whose cooling period has passed (by the database clock).

    A higher layer (which knows ads and orders) walks these and calls
    `services.merchant_complete_resignation` with whether open ads or orders remain.
    """
    days = merchant_program().resignation_cooling_days
    return Merchant.objects.filter(
        status=MerchantStatus.RESIGNING,
        resign_requested_at__lte=Now() - timedelta(days=days),
    ).order_by("resign_requested_at", "pk")


def resignation_due_at(*, merchant: Merchant) -> datetime | None:
    """When the collateral may come back at the earliest (if no ads or orders are open)."""
    if merchant.resign_requested_at is None:
        return None
    return merchant.resign_requested_at + timedelta(
        days=merchant_program().resignation_cooling_days
    )


# --- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MerchantFigures:
    """A merchant's last 30 days. Rates are percentages (0-100); None = nothing to rate yet."""

    orders_30d: int = 0
    completed_30d: int = 0
    completion_rate: Decimal | None = None
    avg_payment_seconds: int | None = None  # escrow frozen -> marked paid, as the buyer
    avg_release_seconds: int | None = None  # marked paid -> released, as the seller
    positive_feedback_rate: Decimal | None = None
    appeals_30d: int = 0  # disputes opened on the merchant's orders, by either party
    appeal_rate: Decimal | None = None
    disputes_lost_30d: int = 0
    # (asset symbol, volume), largest first, each in its own unit (an asset's symbol labels it)
    volume_by_asset: list[tuple[str, Decimal]] = field(default_factory=list)
    orders_by_day: list[tuple[date, int]] = field(default_factory=list)  # oldest first

    @property
    def has_orders(self) -> bool:
        return self.orders_30d > 0

    @property
    def avg_payment_text(self) -> str:
        return duration_text(self.avg_payment_seconds)

    @property
    def avg_release_text(self) -> str:
        return duration_text(self.avg_release_seconds)


def duration_text(seconds: int | None) -> str:
    """ "4 min", "1 h 05 min", or "—" when there is nothing to average."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{max(seconds, 0)} s"
    minutes = (seconds + 30) // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def merchant_figures(*, merchant: Merchant) -> MerchantFigures:
    """The merchant center's figures over the last 30 days (UTC days, today included).

    Orders are those that ended in the window and count towards the completion rate: completed
    ones, and those canceled through the merchant (as a buyer: canceled, unpaid in time, or a
    dispute lost); a buyer canceling on the merchant's ad does not count against them. Payment
    time is the merchant's own as a buyer, release time their own as a seller. Volume is per
    asset, each in its own unit. `orders_by_day` has one entry per day so the charts draw every
    day, zeros included.
    """
    user_id = merchant.user_id
    figures = trade_figures(user=user_id, days=FIGURES_DAYS)
    return MerchantFigures(
        orders_30d=figures.orders,
        completed_30d=figures.completed,
        completion_rate=figures.completion_rate,
        avg_payment_seconds=figures.avg_pay_seconds,
        avg_release_seconds=figures.avg_release_seconds,
        positive_feedback_rate=figures.positive_rate,
        appeals_30d=figures.appeals,
        appeal_rate=figures.appeal_rate,
        disputes_lost_30d=figures.disputes_lost,
        volume_by_asset=trade_volume_by_asset(user=user_id, days=FIGURES_DAYS),
        orders_by_day=trade_orders_by_day(user=user_id, days=FIGURES_DAYS),
    )


def merchant_public_figures(*, merchant_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Figures the market shows beside each merchant, for a whole page at once (one query):
    `{merchant_id: {"orders_30d": int, "completion_rate": Decimal | None}}`, over the same 30
    days and with the same meaning as `merchant_figures`."""
    ids = list(dict.fromkeys(merchant_ids))
    found = (
        trade_figures_grouped(key="user__merchant", days=FIGURES_DAYS, user__merchant__in=ids)
        if ids
        else {}
    )
    answer: dict[int, dict[str, Any]] = {}
    for merchant_id in ids:
        figures = found.get(merchant_id, TradeFigures())
        answer[merchant_id] = {
            "orders_30d": figures.orders,
            "completion_rate": figures.completion_rate,
        }
    return answer


# --- business hours ---------------------------------------------------------------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
COMMON_TIMEZONES = [
    ("Asia/Hong_Kong", "Hong Kong (UTC+8)"),
    ("Asia/Shanghai", "China (UTC+8)"),
    ("Asia/Taipei", "Taipei (UTC+8)"),
    ("Asia/Singapore", "Singapore (UTC+8)"),
    ("Asia/Tokyo", "Tokyo (UTC+9)"),
    ("Asia/Dubai", "Dubai (UTC+4)"),
    ("Europe/London", "London"),
    ("Europe/Berlin", "Central Europe"),
    ("America/New_York", "New York"),
    ("America/Los_Angeles", "Los Angeles"),
    ("UTC", "UTC"),
]
DAY_MINUTES = 24 * 60


def clock_minutes(text: str) -> int:
    """ "HH:MM" (00:00 to 24:00) as minutes after midnight; ValueError when malformed."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        raise ValueError(f"not a time: {text!r}")
    hours, minutes = text[:2], text[3:]
    if not (hours.isdigit() and minutes.isdigit()):
        raise ValueError(f"not a time: {text!r}")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > DAY_MINUTES:
        raise ValueError(f"not a time: {text!r}")
    return value


def is_open(hours: Mapping[str, Any], at: datetime) -> bool:
    """Whether business hours `hours` are open at the aware datetime `at`.

    `{}` is always open. Otherwise `{"timezone": "Asia/Hong_Kong", "days": {"mon": [["09:00",
    "18:00"]], ...}}`: times are the merchant's wall clock in that zone (so daylight saving is
    followed); a range closing at or before it opens runs past midnight into the next day
    ("22:00"-"02:00"); "24:00" closes at midnight. A day not listed is closed.
    Raises ValueError (or ZoneInfoNotFoundError, a KeyError) for malformed hours.
    """
    if not hours:
        return True
    if at.tzinfo is None:
        raise ValueError("is_open needs an aware datetime")
    local = at.astimezone(ZoneInfo(str(hours["timezone"])))
    minute = local.hour * 60 + local.minute
    days: Mapping[str, Any] = hours.get("days") or {}
    today, yesterday = WEEKDAYS[local.weekday()], WEEKDAYS[(local.weekday() - 1) % 7]
    for start_text, end_text in days.get(today, []):
        start, end = clock_minutes(start_text), clock_minutes(end_text)
        if start < end and start <= minute < end:
            return True
        if end <= start and minute >= start:  # runs past midnight: the evening part
            return True
    for start_text, end_text in days.get(yesterday, []):
        start, end = clock_minutes(start_text), clock_minutes(end_text)
        if end < start and minute < end:  # yesterday's range, after midnight
            return True
    return False


def business_hours_rows(hours: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(day name, "09:00-18:00, 20:00-22:00" or "Closed") per weekday, for display."""
    days: Mapping[str, Any] = (hours or {}).get("days") or {}
    return [
        (
            WEEKDAY_NAMES[day],
            ", ".join(f"{start}-{end}" for start, end in days.get(day, [])) or "Closed",
        )
        for day in WEEKDAYS
    ]


def merchants_open_state() -> QuerySet[Merchant]:
    """What the open-now refresh reads: every current merchant's hours and flag."""
    return Merchant.objects.filter(~Q(status=MerchantStatus.RESIGNED)).only(
        "pk", "business_hours", "open_now"
    )
