"""The merchants an announcement to merchants reaches: those who still hold the role."""

from __future__ import annotations

from ..models import Merchant, MerchantStatus


def current_merchant_user_ids() -> list[int]:
    return list(
        Merchant.objects.exclude(status=MerchantStatus.RESIGNED)
        .filter(user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
