"""Staff taking a person's ads offline (from a risk case or a merchant's risk score): what each
ad reserves goes back to the merchant's available balance, as when the merchant does it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import Ad, AdStatus
from .errors import AdError
from .reservation import _lock_ad, _move_reservation, reserved_amount


def ads_take_offline_for_user(*, actor: User, user: User, reason: str) -> int:
    """Every online ad of `user` offline; the number taken offline. Each ad in its own
    transaction (its lock, then its ledger accounts): the ledger's lock order is by account, so
    ads in several assets cannot share one, and an ad an order is taking right now goes offline
    just after. Staff who manage ads only, never on their own account, with a reason."""
    if not (actor.is_active and actor.is_staff and actor.has_perm("ads.change_ad")):
        raise AdError(_("Only staff who manage ads may take them offline."))
    if user.pk == actor.pk:
        raise AdError(_("You may not act on your own account."))
    if not (reason or "").strip():
        raise AdError(_("Give the reason for taking the ads offline."))
    ids = list(
        Ad.objects.filter(merchant__user=user, status=AdStatus.ONLINE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    taken = 0
    for ad_id in ids:
        with transaction.atomic(durable=True):
            ad = _lock_ad(ad_id)
            if ad is None or ad.status != AdStatus.ONLINE:
                continue
            before = reserved_amount(ad)
            ad.status = AdStatus.OFFLINE
            _move_reservation(ad, before, reserved_amount(ad))
            ad.save(update_fields=["status", "updated_at"])
            taken += 1
    return taken
