"""Four eyes: a change that one staff member proposes and another approves.

Every such change has the same shape, a proposal row (`Proposal`: what, proposed by, reason,
status, decided by and when). The owning app's service creates it; approving claims the row
(pending -> approved, one conditional UPDATE, so of two approvers racing only one wins and the
change applies once), the owning service applies it in the same transaction and marks it
applied; rejecting keeps a reason and changes nothing else. The proposer never decides their
own proposal, and the approver holds the app's approving permission.

`core.review_admin.ProposalAdmin` is the staff screen of such a model: the record read-only,
with Approve… and Reject… buttons that call the app's services.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError


class ProposalStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Pending")
    APPROVED = "approved", gettext_lazy("Approved")
    REJECTED = "rejected", gettext_lazy("Rejected")
    APPLIED = "applied", gettext_lazy("Applied")


class ProposalRefused(DomainError):
    code = "proposal_refused"


class Proposal(models.Model):
    """What a proposal of any kind records; the concrete model adds what is proposed."""

    reason = models.TextField(gettext_lazy("reason"))
    status = models.CharField(
        gettext_lazy("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        db_index=True,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("proposed by"),
    )
    proposed_at = models.DateTimeField(gettext_lazy("proposed at"), db_default=Now())
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("decided by"),
    )
    decided_at = models.DateTimeField(gettext_lazy("decided at"), null=True, blank=True)
    decision_reason = models.TextField(gettext_lazy("reason for the decision"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # the service refuses it first; the database refuses it too
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="%(app_label)s_%(class)s_not_decided_by_proposer",
            )
        ]


_P = TypeVar("_P", bound=Proposal)

MIN_REASON = 5


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ProposalRefused(
            _("Give the reason (at least %(count)d characters).") % {"count": MIN_REASON}
        )
    return reason


def _may_decide(actor: Any, permission: str) -> None:
    if not (actor.is_active and actor.is_staff and actor.has_perm(permission)):
        raise ProposalRefused(_("You may not decide on this proposal."))


def claim(
    model: type[_P], *, pk: int, actor: Any, permission: str, to: str, reason: str = ""
) -> _P:
    """Move proposal `pk` from pending to `to` (approved or rejected) for `actor`, or refuse.

    Call it inside the transaction that applies the change: the conditional UPDATE holds the
    row until that transaction ends, and an approver racing it finds the proposal decided."""
    _may_decide(actor, permission)
    proposal = model._default_manager.filter(pk=pk).first()
    if proposal is None:
        raise ProposalRefused(_("There is no such proposal."))
    if proposal.proposed_by_id == actor.pk:
        raise ProposalRefused(_("Another staff member must decide on your proposal."))
    updated = model._default_manager.filter(pk=pk, status=ProposalStatus.PENDING).update(
        status=to, decided_by=actor, decided_at=timezone.now(), decision_reason=reason
    )
    if not updated:
        raise ProposalRefused(_("This proposal was already decided."))
    return model._default_manager.get(pk=pk)


def mark_applied(proposal: Proposal) -> None:
    type(proposal)._default_manager.filter(pk=proposal.pk).update(status=ProposalStatus.APPLIED)
    proposal.status = ProposalStatus.APPLIED
