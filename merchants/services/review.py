"""Staff review of applications: approve (the applicant becomes a merchant) or reject."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.locks import LockKind, lock_one

from ..models import ApplicationStatus, Merchant, MerchantApplication, MerchantStatus
from ..selectors import collateral_hold, merchant_can_review
from .applications import _return_collateral
from .errors import MerchantInvalid, MerchantNotAllowed
from .locks import _lock_name
from .mail import _mail


def merchant_approve(*, application: MerchantApplication, actor: User) -> Merchant:
    """Approve a pending application: the applicant becomes an active merchant, and the
    collateral stays frozen for as long as they are one. They are told by email."""
    with transaction.atomic(durable=True):
        locked = _lock_for_review(application=application, reviewer=actor)
        hold = collateral_hold(hold_id=locked.collateral_hold_id)
        if hold is None or not hold.is_open:
            raise MerchantNotAllowed(_("The collateral of this application is no longer frozen."))
        existing = lock_one(LockKind.MERCHANT, Merchant.objects.filter(user_id=locked.user_id))
        if existing is not None and existing.status != MerchantStatus.RESIGNED:
            raise MerchantNotAllowed(_("The applicant is already a merchant."))
        _lock_name(locked.display_name)
        clash = (
            Merchant.objects.annotate(lname=Lower("display_name"))
            .filter(lname=locked.display_name.lower())
            .exclude(user_id=locked.user_id)
        )
        if clash.exists():
            raise MerchantNotAllowed(
                _(
                    "Another merchant already uses the name “%(name)s”; reject the application "
                    "with that reason so the applicant can choose another."
                )
                % {"name": locked.display_name}
            )
        fields: dict[str, Any] = {
            "display_name": locked.display_name,
            "tier": locked.tier,
            "status": MerchantStatus.ACTIVE,
            "status_reason": "",
            "application": locked,
            "collateral_hold_id": locked.collateral_hold_id,
            "approved_at": timezone.now(),
            "on_break": False,
            "resign_requested_at": None,
            "resigned_at": None,
        }
        if existing is None:
            merchant = Merchant.objects.create(user=locked.user, **fields)
        else:  # a former merchant coming back: one record per person
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save(update_fields=list(fields))
            merchant = existing
        locked.status = ApplicationStatus.APPROVED
        locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by"])
        transaction.on_commit(
            lambda: _mail(locked.user, "approved", {"application": locked, "merchant": merchant}),
            robust=True,
        )
    return merchant


def merchant_reject(
    *, application: MerchantApplication, actor: User, reason: str
) -> MerchantApplication:
    """Reject a pending application with a reason the applicant reads; the collateral is
    returned and they may apply again."""
    reason = (reason or "").strip()
    if not reason:
        raise MerchantInvalid({"reason": _("Give the reason the applicant will read.")})
    if len(reason) > 1000:
        raise MerchantInvalid({"reason": _("The reason must be at most 1000 characters.")})
    with transaction.atomic(durable=True):
        locked = _lock_for_review(application=application, reviewer=actor)
        _return_collateral(locked)
        locked.status = ApplicationStatus.REJECTED
        locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
        locked.rejection_reason = reason
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "rejection_reason"])
        transaction.on_commit(
            lambda: _mail(locked.user, "rejected", {"application": locked, "reason": reason}),
            robust=True,
        )
    return locked


def _lock_for_review(*, application: MerchantApplication, reviewer: User) -> MerchantApplication:
    if not merchant_can_review(user=reviewer):
        raise MerchantNotAllowed(
            _("Only staff with the merchant review permission may review applications.")
        )
    locked = lock_one(
        LockKind.MERCHANT_APPLICATION,
        MerchantApplication.objects.select_related("user", "tier", "tier__collateral_asset").filter(
            pk=application.pk
        ),
    )
    if locked is None:
        raise MerchantNotAllowed(_("There is no such application."))
    if locked.user_id == reviewer.pk:
        raise MerchantNotAllowed(_("You may not review your own application."))
    if locked.status != ApplicationStatus.PENDING:
        raise MerchantNotAllowed(
            _(
                "This application was already %(status)s; only a pending application can be "
                "reviewed."
            )
            % {"status": locked.get_status_display().lower()}
        )
    return locked
