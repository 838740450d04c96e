"""The locks services take before they change a merchant or claim a display name."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from core.locks import LockKind, lock_name, lock_one

from ..models import Merchant, MerchantStatus
from .errors import MerchantNotAllowed


def _lock_name(name: str) -> None:
    """Serialize everyone claiming one display name (in any case) until this commit."""
    lock_name("merchant-name", name)


def _lock_own(user: User) -> Merchant:
    locked = lock_one(
        LockKind.MERCHANT, Merchant.objects.select_related("tier").filter(user_id=user.pk)
    )
    if locked is None or locked.status == MerchantStatus.RESIGNED:
        raise MerchantNotAllowed(_("You are not a merchant."))
    return locked
