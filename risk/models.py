"""Risk's own records. Restrictions are accounts' records; the rules' parameters come from the
settings until staff edit them. What risk keeps is what no other app owns: the blacklist."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class BlacklistKind(models.TextChoices):
    CRYPTO_ADDRESS = "crypto_address", _("Crypto address")


class BlacklistEntry(models.Model):
    """Something the platform refuses to deal with: a stolen-funds address, a scammer's wallet.

    Values are stored as `normalise` spells them, so a match does not depend on how the person
    typed it. An entry with an expiry stops matching after it; a removed entry stays on record.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=BlacklistKind.choices)
    value = models.CharField(_("value"), max_length=200)
    reason = models.CharField(_("reason"), max_length=300)
    source = models.CharField(
        _("source"), max_length=120, help_text=_("Where it came from: a case, a partner's list.")
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="risk_blacklist_once"),
            models.CheckConstraint(condition=~Q(value=""), name="risk_blacklist_has_value"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"
