"""The demo's announcements: a banner showing now, a list-only note, a banner for merchants and
an important maintenance notice scheduled for tomorrow (it becomes a notification when it
starts)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from operations.announcements.models import Announcement, Audience, Placement
from operations.announcements.services import announcement_save


def seed_operations(*, admin: User) -> None:
    now = timezone.now()
    tomorrow_night = (now + timedelta(days=1)).replace(hour=2, minute=0, second=0, microsecond=0)
    for title, fields in (
        (
            "Welcome to the demo exchange",
            {
                "body": "Try a trade: pick an ad on the **market**, pay, and watch the escrow "
                "release. Demo accounts are listed in the README.",
                "starts_at": now - timedelta(days=1),
            },
        ),
        (
            "New: withdrawals with review",
            {
                "body": "Large withdrawals and first sends to a new address are checked by "
                "our team before they leave.",
                "starts_at": now - timedelta(days=3),
                "placement": Placement.LIST,
            },
        ),
        (
            "Merchants: keep your business hours current",
            {
                "body": "Buyers see whether you are open now on every ad.",
                "starts_at": now - timedelta(hours=6),
                "audience": Audience.MERCHANTS,
            },
        ),
        (
            "Scheduled maintenance",
            {
                "body": "Trading pauses for 30 minutes while we upgrade. Open orders go on.",
                "starts_at": tomorrow_night,
                "ends_at": tomorrow_night + timedelta(hours=1),
                "important": True,
                "dismissible": False,
            },
        ),
    ):
        if Announcement.objects.filter(title=title).exists():
            continue
        announcement_save(actor=admin, announcement=Announcement(title=title, **fields))
