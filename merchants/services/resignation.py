"""Resigning: request, change one's mind, and completion (the collateral comes back)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models.functions import Now
from django.utils.translation import gettext as _

from accounts.models import User
from core.clock import database_now
from core.locks import LockKind, lock_one
from escrow import services as ledger

from ..models import Merchant, MerchantStatus
from ..selectors import merchant_program
from .errors import MerchantNotAllowed
from .locks import _lock_own
from .mail import _mail


def merchant_request_resignation(*, actor: User) -> Merchant:
    """Start resigning: every ad leaves the market at once (ads show only active merchants).
    The collateral comes back once no ads or orders are open and the cooling period passed."""
    with transaction.atomic(durable=True):
        locked = _lock_own(actor)
        if locked.status != MerchantStatus.ACTIVE:
            raise MerchantNotAllowed(
                _("Only an active merchant can resign; yours is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        Merchant.objects.filter(pk=locked.pk).update(
            status=MerchantStatus.RESIGNING, resign_requested_at=Now()
        )
        locked.refresh_from_db()
    return locked


def merchant_cancel_resignation(*, actor: User) -> Merchant:
    """Change one's mind while still resigning: back to active, ads may be put online again."""
    with transaction.atomic(durable=True):
        locked = _lock_own(actor)
        if locked.status != MerchantStatus.RESIGNING:
            raise MerchantNotAllowed(_("You have not asked to resign."))
        locked.status, locked.resign_requested_at = MerchantStatus.ACTIVE, None
        locked.save(update_fields=["status", "resign_requested_at"])
    return locked


def merchant_complete_resignation(
    *,
    merchant: Merchant,
    has_open_business: bool,
    last_business_at: datetime | None = None,
) -> Merchant:
    """End a resignation: return the collateral and mark the merchant resigned.

    The caller (a higher layer that knows ads and orders) says whether open ads or orders
    remain, and may give when the last one closed; the cooling period counts from the later of
    that and the resignation request, by the database clock. Refused, changing nothing, while
    business is open or the cooling period runs. Runs in the caller's transaction, so the
    caller checks ads and orders under its own locks (the merchant's user, then the merchant)
    first.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A resignation completes inside the caller's transaction.")
    with transaction.atomic(savepoint=True):  # a refusal leaves the caller's work standing
        locked = lock_one(
            LockKind.MERCHANT, Merchant.objects.select_related("user").filter(pk=merchant.pk)
        )
        assert locked is not None
        if locked.status != MerchantStatus.RESIGNING or locked.resign_requested_at is None:
            raise MerchantNotAllowed(
                _("%(name)s is %(status)s, not resigning.")
                % {"name": locked.display_name, "status": locked.get_status_display().lower()}
            )
        if has_open_business:
            raise MerchantNotAllowed(
                _(
                    "Open ads or orders remain; the collateral comes back once they are all "
                    "closed and the cooling period has passed."
                )
            )
        start = locked.resign_requested_at
        if last_business_at is not None and last_business_at > start:
            start = last_business_at
        due = start + timedelta(days=merchant_program().resignation_cooling_days)
        now = database_now()
        if now < due:
            raise MerchantNotAllowed(
                _("The cooling period runs until %(due)s UTC; the collateral comes back after it.")
                % {"due": f"{due:%Y-%m-%d %H:%M}"}
            )
        if locked.collateral_hold_id is not None:
            ledger.hold_void(
                hold_id=locked.collateral_hold_id,
                idempotency_key=f"merchant-application:{locked.application_id}:return",
            )
        locked.status, locked.resigned_at, locked.on_break = MerchantStatus.RESIGNED, now, False
        locked.save(update_fields=["status", "resigned_at", "on_break"])
        transaction.on_commit(
            lambda: _mail(locked.user, "resigned", {"merchant": locked}), robust=True
        )
    return locked
