"""What happens to a user elsewhere, kept here because every app reads it: notifications (the
in-app list and the emails behind it) and daily trade figures (completion rate, payment and
release times, feedback), which the orders and disputes services write in the same transaction
as the trade and profiles, merchant pages and the market read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.fields import AmountField


class Notification(models.Model):
    """One line of a user's notification list; `dedupe_key` makes a notice sent at most once
    (a reminder swept twice notifies once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, help_text=_("What happened, e.g. order.paid."))
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True, help_text=_("Where the notice leads."))
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="accounts_notif_user_time"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="accounts_notif_unread"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="accounts_notif_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.user})"


# The counters of TradeDay, in one place for the service that adds to them and the reads.
TRADE_COUNTERS = (
    "completed",
    "canceled",
    "volume",
    "paid_count",
    "pay_seconds",
    "released_count",
    "release_seconds",
    "positive",
    "negative",
    "appeals",
    "disputes_lost",
)


class TradeDay(models.Model):
    """One user's trading on one UTC day in one asset. Counters only grow (feedback edits move
    one count to another); rates are computed when read, over any window."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trade_days"
    )
    day = models.DateField()
    asset_symbol = models.CharField(max_length=16)
    completed = models.PositiveIntegerField(default=0, help_text=_("Orders released."))
    canceled = models.PositiveIntegerField(
        default=0, help_text=_("Orders that ended canceled through this user (cancel or timeout).")
    )
    volume = AmountField(default=0, help_text=_("Crypto traded in released orders."))
    paid_count = models.PositiveIntegerField(default=0)
    pay_seconds = models.BigIntegerField(default=0, help_text=_("Order opened -> marked paid."))
    released_count = models.PositiveIntegerField(default=0)
    release_seconds = models.BigIntegerField(default=0, help_text=_("Marked paid -> released."))
    positive = models.PositiveIntegerField(default=0, help_text=_("Positive feedback received."))
    negative = models.PositiveIntegerField(default=0, help_text=_("Negative feedback received."))
    appeals = models.PositiveIntegerField(
        default=0, help_text=_("Disputes about this user's orders.")
    )
    disputes_lost = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "asset_symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day", "asset_symbol"], name="accounts_tradeday_once"
            ),
            models.CheckConstraint(
                condition=Q(volume__gte=0, pay_seconds__gte=0, release_seconds__gte=0),
                name="accounts_tradeday_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.day} {self.asset_symbol}"
