"""The demo's announcements (a banner showing now, a list-only note, a banner for merchants, an
important maintenance notice scheduled for tomorrow, which becomes a notification when it
starts) and six weeks of dashboard history. The history before the last few days is made up,
written as rollup rows only, so the dashboard has something to draw; the recent days are
rolled up from the demo's real orders, as the hourly job does."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from operations.analytics.models import OrderDay, PlatformDay
from operations.analytics.rollup import ROLLUP_RECENT_DAYS, rollup_recent
from operations.announcements.models import Announcement, Audience, Placement
from operations.announcements.services import announcement_save

HISTORY_DAYS = 42
# (asset, fiat, usual orders a day, price)
PAIRS = [
    ("USDT", "HKD", 40, Decimal("7.80")),
    ("USDT", "CNY", 25, Decimal("7.20")),
    ("BTC", "HKD", 6, Decimal("760000")),
    ("ETH", "USD", 4, Decimal("3400")),
]


def _history() -> None:
    if OrderDay.objects.exists():
        return
    today = timezone.now().date()
    chance = random.Random(2026)  # noqa: S311 - the same made-up history every time
    rows, people = [], []
    for back in range(ROLLUP_RECENT_DAYS, HISTORY_DAYS):
        day = today - timedelta(days=back)
        weekend = day.weekday() >= 5
        for asset, fiat, usual, price in PAIRS:
            placed = max(1, round(usual * chance.uniform(0.6, 1.3) * (0.7 if weekend else 1)))
            canceled = round(placed * chance.uniform(0.03, 0.12))
            disputed = round(placed * chance.uniform(0, 0.04))
            completed = placed - canceled
            amount = Decimal(1000) / price  # orders of about 1,000 in the fiat
            volume = (amount * completed * Decimal(chance.uniform(0.8, 1.2))).quantize(
                Decimal("0.000001")
            )
            rows.append(
                OrderDay(
                    day=day,
                    asset=asset,
                    fiat=fiat,
                    placed=placed,
                    completed=completed,
                    canceled=canceled,
                    disputed=disputed,
                    volume=volume,
                    fiat_volume=(volume * price).quantize(Decimal("0.01")),
                    fees=(volume * Decimal("0.001")).quantize(Decimal("0.000001")),
                    merchants=min(4, placed),
                    ads=min(8, placed),
                    pay_p50=chance.randint(180, 420),
                    pay_p95=chance.randint(600, 1200),
                    release_p50=chance.randint(60, 240),
                    release_p95=chance.randint(400, 1500),
                )
            )
        people.append(
            PlatformDay(
                day=day,
                new_users=chance.randint(2, 12),
                kyc_submitted=chance.randint(1, 8),
                kyc_approved=chance.randint(0, 6),
            )
        )
    OrderDay.objects.bulk_create(rows)
    PlatformDay.objects.bulk_create(people, ignore_conflicts=True)


def seed_operations(*, admin: User) -> None:
    _announcements(admin)
    _history()
    rollup_recent()


def _announcements(admin: User) -> None:
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
