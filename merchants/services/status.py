"""Merchant status changed by staff: suspend, reactivate, revoke; and whether the crypto a
merchant buys is exempt from the withdrawal lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.locks import LockKind, lock_one

from ..models import Merchant, MerchantStatus
from ..selectors import merchant_can_manage
from .errors import MerchantInvalid, MerchantNotAllowed
from .mail import _mail

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# target status -> the statuses it may be reached from
STAFF_TRANSITIONS: dict[str, tuple[str, ...]] = {
    MerchantStatus.SUSPENDED: (MerchantStatus.ACTIVE,),
    MerchantStatus.ACTIVE: (MerchantStatus.SUSPENDED,),
    MerchantStatus.REVOKED: (
        MerchantStatus.ACTIVE,
        MerchantStatus.SUSPENDED,
        MerchantStatus.RESIGNING,
    ),
}
# what staff are told when the merchant's status does not allow the change
REFUSED_CHANGES: dict[str, _StrPromise] = {
    MerchantStatus.SUSPENDED: gettext_lazy("%(name)s is %(state)s, so it cannot be suspended."),
    MerchantStatus.ACTIVE: gettext_lazy("%(name)s is %(state)s, so it cannot be reactivated."),
    MerchantStatus.REVOKED: gettext_lazy("%(name)s is %(state)s, so it cannot be revoked."),
}


def merchant_set_status(*, merchant: Merchant, actor: User, status: str, reason: str) -> Merchant:
    """Suspend (active -> suspended), reactivate (suspended -> active) or revoke a merchant,
    with a reason kept on the record and sent to the merchant. A revoked merchant's collateral
    stays frozen for staff to settle."""
    if not merchant_can_manage(user=actor):
        raise MerchantNotAllowed(
            _("Only staff who manage merchants may change a merchant's status.")
        )
    if status not in STAFF_TRANSITIONS:
        raise MerchantInvalid({"status": _("Choose suspend, reactivate or revoke.")})
    reason = (reason or "").strip()
    if not reason:
        raise MerchantInvalid({"reason": _("Give the reason the merchant will read.")})
    if len(reason) > 1000:
        raise MerchantInvalid({"reason": _("The reason must be at most 1000 characters.")})
    with transaction.atomic(durable=True):
        locked = lock_one(
            LockKind.MERCHANT, Merchant.objects.select_related("user").filter(pk=merchant.pk)
        )
        assert locked is not None
        if locked.user_id == actor.pk:
            raise MerchantNotAllowed(
                _("You may not change the status of your own merchant account.")
            )
        if locked.status not in STAFF_TRANSITIONS[status]:
            raise MerchantNotAllowed(
                REFUSED_CHANGES[status]
                % {"name": locked.display_name, "state": locked.get_status_display().lower()}
            )
        locked.status, locked.status_reason = status, reason
        locked.save(update_fields=["status", "status_reason"])
        transaction.on_commit(
            lambda: _mail(
                locked.user,
                "status",
                {"merchant": locked, "status": status, "reason": reason},
            ),
            robust=True,
        )
    return locked


def merchant_set_withdrawal_lock_exemption(
    *, merchant: Merchant, actor: User, exempt: bool
) -> Merchant:
    """Exempt a merchant's purchases from the T+N withdrawal lock, or end the exemption. Locks
    already written stay: the exemption applies to orders released from now on."""
    if not merchant_can_manage(user=actor):
        raise MerchantNotAllowed(_("Only staff who manage merchants may change an exemption."))
    with transaction.atomic(durable=True):
        locked = lock_one(LockKind.MERCHANT, Merchant.objects.filter(pk=merchant.pk))
        assert locked is not None
        if locked.user_id == actor.pk:
            raise MerchantNotAllowed(_("You may not exempt your own merchant account."))
        if locked.exempt_from_withdrawal_lock != exempt:
            locked.exempt_from_withdrawal_lock = exempt
            locked.save(update_fields=["exempt_from_withdrawal_lock"])
    return locked
