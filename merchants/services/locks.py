"""The locks services take before they change a merchant or claim a display name."""

from __future__ import annotations

from django.db import connection

from accounts.models import User

from ..models import Merchant, MerchantStatus
from .errors import MerchantNotAllowed


def _lock_name(name: str) -> None:
    """Serialize everyone claiming one display name (in any case) until this commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"merchant-name:{name.lower()}"]
        )


def _lock_own(user: User) -> Merchant:
    locked = (
        Merchant.objects.select_for_update(of=("self",))
        .select_related("tier")
        .filter(user_id=user.pk)
        .first()
    )
    if locked is None or locked.status == MerchantStatus.RESIGNED:
        raise MerchantNotAllowed("You are not a merchant.")
    return locked
