"""Every write on cases. New alerts join their person's open case (one is opened when there is
none) inside the transaction that raised them; staff comment, take, assign, move and close a
case; each action staff take from a case, and each appeal and its answer, is a timeline line.

Staff never work a case about their own account: every staff write here refuses it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Model, Value
from django.db.models.functions import Greatest, Least
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import RestrictionAppeal, User
from core.locks import LockKind, lock_one
from core.staff_actions import record_staff_action

from ..engine.models import Alert, AlertOutcome, AlertStatus
from ..engine.services import alert_close
from .models import Case, CaseEntry, CaseResolution, CaseStatus, EntryKind

# how long staff have to look at a case, by its worst alert
SLA_HOURS: dict[int, int] = {
    AlertOutcome.REVIEW: 24,
    AlertOutcome.HOLD: 4,
    AlertOutcome.BLOCK: 4,
}
COMMENT_MAX = 4000
REASON_MIN = 5
REASON_MAX = 1000
# what staff may set by hand; closing has its own service (it needs a resolution)
SETTABLE = (CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.WAITING)


def sla(priority: int) -> timedelta:
    return timedelta(hours=SLA_HOURS.get(priority, SLA_HOURS[AlertOutcome.REVIEW]))


def _open_case_for(user_id: int, *, priority: int) -> Case:
    """The person's open case, opened now when there is none. Two transactions opening one at
    once cannot both succeed: the second waits on the first's row, then takes it."""
    now = timezone.now()
    Case.objects.bulk_create(
        [Case(user_id=user_id, priority=priority, due_at=now + sla(priority))],
        ignore_conflicts=True,
    )
    return Case.objects.exclude(status=CaseStatus.CLOSED).get(user_id=user_id)


def _raise_priority(case: Case, priority: int) -> None:
    """A worse alert raises the priority and brings the due time forward, never back."""
    due = timezone.now() + sla(priority)
    Case.objects.filter(pk=case.pk).update(
        priority=Greatest(F("priority"), Value(priority)), due_at=Least(F("due_at"), Value(due))
    )


def case_attach_alerts(*, alerts: Iterable[Alert]) -> None:
    """Each new alert on its person's open case, in the caller's transaction."""
    by_user: dict[int, list[Alert]] = {}
    for alert in alerts:
        by_user.setdefault(alert.user_id, []).append(alert)
    entries = []
    for user_id, found in sorted(by_user.items()):
        worst = max(alert.outcome for alert in found)
        case = _open_case_for(user_id, priority=worst)
        _raise_priority(case, worst)
        entries += [
            CaseEntry(case=case, kind=EntryKind.ALERT, alert=alert, text=alert.explanation)
            for alert in found
        ]
    CaseEntry.objects.bulk_create(entries)


def case_note_appeal(appeal: RestrictionAppeal, event: str, actor: User) -> None:
    """An appeal sent (on the person's open case, opened if there is none) or answered (on
    the case it was sent to). Called by accounts inside the appeal's transaction."""
    if event == "sent":
        case = _open_case_for(appeal.user_id, priority=AlertOutcome.REVIEW)
        CaseEntry.objects.create(
            case=case, kind=EntryKind.APPEAL, actor=actor, appeal=appeal, text=appeal.text
        )
        return
    sent = (
        CaseEntry.objects.filter(appeal=appeal, kind=EntryKind.APPEAL)
        .select_related("case")
        .first()
    )
    case = sent.case if sent is not None else _open_case_for(appeal.user_id, priority=1)
    CaseEntry.objects.create(
        case=case, kind=EntryKind.ANSWER, actor=actor, appeal=appeal, text=appeal.answer
    )


def can_view_cases(user: object) -> bool:
    return bool(
        getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
        and user.has_perm("risk.view_case")  # type: ignore[attr-defined]
    )


def can_change_cases(user: object) -> bool:
    return can_view_cases(user) and user.has_perm("risk.change_case")  # type: ignore[attr-defined]


def require_may_work(*, actor: User, case: Case) -> None:
    """Staff who may change cases, never on a case about their own account."""
    if not can_change_cases(actor):
        raise PermissionDenied(_("Only staff who work cases may do this."))
    if case.user_id == actor.pk:
        raise PermissionDenied(_("You may not work a case about your own account."))


def clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ValidationError(
            _("Give the reason (at least %(count)d characters).") % {"count": REASON_MIN}
        )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("The reason must be at most %(count)d characters.") % {"count": REASON_MAX}
        )
    return reason


def _lock(case: Case) -> Case:
    locked = lock_one(LockKind.USER_RECORD, Case.objects.filter(pk=case.pk))
    assert locked is not None
    return locked


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("This case is closed."))


def case_comment(*, actor: User, case: Case, text: str) -> CaseEntry:
    require_may_work(actor=actor, case=case)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the comment first."))
    if len(text) > COMMENT_MAX:
        raise ValidationError(
            _("A comment is at most %(count)d characters.") % {"count": COMMENT_MAX}
        )
    with transaction.atomic(durable=True):
        locked = _lock(case)
        return CaseEntry.objects.create(case=locked, kind=EntryKind.COMMENT, actor=actor, text=text)


def case_assign(*, actor: User, case: Case, assignee: User | None) -> Case:
    """Give the case to `assignee` (None: to nobody); a new case moves to in progress."""
    require_may_work(actor=actor, case=case)
    if assignee is not None:
        if not can_change_cases(assignee):
            raise ValidationError(_("%(who)s may not work cases.") % {"who": assignee})
        if assignee.pk == case.user_id:
            raise ValidationError(_("Nobody works a case about their own account."))
    with transaction.atomic(durable=True):
        locked = _lock(case)
        _require_open(locked)
        locked.assignee = assignee
        fields = ["assignee"]
        if assignee is not None and locked.status == CaseStatus.NEW:
            locked.status = CaseStatus.IN_PROGRESS
            fields.append("status")
        locked.save(update_fields=fields)
        text = (
            _("Assigned to %(who)s") % {"who": assignee}
            if assignee is not None
            else _("Unassigned")
        )
        CaseEntry.objects.create(case=locked, kind=EntryKind.ASSIGNMENT, actor=actor, text=text)
    return locked


def case_set_status(*, actor: User, case: Case, status: str) -> Case:
    require_may_work(actor=actor, case=case)
    if status not in SETTABLE:
        raise ValidationError(_("Choose new, in progress or waiting; close with a resolution."))
    with transaction.atomic(durable=True):
        locked = _lock(case)
        _require_open(locked)
        if locked.status != status:
            before = locked.get_status_display()
            locked.status = status
            locked.save(update_fields=["status"])
            CaseEntry.objects.create(
                case=locked,
                kind=EntryKind.STATUS,
                actor=actor,
                text=_("%(before)s -> %(after)s")
                % {"before": before, "after": locked.get_status_display()},
            )
    return locked


def case_close(*, actor: User, case: Case, resolution: str, note: str = "") -> Case:
    """Close with a resolution; its open alerts are closed with the same label first (each
    on the rules' figures). A new alert afterwards opens a new case."""
    require_may_work(actor=actor, case=case)
    if resolution not in (CaseResolution.CONFIRMED, CaseResolution.FALSE_POSITIVE):
        raise ValidationError(_("Close the case as confirmed or a false positive."))
    _require_open(case)
    open_alerts = Alert.objects.filter(
        case_entries__case=case, status=AlertStatus.OPEN
    ).values_list("pk", flat=True)
    for alert_id in sorted(set(open_alerts)):
        try:
            alert_close(actor=actor, alert_id=alert_id, label=resolution)
        except ValidationError:
            continue  # closed meanwhile from the alert list: it keeps its own label
    with transaction.atomic(durable=True):
        locked = _lock(case)
        _require_open(locked)
        locked.status, locked.resolution = CaseStatus.CLOSED, resolution
        locked.closed_by, locked.closed_at = actor, timezone.now()
        locked.save(update_fields=["status", "resolution", "closed_by", "closed_at"])
        label = CaseResolution(resolution).label
        text = f"{label}: {note.strip()}" if (note or "").strip() else str(label)
        CaseEntry.objects.create(case=locked, kind=EntryKind.CLOSED, actor=actor, text=text)
    return locked


def case_record_action(
    *,
    actor: User,
    case: Case,
    action: str,
    text: str,
    reason: str,
    target: Model | None = None,
    request: HttpRequest | None = None,
) -> CaseEntry:
    """An action taken from the case (already done by its owning app's service) on the
    timeline and in the operation log. Not durable: the console records it in the action's
    own transaction when the owning service allows it."""
    require_may_work(actor=actor, case=case)
    with transaction.atomic(savepoint=False):
        entry = CaseEntry.objects.create(
            case=case, kind=EntryKind.ACTION, actor=actor, text=f"{text}: {reason}"
        )
        record_staff_action(
            actor=actor, action=action, target=target or case, reason=reason, request=request
        )
    return entry
