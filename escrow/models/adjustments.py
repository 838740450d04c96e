"""Balance adjustments that need a second staff member: the threshold per asset above which
an adjustment waits for approval, and the proposal itself (core/four_eyes.py)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import AmountField
from core.four_eyes import Proposal


class AdjustmentThreshold(models.Model):
    """An adjustment of this asset up to `amount` (either sign) applies at once; above it,
    another staff member approves. An asset without a row: every adjustment is approved."""

    asset = models.OneToOneField(
        "escrow.Asset", on_delete=models.PROTECT, related_name="adjustment_threshold"
    )
    amount = AmountField(
        _("applied at once up to"),
        help_text=_("An adjustment above this amount (either sign) needs a second approver."),
    )

    class Meta:
        ordering = ["asset__symbol"]
        verbose_name = _("adjustment threshold")
        verbose_name_plural = _("adjustment thresholds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="escrow_adjust_threshold_gte_0")
        ]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.amount}"


class AdjustmentProposal(Proposal):
    """A staff adjustment of one account waiting for a second staff member's approval."""

    account = models.ForeignKey(
        "escrow.LedgerAccount",
        on_delete=models.PROTECT,
        related_name="adjustment_proposals",
        verbose_name=_("account"),
    )
    amount = AmountField(
        _("amount"), help_text=_("Positive credits the account, negative debits it.")
    )
    # the form's one-time key: submitting the same form twice proposes once
    request_key = models.CharField(max_length=200, unique=True)
    transfer = models.OneToOneField(
        "escrow.Transfer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("transfer"),
    )

    class Meta(Proposal.Meta):
        verbose_name = _("adjustment proposal")
        verbose_name_plural = _("adjustment proposals")
        permissions = [("approve_adjustment", "Can approve another staff member's adjustment")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount:+f} → {self.account_id}"
