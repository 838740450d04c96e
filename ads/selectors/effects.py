"""What a configuration change would touch in ads, for the preview staff see before saving."""

from __future__ import annotations

from ..models import Ad, AdStatus


def online_ads_count() -> int:
    return Ad.objects.filter(status=AdStatus.ONLINE).count()


def online_ads_with_window_outside(*, windows: list[int]) -> int:
    """Online ads whose payment window is not among `windows` (they keep it until edited)."""
    return (
        Ad.objects.filter(status=AdStatus.ONLINE)
        .exclude(payment_window_minutes__in=windows)
        .count()
    )
