"""Withdrawals: crypto leaving the platform to an address of the user's address book.

The amount plus the network's fee is held in the ledger when the user asks (a hold from their
available balance to the platform's external account) and the hold ends exactly once: posted
when the provider confirms the send, voided when staff reject it, the user cancels it or the
send fails. What a withdrawal may do next is its state machine (django-fsm); the services save
it under the withdrawal's row lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.fields import AmountField

from . import Asset
from .addresses import WithdrawalAddress
from .chain import Network
from .transfers import Transfer


class WithdrawalStatus(models.TextChoices):
    REVIEW = "review", _("Waiting for review")
    APPROVED = "approved", _("Approved, about to be sent")
    PROCESSING = "processing", _("Sending")
    CONFIRMING = "confirming", _("Confirming on the chain")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    REJECTED = "rejected", _("Rejected")
    CANCELED = "canceled", _("Canceled")


# The user's money is held in these; in the last four the hold has ended.
HELD = (
    WithdrawalStatus.REVIEW,
    WithdrawalStatus.APPROVED,
    WithdrawalStatus.PROCESSING,
    WithdrawalStatus.CONFIRMING,
)
CANCELABLE = (WithdrawalStatus.REVIEW, WithdrawalStatus.APPROVED)
# What counts towards the rolling limits: everything asked for that did not end unsent.
COUNTED = (*HELD, WithdrawalStatus.DONE)


class Withdrawal(FSMModelMixin, models.Model):
    public_id = models.CharField(max_length=20, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="withdrawals"
    )
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="withdrawals")
    book_entry = models.ForeignKey(
        WithdrawalAddress, on_delete=models.PROTECT, related_name="withdrawals"
    )
    # copied from the book entry: what was sent to, whatever happens to the entry later
    address = models.CharField(_("address"), max_length=120)
    memo = models.CharField(_("memo"), max_length=60, blank=True, default="")
    amount = AmountField(_("amount"), help_text=_("What arrives at the address."))
    fee = AmountField(_("fee"), default=Decimal(0))
    status = FSMField(
        _("status"),
        max_length=12,
        choices=WithdrawalStatus.choices,
        default=WithdrawalStatus.REVIEW,
        protected=True,
    )
    hold = models.ForeignKey(
        Transfer, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )
    attempt = models.PositiveSmallIntegerField(default=1, help_text=_("Sends tried so far."))
    request_key = models.CharField(max_length=64, help_text=_("The form's, against double sends."))
    reference_fiat = models.CharField(max_length=3, blank=True)
    reference_value = models.DecimalField(
        _("value"), max_digits=24, decimal_places=4, null=True, blank=True
    )
    first_to_address = models.BooleanField(_("first to this address"), default=False)
    review_reasons = models.JSONField(_("why it is reviewed"), default=list, blank=True)
    needs_two_approvals = models.BooleanField(default=False)
    first_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Who approved (the second approver when two were needed) or rejected it."),
    )
    review_note = models.TextField(_("note"), blank=True)
    provider = models.CharField(max_length=30, blank=True)
    provider_ref = models.CharField(max_length=120, blank=True, db_index=True)
    txid = models.CharField(_("transaction id"), max_length=120, blank=True)
    confirmations = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=300, blank=True)
    cancel_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    frozen_by_link_at = models.DateTimeField(null=True, blank=True, editable=False)
    requested_at = models.DateTimeField(db_default=Now(), editable=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        permissions = [
            ("review_withdrawal", "Can approve or reject withdrawals"),
            ("retry_withdrawal", "Can send a failed withdrawal again"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "request_key"], name="escrow_wd_request_once"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(fee__gte=0), name="escrow_wd_amounts"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in WithdrawalStatus]),
                name="escrow_wd_status",
            ),
            # nobody reviews their own withdrawal, and two approvals are two people
            models.CheckConstraint(
                condition=~Q(reviewer=F("user")) & ~Q(first_approver=F("user")),
                name="escrow_wd_not_own_review",
            ),
            models.CheckConstraint(
                condition=~Q(reviewer=F("first_approver")), name="escrow_wd_two_people"
            ),
            models.CheckConstraint(
                condition=Q(status__in=HELD, ended_at__isnull=True)
                | (~Q(status__in=HELD) & Q(ended_at__isnull=False)),
                name="escrow_wd_ended_when_over",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-requested_at"], name="escrow_wd_user_time"),
            models.Index(fields=["status", "requested_at"], name="escrow_wd_queue"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def total(self) -> Decimal:
        """What leaves the user's balance: the amount and the fee."""
        return self.amount + self.fee

    @property
    def ref(self) -> str:
        return f"withdrawal:{self.public_id}"

    @property
    def send_key(self) -> str:
        """The provider's idempotency key: one send per attempt, however often it is asked."""
        return f"{self.ref}:{self.attempt}"

    @property
    def is_cancelable(self) -> bool:
        return self.status in CANCELABLE

    # transitions only set the state; the services do everything else
    @transition(field=status, source=WithdrawalStatus.REVIEW, target=WithdrawalStatus.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=status, source=WithdrawalStatus.REVIEW, target=WithdrawalStatus.REJECTED)
    def reject(self) -> None:
        pass

    @transition(field=status, source=list(CANCELABLE), target=WithdrawalStatus.CANCELED)
    def cancel(self) -> None:
        pass

    @transition(field=status, source=WithdrawalStatus.APPROVED, target=WithdrawalStatus.PROCESSING)
    def start_sending(self) -> None:
        pass

    @transition(
        field=status,
        source=[WithdrawalStatus.PROCESSING, WithdrawalStatus.CONFIRMING],
        target=WithdrawalStatus.CONFIRMING,
    )
    def seen_on_chain(self) -> None:
        pass

    @transition(
        field=status,
        source=[WithdrawalStatus.PROCESSING, WithdrawalStatus.CONFIRMING],
        target=WithdrawalStatus.DONE,
    )
    def complete(self) -> None:
        pass

    @transition(
        field=status,
        source=[
            WithdrawalStatus.APPROVED,
            WithdrawalStatus.PROCESSING,
            WithdrawalStatus.CONFIRMING,
        ],
        target=WithdrawalStatus.FAILED,
    )
    def fail(self) -> None:
        pass

    @transition(field=status, source=WithdrawalStatus.FAILED, target=WithdrawalStatus.APPROVED)
    def retry(self) -> None:
        pass


class WithdrawalPolicy(models.Model):
    """Staff's thresholds for one asset: what goes out without review, what needs two people,
    how much a first withdrawal to a new address may take, and the asset's own pause."""

    asset = models.OneToOneField(Asset, on_delete=models.PROTECT, related_name="withdrawal_policy")
    withdrawals_enabled = models.BooleanField(_("withdrawals enabled"), default=True)
    auto_approve_up_to = AmountField(
        _("sent without review up to"),
        default=Decimal(0),
        help_text=_("With no risk flag, a withdrawal up to this amount goes out at once."),
    )
    second_approval_above = AmountField(
        _("two approvals above"),
        default=Decimal(0),
        help_text=_("Above this amount a second staff member must approve as well."),
    )
    new_address_up_to = AmountField(
        _("first withdrawal to a new address up to"),
        default=Decimal(0),
        help_text=_("The most a first withdrawal to an address may take; 0: no lower cap."),
    )

    class Meta:
        ordering = ["asset__symbol"]
        verbose_name = _("withdrawal policy")
        verbose_name_plural = _("withdrawal policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(auto_approve_up_to__gte=0)
                & Q(second_approval_above__gte=0)
                & Q(new_address_up_to__gte=0),
                name="escrow_wd_policy_bounds",
            ),
        ]

    def __str__(self) -> str:
        return str(self.asset)


class WithdrawalLimit(models.Model):
    """How much a verification level may withdraw, valued in the reference fiat, over rolling
    24 hours and 30 days. A row for an asset takes precedence over the level's row for all
    assets (empty asset); a level with no row may not withdraw."""

    kyc_level = models.PositiveSmallIntegerField(_("verification level"))
    asset = models.ForeignKey(
        Asset,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every asset without a row of its own."),
    )
    per_day = models.DecimalField(_("per 24 hours"), max_digits=20, decimal_places=4)
    per_30_days = models.DecimalField(_("per 30 days"), max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["kyc_level", "asset__symbol"]
        verbose_name = _("withdrawal limit")
        verbose_name_plural = _("withdrawal limits")
        constraints = [
            models.UniqueConstraint(
                fields=["kyc_level", "asset"], nulls_distinct=False, name="escrow_wd_limit_once"
            ),
            models.CheckConstraint(
                condition=Q(per_day__gte=0) & Q(per_30_days__gte=F("per_day")),
                name="escrow_wd_limit_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"level {self.kyc_level} {self.asset or '*'}"


class WalletControl(models.Model):
    """The platform-wide switch: staff pause every withdrawal at once (an incident, a chain
    upgrade), with a message users read. One row."""

    withdrawals_paused = models.BooleanField(_("pause every withdrawal"), default=False)
    message = models.CharField(_("message to users"), max_length=200, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("wallet switch")
        verbose_name_plural = _("wallet switch")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="escrow_wallet_control_one")]

    def __str__(self) -> str:
        return str(_("Withdrawals paused") if self.withdrawals_paused else _("Withdrawals open"))
