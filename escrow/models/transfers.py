"""The ledger's records: entries (one per service call, carrying the idempotency key) and
transfers. Written only by `escrow.services`, read by other apps only through
`escrow.selectors`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.fields import AmountField
from core.money import format_amount

from . import Asset, LedgerAccount, TransferKind


class Entry(models.Model):
    """One call of a ledger service: its idempotency key, who asked, why, and its transfers."""

    class Action(models.TextChoices):
        TRANSFER = "transfer", _("Transfer")
        HOLD_OPEN = "hold_open", _("Hold opened")
        HOLD_POST = "hold_post", _("Hold posted")
        HOLD_VOID = "hold_void", _("Hold voided")
        ADJUSTMENT = "adjustment", _("Staff adjustment")

    idempotency_key = models.CharField(max_length=200, unique=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    ref = models.CharField(max_length=120, blank=True, db_index=True)
    fingerprint = models.CharField(
        max_length=64, help_text=_("SHA-256 of the request; a replay must match it.")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Staff member for adjustments; empty for system moves."),
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.idempotency_key}"


class Transfer(models.Model):
    class Phase(models.TextChoices):
        SINGLE = "single", _("Posted at once")
        PENDING = "pending", _("Hold")
        POST = "post", _("Hold posted")
        VOID = "void", _("Hold voided")

    class Status(models.TextChoices):
        POSTED = "posted", _("Posted")
        PENDING = "pending", _("Pending")
        VOIDED = "voided", _("Voided")

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="transfers")
    debit_account = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="debit_transfers"
    )
    credit_account = models.ForeignKey(
        LedgerAccount, on_delete=models.PROTECT, related_name="credit_transfers"
    )
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="transfers")
    amount = AmountField()
    kind = models.CharField(max_length=20, choices=TransferKind.choices)
    phase = models.CharField(max_length=10, choices=Phase.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    pending = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolutions",
        help_text=_("For a post or void: the hold it ends."),
    )
    ref = models.CharField(max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="escrow_transfer_positive"),
            models.CheckConstraint(
                condition=~Q(debit_account=F("credit_account")),
                name="escrow_transfer_two_accounts",
            ),
            models.CheckConstraint(
                condition=(
                    Q(phase__in=["single", "post"], status="posted")
                    | Q(phase="void", status="voided")
                    | Q(phase="pending", status__in=["pending", "posted", "voided"])
                ),
                name="escrow_transfer_phase_status",
            ),
            models.CheckConstraint(
                condition=(
                    Q(phase__in=["single", "pending"], pending__isnull=True)
                    | Q(phase__in=["post", "void"], pending__isnull=False)
                ),
                name="escrow_transfer_resolution_names_hold",
            ),
        ]
        indexes = [
            models.Index(fields=["debit_account", "-created_at"], name="escrow_tr_debit_time"),
            models.Index(fields=["credit_account", "-created_at"], name="escrow_tr_credit_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {format_amount(self.amount)} {self.asset} ({self.get_phase_display()})"

    @property
    def is_open_hold(self) -> bool:
        return self.phase == self.Phase.PENDING and self.status == self.Status.PENDING
