"""What a configuration change would touch in the wallet, for the preview staff see before
saving."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ..models.prices import PriceIndex


def price_indexes_older_than(*, seconds: int) -> int:
    return PriceIndex.objects.filter(
        updated_at__lt=timezone.now() - timedelta(seconds=seconds)
    ).count()
