"""The address book: where a user may withdraw to. An entry becomes usable only after a
cooling period from when it was added or its address changed, so a stolen session cannot add
an address and empty the account at once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from .chain import Network


class WithdrawalAddress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="withdrawal_addresses"
    )
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="book_entries")
    label = models.CharField(_("label"), max_length=60)
    address = models.CharField(_("address"), max_length=120)
    memo = models.CharField(_("memo"), max_length=60, blank=True, default="")
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    usable_from = models.DateTimeField(_("usable from"))
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["network__asset__symbol", "label"]
        verbose_name = _("withdrawal address")
        verbose_name_plural = _("withdrawal addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network", "address", "memo"],
                condition=Q(removed_at__isnull=True),
                name="escrow_book_entry_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.address})"
