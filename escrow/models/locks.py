"""Withdrawal locks (T+N): crypto credited to a person that may be traded on the platform at
once but not withdrawn before a time.

A lock is a ledger fact, a *lot*: it rests on the posted transfer that credited the owner's
available account (an order's release to its buyer) and names that transfer's amount, asset
and owner. It is written with the transfer, in the same ledger call, and never changes: it
simply stops counting once `unlocks_at` has passed by the database clock. The database
refuses a lock that does not match its transfer, and any edit or deletion (migration
`withdrawal_locks`); `verify_ledger` checks the same again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.fields import AmountField

from . import Asset


class WithdrawalLock(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="withdrawal_locks"
    )
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    amount = AmountField()
    unlocks_at = models.DateTimeField(_("withdrawable from"))
    ref = models.CharField(max_length=120, blank=True)
    # the post that credited the owner; one lock per transfer, so a replayed post adds none
    transfer = models.OneToOneField(
        "escrow.Transfer", on_delete=models.PROTECT, related_name="withdrawal_lock"
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["unlocks_at", "id"]
        verbose_name = _("withdrawal lock")
        verbose_name_plural = _("withdrawal locks")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="escrow_lock_positive"),
        ]
        indexes = [
            models.Index(fields=["owner", "asset", "unlocks_at"], name="escrow_lock_owner_open"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.amount} {self.asset} until {self.unlocks_at:%Y-%m-%d %H:%M}"
