"""Who on staff may do what with a dispute: the one rule the services enforce and the staff
screens show.

- The roles: `can_handle_disputes`, `can_decide_disputes`, `can_assign_disputes`,
  `can_approve_decisions`, `can_read_disputes`, `can_open_dispute_files` (a permission, held by
  an active staff member).
- Each staff action: `refusal_to_<action>` says why this staff member may not (None: may), in
  the words the services refuse with and in the order they check; `can_<action>` is that rule
  as a yes or no, for the buttons a screen shows. Without the dispute (or the decision), only
  the role is checked: what a service refuses before it locks anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User

from ..models import Decision, DecisionStatus, Dispute, DisputeStatus

# --- the roles ------------------------------------------------------------------------------


def _staff_with(user: object, *perms: str) -> bool:
    if not isinstance(user, User) or not (user.is_active and user.is_staff):
        return False
    return any(user.has_perm(perm) for perm in perms)


def can_handle_disputes(*, user: object) -> bool:
    """Claim, note, ask for evidence on the cases assigned to them."""
    return _staff_with(user, "disputes.handle_dispute")


def can_decide_disputes(*, user: object) -> bool:
    """Decide the cases assigned to them: handlers who also hold `decide_dispute` (customer
    service works a case but hands the decision to an arbiter)."""
    return can_handle_disputes(user=user) and _staff_with(user, "disputes.decide_dispute")


def can_assign_disputes(*, user: object) -> bool:
    return _staff_with(user, "disputes.assign_dispute")


def can_approve_decisions(*, user: object) -> bool:
    return _staff_with(user, "disputes.approve_decision")


def can_read_disputes(*, user: object) -> bool:
    """The queue and the case screen: handlers, approvers (who must see what they approve), and
    staff given the read-only view permission. Anyone else on staff never sees a dispute."""
    return _staff_with(
        user, "disputes.handle_dispute", "disputes.approve_decision", "disputes.view_dispute"
    )


def can_open_dispute_files(*, user: object) -> bool:
    """Payment proofs and evidence files: those who decide or approve, not read-only staff."""
    return _staff_with(user, "disputes.handle_dispute", "disputes.approve_decision")


def dispute_handlers() -> QuerySet[User]:
    """Active staff who may be given a case (they hold `handle_dispute`)."""
    perm = Permission.objects.filter(
        content_type__app_label="disputes", codename="handle_dispute"
    ).first()
    holders = Q(is_superuser=True)
    if perm is not None:
        holders |= Q(user_permissions=perm) | Q(groups__permissions=perm)
    return User.objects.filter(holders, is_active=True, is_staff=True).distinct().order_by("email")


# --- each staff action ----------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why a staff member may not act: `wrong_state` when it is the case's state (closed,
    already handled, a decision waiting), else it is who they are."""

    message: str
    wrong_state: bool = False


def is_party(user: User, dispute: Dispute) -> bool:
    """Nobody handles a dispute about their own order."""
    return dispute.order.role_of(user.pk) is not None


def is_assignee(user: User, dispute: Dispute) -> bool:
    return dispute.assigned_to_id == user.pk


def _no_permission(allowed: bool, what: object) -> Refusal | None:
    return (
        None
        if allowed
        else Refusal(_("You do not have the permission to %(what)s.") % {"what": what})
    )


def _not_open(dispute: Dispute) -> Refusal | None:
    if dispute.status == DisputeStatus.OPEN:
        return None
    return Refusal(
        _("This appeal is %(status)s.") % {"status": dispute.get_status_display().lower()},
        wrong_state=True,
    )


def _party(staff: User, dispute: Dispute) -> Refusal | None:
    if is_party(staff, dispute):
        return Refusal(_("Nobody handles a dispute about their own order."))
    return None


def _not_assignee(staff: User, dispute: Dispute) -> Refusal | None:
    if is_assignee(staff, dispute):
        return None
    return Refusal(_("Only the staff member assigned to this dispute may do this."))


def _first(*checks: Refusal | None) -> Refusal | None:
    return next((check for check in checks if check is not None), None)


def refusal_to_claim(staff: User, dispute: Dispute | None = None) -> Refusal | None:
    role = _no_permission(can_handle_disputes(user=staff), gettext_lazy("handle disputes"))
    if role is not None or dispute is None:
        return role
    if (refused := _first(_not_open(dispute), _party(staff, dispute))) is not None:
        return refused
    if is_assignee(staff, dispute):
        return Refusal(_("You already handle this dispute."), wrong_state=True)
    if dispute.assigned_to_id is not None:
        return Refusal(
            _(
                "%(who)s already handles this dispute; a staff member who may assign disputes "
                "can hand it over."
            )
            % {"who": dispute.assigned_to}
        )
    return None


def refusal_to_assign(
    staff: User, dispute: Dispute | None = None, assignee: User | None = None
) -> Refusal | None:
    """Hand a case to `assignee` (without one: whether this staff member may hand it over)."""
    role = _no_permission(can_assign_disputes(user=staff), gettext_lazy("assign disputes"))
    if role is not None:
        return role
    if assignee is not None and not can_handle_disputes(user=assignee):
        return Refusal(_("%(who)s may not handle disputes.") % {"who": assignee})
    if dispute is None:
        return None
    if (refused := _first(_not_open(dispute), _party(staff, dispute))) is not None:
        return refused
    if assignee is not None and is_party(assignee, dispute):
        return Refusal(_("%(who)s is a party of this order.") % {"who": assignee})
    if assignee is not None and is_assignee(assignee, dispute):
        return Refusal(
            _("%(who)s already handles this dispute.") % {"who": assignee}, wrong_state=True
        )
    return None


def refusal_to_note(staff: User, dispute: Dispute) -> Refusal | None:
    """An internal note: the assignee, or anyone who may handle disputes; closed cases too."""
    if not is_assignee(staff, dispute):
        role = _no_permission(
            can_handle_disputes(user=staff), gettext_lazy("write notes on disputes")
        )
        if role is not None:
            return role
    if not staff.is_staff:
        return Refusal(_("Only staff write notes on disputes."))
    return _party(staff, dispute)


def refusal_to_message(staff: User, dispute: Dispute | None = None) -> Refusal | None:
    """Write to both parties in the order chat: the assignee of an open case."""
    role = _no_permission(can_handle_disputes(user=staff), gettext_lazy("write to the parties"))
    if role is not None or dispute is None:
        return role
    return _first(_not_open(dispute), _not_assignee(staff, dispute), _party(staff, dispute))


def refusal_to_request_evidence(staff: User, dispute: Dispute) -> Refusal | None:
    """Ask a party for more evidence: the assignee of an open case."""
    return _first(
        _no_permission(can_handle_disputes(user=staff), gettext_lazy("handle disputes")),
        _not_assignee(staff, dispute),
        _not_open(dispute),
        _party(staff, dispute),
    )


def refusal_to_decide(staff: User, dispute: Dispute | None = None) -> Refusal | None:
    """Decide (or propose a decision): the assignee of an open case with no decision pending."""
    role = _no_permission(can_decide_disputes(user=staff), gettext_lazy("decide disputes"))
    if role is not None or dispute is None:
        return role
    refused = _first(_not_open(dispute), _not_assignee(staff, dispute), _party(staff, dispute))
    if refused is not None:
        return refused
    if Decision.objects.filter(dispute=dispute, status=DecisionStatus.PENDING).exists():
        return Refusal(_("A decision on this dispute is waiting for approval."), wrong_state=True)
    return None


def _not_pending(decision: Decision) -> Refusal | None:
    if decision.status == DecisionStatus.PENDING:
        return None
    return Refusal(
        _("This decision was already %(status)s.") % {"status": decision.get_status_display()},
        wrong_state=True,
    )


def refusal_to_approve(
    staff: User, decision: Decision | None = None, *, dispute: Dispute | None = None
) -> Refusal | None:
    """Approve a pending decision: a second staff member, not the proposer, not a party."""
    role = _no_permission(can_approve_decisions(user=staff), gettext_lazy("approve decisions"))
    if role is not None or decision is None:
        return role
    dispute = dispute or decision.dispute
    if (refused := _not_pending(decision)) is not None:
        return refused
    if decision.proposed_by_id == staff.pk:
        return Refusal(_("A decision needs another staff member's approval."))
    return _first(_party(staff, dispute), _not_open(dispute))


def refusal_to_reject(
    staff: User, decision: Decision | None = None, *, dispute: Dispute | None = None
) -> Refusal | None:
    """Reject a pending decision: a second staff member, not the proposer, not a party."""
    role = _no_permission(can_approve_decisions(user=staff), gettext_lazy("reject decisions"))
    if role is not None or decision is None:
        return role
    dispute = dispute or decision.dispute
    if (refused := _not_pending(decision)) is not None:
        return refused
    if decision.proposed_by_id == staff.pk:
        return Refusal(_("Another staff member reviews this decision."))
    return _party(staff, dispute)


def can_claim(staff: User, dispute: Dispute) -> bool:
    return refusal_to_claim(staff, dispute) is None


def can_assign(staff: User, dispute: Dispute, assignee: User | None = None) -> bool:
    return refusal_to_assign(staff, dispute, assignee) is None


def can_note(staff: User, dispute: Dispute) -> bool:
    return refusal_to_note(staff, dispute) is None


def can_message(staff: User, dispute: Dispute) -> bool:
    return refusal_to_message(staff, dispute) is None


def can_request_evidence(staff: User, dispute: Dispute) -> bool:
    return refusal_to_request_evidence(staff, dispute) is None


def can_decide(staff: User, dispute: Dispute) -> bool:
    return refusal_to_decide(staff, dispute) is None


def can_approve(staff: User, decision: Decision, *, dispute: Dispute | None = None) -> bool:
    return refusal_to_approve(staff, decision, dispute=dispute) is None


def can_reject(staff: User, decision: Decision, *, dispute: Dispute | None = None) -> bool:
    return refusal_to_reject(staff, decision, dispute=dispute) is None
