"""Applications and merchants: who may review and manage them, one's own record, display names,
collateral, and resignations due."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.db.models.functions import Lower, Now

from accounts.models import User
from escrow.selectors import HoldView, hold_view

from ..models import (
    ApplicationStatus,
    Merchant,
    MerchantApplication,
    MerchantStatus,
)
from .program import merchant_program

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


def merchant_exempt_from_withdrawal_lock(*, user: User) -> bool:
    """Whether crypto `user` buys is withdrawable at once: they are an active merchant whom
    staff exempted (a suspended or departed merchant's purchases are locked like anyone's)."""
    return Merchant.objects.filter(
        user=user, status=MerchantStatus.ACTIVE, exempt_from_withdrawal_lock=True
    ).exists()


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
