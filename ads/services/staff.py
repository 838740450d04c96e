"""What staff do to a merchant's ads: take every ad of theirs offline at once (a risk decision,
confirmed with a reason). Each ad goes offline as the merchant's own button would take it, so the
reservation rule holds: what an online sell ad reserved returns to the available balance."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.locks import LockKind, lock, lock_one
from merchants.models import Merchant
from merchants.selectors import merchant_can_manage

from ..models import Ad, AdStatus
from .errors import AdError
from .reservation import _move_reservation, reserved_amount


def ads_take_offline_by_staff(*, actor: User, merchant: Merchant, reason: str) -> list[Ad]:
    """Every online ad of `merchant` offline, in one transaction; the ads taken offline (none
    when none was online). Staff who manage merchants only, never their own, with a reason."""
    if not merchant_can_manage(user=actor):
        raise AdError(_("Only staff who manage merchants may take a merchant's ads offline."))
    if not (reason or "").strip():
        raise AdError(_("Give the reason for taking the ads offline."))
    if merchant.user_id == actor.pk:
        raise AdError(_("You may not take your own ads offline from here."))
    with transaction.atomic(durable=True):
        # the merchant row first (lock order), so no ad goes online meanwhile
        lock_one(LockKind.MERCHANT, Merchant.objects.filter(pk=merchant.pk))
        ads = lock(
            LockKind.AD,
            Ad.objects.select_related("merchant", "merchant__user", "asset").filter(
                merchant=merchant, status=AdStatus.ONLINE
            ),
        )
        for ad in ads:
            before = reserved_amount(ad)
            ad.status = AdStatus.OFFLINE
            _move_reservation(ad, before, reserved_amount(ad))
            ad.save(update_fields=["status", "updated_at"])
    return ads
