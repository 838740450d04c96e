"""Reads of appeals for the two parties of an order (staff reads: `case`, `queue`, `access`).

A party sees the dispute's status, reason, deadlines and outcome, and only their own evidence;
staff's notes and the other party's files stay with staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from orders.models import Order

from ..models import Decision, DecisionStatus, Dispute, Evidence


def _is_user(user: object) -> bool:
    return isinstance(user, User) and user.is_authenticated and user.is_active


def dispute_for_party(*, user: object, public_id: str) -> Dispute | None:
    """The dispute if `user` is the buyer or the seller of its order; None otherwise."""
    if not _is_user(user) or not public_id:
        return None
    assert isinstance(user, User)
    return (
        Dispute.objects.filter(
            Q(order__buyer_id=user.pk) | Q(order__seller_id=user.pk), public_id=public_id
        )
        .select_related("order", "order__asset", "order__fiat", "opened_by", "respondent")
        .first()
    )


def latest_dispute_for_order(*, user: object, order_public_id: str) -> Dispute | None:
    """The order's most recent dispute, for one of its parties."""
    if not _is_user(user) or not order_public_id:
        return None
    assert isinstance(user, User)
    return (
        Dispute.objects.filter(
            Q(order__buyer_id=user.pk) | Q(order__seller_id=user.pk),
            order__public_id=order_public_id,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def order_for_appeal(*, user: object, order_public_id: str) -> Order | None:
    if not _is_user(user) or not order_public_id:
        return None
    assert isinstance(user, User)
    return (
        Order.objects.filter(Q(buyer_id=user.pk) | Q(seller_id=user.pk), public_id=order_public_id)
        .select_related("asset", "fiat")
        .first()
    )


def own_evidence(*, dispute: Dispute, user: User) -> list[Evidence]:
    """What `user` added to the dispute, oldest first (never the other party's)."""
    return list(
        Evidence.objects.filter(dispute=dispute, author_id=user.pk).order_by("created_at", "id")
    )


def own_file_count(*, dispute: Dispute, user: User) -> int:
    return Evidence.objects.filter(dispute=dispute, author_id=user.pk).exclude(file="").count()


def evidence_file_for_viewer(*, user: object, evidence_id: int) -> Evidence | None:
    """One evidence file, for its author or for staff who may handle disputes; None for
    anyone else (the other party included)."""
    if not _is_user(user):
        return None
    assert isinstance(user, User)
    item = Evidence.objects.filter(pk=evidence_id).exclude(file="").first()
    if item is None:
        return None
    if item.author_id == user.pk:
        return item
    if user.is_staff and user.has_perm("disputes.handle_dispute"):
        return item
    return None


@dataclass(frozen=True)
class Deadline:
    label: str
    at: datetime
    overdue: bool
    note: str = ""


def dispute_deadlines(*, dispute: Dispute, user: User) -> list[Deadline]:
    """The open dispute's deadlines as the party sees them, each marked when passed."""
    if dispute.status != "open":
        return []
    now = timezone.now()
    mine = dispute.respondent_id == user.pk
    lines = [
        Deadline(
            label=_("Response due") if mine else _("The other party's response due"),
            at=dispute.respond_by,
            overdue=dispute.respond_by <= now,
            note=_("Add your side and your evidence before then.") if mine else "",
        )
    ]
    if dispute.evidence_due is not None and dispute.evidence_requested_from_id is not None:
        asked = dispute.evidence_requested_from_id == user.pk
        lines.append(
            Deadline(
                label=_("Evidence requested from you")
                if asked
                else _("Evidence requested from the other party"),
                at=dispute.evidence_due,
                overdue=dispute.evidence_due <= now,
                note=_("Staff asked you for more evidence; add it below.") if asked else "",
            )
        )
    return lines


def executed_decision(*, dispute: Dispute) -> Decision | None:
    return Decision.objects.filter(dispute=dispute, status=DecisionStatus.EXECUTED).first()


def decision_pending(*, dispute: Dispute) -> bool:
    return Decision.objects.filter(dispute=dispute, status=DecisionStatus.PENDING).exists()
