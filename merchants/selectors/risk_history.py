"""The merchants the staff console's daily risk score looks at, with what their collateral
holds. Read only."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from ..models import Merchant, MerchantStatus
from .members import collateral_hold

SCORED_STATUSES = (MerchantStatus.ACTIVE, MerchantStatus.SUSPENDED, MerchantStatus.RESIGNING)


def merchants_to_score() -> QuerySet[Merchant]:
    """Merchants that still trade or may again (not revoked, not resigned)."""
    return (
        Merchant.objects.filter(status__in=SCORED_STATUSES)
        .select_related("user", "tier", "tier__collateral_asset")
        .order_by("pk")
    )


def collateral_held(*, merchant: Merchant) -> tuple[int, Decimal]:
    """(asset id, amount) the merchant's collateral hold freezes now; the tier's asset and
    zero when nothing is held."""
    hold = collateral_hold(hold_id=merchant.collateral_hold_id)
    if hold is None:
        return merchant.tier.collateral_asset_id, Decimal(0)
    return hold.asset.pk, hold.amount
