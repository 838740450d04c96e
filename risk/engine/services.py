"""Staff writes on the rules: a setting change (validated against the rule's declared
parameters, versioned, recorded with its reason), proposed by one staff member and applied
when another approves it (four eyes, core/four_eyes.py), closing an alert with a label,
snoozing a rule for one person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.four_eyes import ProposalRefused, ProposalStatus, claim, mark_applied, require_reason
from core.locks import lock_name

from .base import REGISTRY
from .models import (
    Alert,
    AlertLabel,
    AlertStatus,
    Mode,
    RuleSetting,
    RuleSettingChange,
    RuleSettingProposal,
    RuleSnooze,
)
from .params import clean

MIN_REASON = 5
APPROVE_RULE_CHANGE = "risk.approve_rulesettingproposal"


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            _("Give the reason (at least %(count)d characters).") % {"count": MIN_REASON}
        )
    return reason


def _snapshot(setting: RuleSetting) -> dict[str, Any]:
    return {"mode": setting.mode, "params": setting.params}


def _checked(code: str, mode: str, params: object) -> dict[str, Any]:
    rule = REGISTRY.get(code)
    if rule is None:
        raise ValidationError(_("There is no rule %(code)s.") % {"code": code})
    if mode not in Mode.values:
        raise ValidationError(_("Choose active, shadow or off."))
    return clean(rule.params, params)


def rule_setting_change(
    *,
    actor: User,
    code: str,
    mode: str,
    params: object,
    reason: str,
    approved_by: User | None = None,
) -> RuleSetting:
    """Set rule `code`'s mode and parameters. A bad value is refused (ValidationError) and
    nothing is stored; an accepted change gets the next version and a change record, which
    names the proposer (`actor`) and, for an approved proposal, the approver. Staff reach it
    only through `rule_setting_approve`."""
    stored = _checked(code, mode, params)
    reason = _require_reason(reason)
    # not durable: the admin's change page saves inside its own transaction
    with transaction.atomic(savepoint=False):
        lock_name("risk-rule", code)  # one change of a rule at a time: versions never repeat
        setting = RuleSetting.objects.filter(code=code).first()
        before = None if setting is None else _snapshot(setting)
        if setting is None:
            setting = RuleSetting(code=code, version=0)
        setting.mode = mode
        setting.params = stored
        setting.version += 1
        setting.changed_by = actor
        setting.changed_at = timezone.now()
        setting.save()
        RuleSettingChange.objects.create(
            code=code,
            version=setting.version,
            before=before,
            after=_snapshot(setting),
            reason=reason,
            changed_by=actor,
            approved_by=approved_by,
        )
    return setting


def rule_setting_propose(
    *, actor: User, code: str, mode: str, params: object, reason: str
) -> RuleSettingProposal:
    """Propose rule `code`'s new mode and parameters; nothing changes until another staff
    member approves. Validated now, so a bad value is refused before anyone reviews it."""
    if not (actor.is_active and actor.is_staff and actor.has_perm("risk.change_rulesetting")):
        raise ValidationError(_("You may not propose rule changes."))
    stored = _checked(code, mode, params)
    reason = _require_reason(reason)
    setting = RuleSetting.objects.filter(code=code).first()
    # not durable: the admin's change page saves inside its own transaction
    with transaction.atomic(savepoint=False):
        return RuleSettingProposal.objects.create(
            code=code,
            mode=mode,
            params=stored,
            reason=reason,
            proposed_by=actor,
            base_version=0 if setting is None else setting.version,
        )


def rule_setting_approve(*, actor: User, proposal_id: int) -> RuleSettingProposal:
    """Approve another staff member's rule change and apply it, once, in one transaction."""
    with transaction.atomic(durable=True):
        proposal = claim(
            RuleSettingProposal,
            pk=proposal_id,
            actor=actor,
            permission=APPROVE_RULE_CHANGE,
            to=ProposalStatus.APPROVED,
        )
        lock_name("risk-rule", proposal.code)  # no other change of the rule in between
        current = RuleSetting.objects.filter(code=proposal.code).first()
        if (0 if current is None else current.version) != proposal.base_version:
            raise ProposalRefused(
                _("The rule was changed since this proposal; reject it and propose again.")
            )
        try:
            rule_setting_change(
                actor=User.objects.get(pk=proposal.proposed_by_id),
                code=proposal.code,
                mode=proposal.mode,
                params=proposal.params,
                reason=proposal.reason,
                approved_by=actor,
            )
        except ValidationError as error:
            raise ProposalRefused(" ".join(error.messages)) from error
        mark_applied(proposal)
        return proposal


def rule_setting_reject(*, actor: User, proposal_id: int, reason: str) -> RuleSettingProposal:
    """Reject another staff member's rule change: the rule stays as it is."""
    reason = require_reason(reason)
    with transaction.atomic(durable=True):
        return claim(
            RuleSettingProposal,
            pk=proposal_id,
            actor=actor,
            permission=APPROVE_RULE_CHANGE,
            to=ProposalStatus.REJECTED,
            reason=reason,
        )


def alert_close(*, actor: User, alert_id: int, label: str) -> Alert:
    """Close an open alert as confirmed or a false positive (the rule's figures count it)."""
    if label not in (AlertLabel.CONFIRMED, AlertLabel.FALSE_POSITIVE):
        raise ValidationError(_("Label the alert as confirmed or a false positive."))
    with transaction.atomic(durable=True):
        updated = Alert.objects.filter(pk=alert_id, status=AlertStatus.OPEN).update(
            status=AlertStatus.CLOSED, label=label, closed_by=actor, closed_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This alert is closed already."))
        return Alert.objects.get(pk=alert_id)


def rule_snooze(*, actor: User, user: User, code: str, until: datetime, reason: str) -> RuleSnooze:
    """Skip rule `code` for `user` until `until`."""
    if code not in REGISTRY:
        raise ValidationError(_("There is no rule %(code)s.") % {"code": code})
    if until <= timezone.now():
        raise ValidationError(_("A snooze ends in the future."))
    reason = _require_reason(reason)
    with transaction.atomic(savepoint=False):  # the admin saves inside its own transaction
        return RuleSnooze.objects.create(user=user, code=code, until=until, reason=reason, by=actor)
