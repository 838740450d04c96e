"""Granting and removing staff roles. A grant is proposed by a staff member holding
`riskadmin.add_rolegrant` and applied when another Superadmin approves it; a removal applies at
once. Both leave a `RoleGrant` on record."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.four_eyes import ProposalRefused, ProposalStatus, claim, mark_applied, require_reason
from core.locks import LockKind, lock_one

from ..roles import SUPERADMIN
from .records import GrantAction, GrantKind, RoleGrant

PROPOSE = "riskadmin.add_rolegrant"
APPROVE = "riskadmin.approve_rolegrant"


def _may_propose(actor: User) -> None:
    if not (actor.is_active and actor.is_staff and actor.has_perm(PROPOSE)):
        raise ProposalRefused(_("You may not grant or remove staff roles."))


def _holds(user: User, kind: str, group: Group | None) -> bool:
    if kind == GrantKind.ROLE:
        return user.groups.filter(pk=group.pk).exists()  # type: ignore[union-attr]
    return bool(user.is_superuser if kind == GrantKind.SUPERUSER else user.is_staff)


def _checked(kind: str, group: Group | None) -> Group | None:
    if kind not in GrantKind.values:
        raise ProposalRefused(_("Choose a staff role, staff status or superuser status."))
    if kind == GrantKind.ROLE and group is None:
        raise ProposalRefused(_("Choose the staff role."))
    return group if kind == GrantKind.ROLE else None


def role_grant_propose(
    *, actor: User, user: User, kind: str, group: Group | None = None, reason: str
) -> RoleGrant:
    """Propose giving `user` a role; nothing changes until another Superadmin approves."""
    _may_propose(actor)
    group = _checked(kind, group)
    reason = require_reason(reason)
    if _holds(user, kind, group):
        raise ProposalRefused(_("%(user)s holds this already.") % {"user": user})
    # not durable: the admin's add page saves inside its own transaction
    with transaction.atomic(savepoint=False):
        return RoleGrant.objects.create(
            user=user, kind=kind, group=group, reason=reason, proposed_by=actor
        )


def _set(user: User, kind: str, group: Group | None, *, on: bool) -> None:
    if kind == GrantKind.ROLE:
        if on:
            user.groups.add(group)  # type: ignore[arg-type]
            # a staff role means nothing without admin access
            User.objects.filter(pk=user.pk).update(is_staff=True)
        else:
            user.groups.remove(group)  # type: ignore[arg-type]
        return
    field = "is_superuser" if kind == GrantKind.SUPERUSER else "is_staff"
    changes: dict[str, Any] = {field: on}
    if kind == GrantKind.SUPERUSER and on:
        changes["is_staff"] = True
    User.objects.filter(pk=user.pk).update(**changes)


def role_remove(
    *, actor: User, user: User, kind: str, group: Group | None = None, reason: str
) -> RoleGrant:
    """Take a role away from `user` now (one person suffices), on record."""
    _may_propose(actor)
    group = _checked(kind, group)
    reason = require_reason(reason)
    with transaction.atomic(savepoint=False):  # the admin saves inside its own transaction
        lock_one(LockKind.USER, User.objects.filter(pk=user.pk))
        if not _holds(user, kind, group):
            raise ProposalRefused(_("%(user)s does not hold this.") % {"user": user})
        _set(user, kind, group, on=False)
        now = timezone.now()
        return RoleGrant.objects.create(
            user=user,
            action=GrantAction.REMOVE,
            kind=kind,
            group=group,
            reason=reason,
            proposed_by=actor,
            status=ProposalStatus.APPLIED,
            decided_at=now,  # by the proposer alone: nobody else decided it
        )


def _superadmin(actor: User) -> None:
    if not (actor.is_superuser or actor.groups.filter(name=SUPERADMIN).exists()):
        raise ProposalRefused(_("Only a Superadmin approves a role grant."))


def role_grant_approve(*, actor: User, proposal_id: int) -> RoleGrant:
    """Approve another Superadmin's role grant and apply it, once, in one transaction."""
    _superadmin(actor)
    with transaction.atomic(durable=True):
        grant = claim(
            RoleGrant, pk=proposal_id, actor=actor, permission=APPROVE, to=ProposalStatus.APPROVED
        )
        if grant.user_id == actor.pk:
            raise ProposalRefused(_("Another Superadmin must approve a grant to you."))
        user = lock_one(LockKind.USER, User.objects.filter(pk=grant.user_id))
        assert user is not None
        group = Group.objects.filter(pk=grant.group_id).first() if grant.group_id else None
        if grant.action != GrantAction.GRANT:
            raise ProposalRefused(_("This proposal was already decided."))
        _set(user, grant.kind, group, on=True)
        mark_applied(grant)
        return grant


def role_grant_reject(*, actor: User, proposal_id: int, reason: str) -> RoleGrant:
    """Reject another Superadmin's role grant: the person's roles stay as they are."""
    _superadmin(actor)
    reason = require_reason(reason)
    with transaction.atomic(durable=True):
        return claim(
            RoleGrant,
            pk=proposal_id,
            actor=actor,
            permission=APPROVE,
            to=ProposalStatus.REJECTED,
            reason=reason,
        )
