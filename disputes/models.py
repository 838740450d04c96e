"""Appeals, evidence and staff arbitration.

A dispute is opened on a paid order by either party; the order moves to `disputed` and its
escrow stays frozen until staff decide through the order services. Every step, by a party or
by staff, is a `DisputeAction`: the database refuses to change or delete one (a trigger), so
the record holds whatever role the editor has. A decision above the staff-set amount waits as a
pending `Decision` until a second staff member approves it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from core.fields import AmountField, FiatField
from core.models import FiatCurrency
from core.uploads import extension_for, private_name
from orders.models import Order


class DisputeReason(models.TextChoices):
    NOT_RELEASED = "not_released", _("I paid, but the seller does not release")
    NOT_RECEIVED = "not_received", _("I did not receive the payment")
    WRONG_AMOUNT = "wrong_amount", _("The amount paid is wrong")
    THIRD_PARTY = "third_party", _("Paid from a third party's account")
    OTHER = "other", _("Other")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Outcome(models.TextChoices):
    RELEASE = "release", _("Release to the buyer")
    REFUND = "refund", _("Refund to the seller")
    RETURN_TO_PAID = "return_to_paid", _("Return to paid (appeal withdrawn)")


DESCRIPTION_MIN = 20


class Dispute(models.Model):
    public_id = models.CharField(max_length=20, unique=True, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="disputes")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_opened"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="disputes_against",
        help_text=_("The other party of the order."),
    )
    reason = models.CharField(max_length=20, choices=DisputeReason.choices)
    description = models.TextField()
    status = models.CharField(
        max_length=12, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes_assigned",
    )
    respond_by = models.DateTimeField(help_text=_("The respondent's deadline to answer."))
    evidence_requested_from = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The party staff last asked for more evidence."),
    )
    evidence_due = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("handle_dispute", "Can claim disputes and work those assigned to them"),
            ("decide_dispute", "Can decide the disputes assigned to them"),
            ("assign_dispute", "Can assign disputes to other staff"),
            ("approve_decision", "Can approve another staff member's decision"),
        ]
        indexes = [models.Index(fields=["status", "assigned_to"], name="disputes_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="open"), name="disputes_one_open_per_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DisputeStatus.values), name="disputes_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open", outcome="")
                | Q(status="withdrawn", outcome="")
                | Q(status="resolved", outcome__in=Outcome.values),
                name="disputes_outcome_when_resolved",
            ),
            models.CheckConstraint(
                condition=~Q(opened_by=models.F("respondent")), name="disputes_two_parties"
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute {self.public_id} on order {self.order.public_id}"


def evidence_path(instance: Evidence, filename: str) -> str:
    return private_name("evidence", instance.content_type)


class Evidence(models.Model):
    """A party's text and/or file (image or PDF, validated), visible to staff and its author."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="evidence")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    file = models.FileField(upload_to=evidence_path, max_length=200, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(file=""), name="disputes_evidence_not_empty"
            )
        ]

    def __str__(self) -> str:
        return f"Evidence {self.pk} on {self.dispute}"

    @property
    def extension(self) -> str:
        return extension_for(self.content_type)


class ActionKind(models.TextChoices):
    OPENED = "opened", _("Appeal opened")
    EVIDENCE = "evidence", _("Evidence added")
    CLAIMED = "claimed", _("Claimed")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Internal note")
    MESSAGE = "message", _("Wrote in the order chat")
    EVIDENCE_REQUESTED = "evidence_requested", _("More evidence requested")
    PROPOSED = "proposed", _("Decision proposed for approval")
    APPROVED = "approved", _("Decision approved")
    REJECTED = "rejected", _("Decision rejected")
    DECIDED = "decided", _("Decided")
    PENALTY = "penalty", _("Penalty applied")
    WITHDRAWN = "withdrawn", _("Appeal withdrawn")


class DisputeAction(models.Model):
    """Who did what to a dispute, when and why. Insert-only: a trigger refuses UPDATE and
    DELETE for every database role the application uses."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the system acted."),
    )
    kind = models.CharField(max_length=20, choices=ActionKind.choices)
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        verbose_name = _("dispute action")
        verbose_name_plural = _("dispute actions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.dispute}"


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second approval")
    EXECUTED = "executed", _("Carried out")
    REJECTED = "rejected", _("Rejected by the second reviewer")


class Decision(models.Model):
    """A staff decision: carried out at once below the approval threshold, otherwise pending
    until a second staff member (not the proposer, not a party) approves or rejects it."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.PENDING
    )
    restrict_loser_hours = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Penalty: pause the losing party's trading this long.")
    )
    collateral_deduction = AmountField(
        null=True, blank=True, help_text=_("Penalty: taken from the losing merchant's collateral.")
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispute"],
                condition=Q(status__in=["pending", "executed"]),
                name="disputes_one_live_decision",
            ),
            models.CheckConstraint(
                condition=Q(collateral_deduction__isnull=True) | Q(collateral_deduction__gt=0),
                name="disputes_deduction_positive",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("proposed_by")),
                name="disputes_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {self.dispute}"


class ApprovalThreshold(models.Model):
    """Staff set, per fiat: a decision on an order above this total needs a second staff
    member's approval. A fiat without a row needs it always."""

    fiat = models.OneToOneField(FiatCurrency, on_delete=models.PROTECT, related_name="+")
    amount = FiatField(help_text=_("Orders above this fiat total need two staff to decide."))

    class Meta:
        verbose_name = _("approval threshold")
        verbose_name_plural = _("approval thresholds")
        ordering = ["fiat__code"]

    def __str__(self) -> str:
        return f"{self.fiat.code} above {self.amount}"
