"""The custody provider's webhook deliveries we have accepted. A delivery is only a hint (the
services re-fetch what it names), but one accepted twice is a replay: the unique key refuses the
second, even when both arrive at the same instant."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class WebhookDelivery(models.Model):
    provider = models.CharField(_("custody provider"), max_length=30)
    delivery_id = models.CharField(_("delivery id"), max_length=200)
    received_at = models.DateTimeField(_("received at"), db_default=Now(), editable=False)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "delivery_id"], name="escrow_webhook_delivery_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.delivery_id}"
