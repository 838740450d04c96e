"""What staff do to a person from a case, each through the app that owns it, each with a
reason, each on the case's timeline and in the operation log. The reason and the staff
member's right to act are checked before anything changes; a service that opens its own
transaction (lifting, ads, merchants) acts first and the record follows at once."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import Restriction, RestrictionAppeal, User
from accounts.models.security import RestrictionKind
from accounts.selectors.appeals import appeal_get, restriction_get
from accounts.services.appeals import restriction_appeal_answer
from accounts.services.security import lift, restrict
from ads.services import ads_take_offline_for_user
from core.staff_actions import StaffActionKind, record_staff_action
from merchants.models import MerchantStatus
from merchants.selectors import merchant_for_user
from merchants.services import merchant_set_status
from risk.blacklist import blacklist_add
from risk.cases.models import Case
from risk.cases.services import case_record_action, clean_reason, require_may_work
from risk.models import BlacklistKind


class Action:
    RESTRICT = "restrict"
    LIFT = "lift"
    FREEZE_WITHDRAWALS = "freeze_withdrawals"
    ADS_OFFLINE = "ads_offline"
    SUSPEND_MERCHANT = "suspend_merchant"
    BLACKLIST = "blacklist"


def _require_perm(actor: User, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(_("Your role may not do this."))


def case_restrict(
    *,
    actor: User,
    case: Case,
    kind: str,
    reason: str,
    until: datetime | None = None,
    request: HttpRequest | None = None,
) -> Restriction:
    """Restrict the case's person from one kind of action; the reason is shown to them."""
    require_may_work(actor=actor, case=case)
    _require_perm(actor, "accounts.add_restriction")
    reason = clean_reason(reason)
    freezing = kind == RestrictionKind.WITHDRAW
    with transaction.atomic(durable=True):
        restriction = restrict(user=case.user, kind=kind, reason=reason, until=until, actor=actor)  # type: ignore[arg-type]
        case_record_action(
            actor=actor,
            case=case,
            action=StaffActionKind.CASE_FREEZE_WITHDRAWALS
            if freezing
            else StaffActionKind.CASE_RESTRICT,
            text=_("Restricted: %(kind)s") % {"kind": restriction.get_kind_display()},
            reason=reason,
            target=restriction,
            request=request,
        )
    return restriction


def case_freeze_withdrawals(
    *, actor: User, case: Case, reason: str, request: HttpRequest | None = None
) -> Restriction:
    return case_restrict(
        actor=actor, case=case, kind=RestrictionKind.WITHDRAW, reason=reason, request=request
    )


def case_lift(
    *,
    actor: User,
    case: Case,
    restriction_id: int,
    reason: str,
    request: HttpRequest | None = None,
) -> Restriction:
    require_may_work(actor=actor, case=case)
    _require_perm(actor, "accounts.change_restriction")
    reason = clean_reason(reason)
    restriction = restriction_get(restriction_id=restriction_id)
    if restriction is None or restriction.user_id != case.user_id:
        raise ValidationError(_("There is no such restriction on this person."))
    if restriction.lifted_at is not None:
        raise ValidationError(_("This restriction is lifted already."))
    lifted = lift(restriction=restriction, actor=actor)
    with transaction.atomic(durable=True):
        case_record_action(
            actor=actor,
            case=case,
            action=StaffActionKind.CASE_LIFT,
            text=_("Lifted: %(kind)s") % {"kind": lifted.get_kind_display()},
            reason=reason,
            target=lifted,
            request=request,
        )
    return lifted


def case_ads_offline(
    *, actor: User, case: Case, reason: str, request: HttpRequest | None = None
) -> int:
    require_may_work(actor=actor, case=case)
    reason = clean_reason(reason)
    count = ads_take_offline_for_user(actor=actor, user=case.user, reason=reason)
    with transaction.atomic(durable=True):
        case_record_action(
            actor=actor,
            case=case,
            action=StaffActionKind.CASE_ADS_OFFLINE,
            text=_("Ads taken offline: %(count)d") % {"count": count},
            reason=reason,
            target=case.user,
            request=request,
        )
    return count


def case_suspend_merchant(
    *, actor: User, case: Case, reason: str, request: HttpRequest | None = None
) -> None:
    require_may_work(actor=actor, case=case)
    reason = clean_reason(reason)
    merchant = merchant_for_user(user=case.user)
    if merchant is None:
        raise ValidationError(_("This person is not a merchant."))
    suspended = merchant_set_status(
        merchant=merchant, actor=actor, status=MerchantStatus.SUSPENDED, reason=reason
    )
    with transaction.atomic(durable=True):
        case_record_action(
            actor=actor,
            case=case,
            action=StaffActionKind.CASE_SUSPEND_MERCHANT,
            text=_("Merchant suspended: %(name)s") % {"name": suspended.display_name},
            reason=reason,
            target=suspended,
            request=request,
        )


def case_blacklist(
    *, actor: User, case: Case, value: str, reason: str, request: HttpRequest | None = None
) -> None:
    """Put a crypto address the case turned up on the blacklist."""
    require_may_work(actor=actor, case=case)
    reason = clean_reason(reason)
    with transaction.atomic(durable=True):
        entry = blacklist_add(
            actor=actor,
            kind=BlacklistKind.CRYPTO_ADDRESS,
            value=value,
            reason=reason,
            source=f"case #{case.pk}",
        )
        case_record_action(
            actor=actor,
            case=case,
            action=StaffActionKind.CASE_BLACKLIST,
            text=_("Blacklisted: %(value)s") % {"value": entry.value},
            reason=reason,
            target=entry,
            request=request,
        )


def case_answer_appeal(
    *,
    actor: User,
    case: Case,
    appeal_id: int,
    answer: str,
    request: HttpRequest | None = None,
) -> RestrictionAppeal:
    """Answer an appeal of the case's person (shown to them); lifting is a separate action."""
    require_may_work(actor=actor, case=case)
    appeal = appeal_get(appeal_id=appeal_id)
    if appeal is None or appeal.user_id != case.user_id:
        raise ValidationError(_("There is no such appeal on this case."))
    with transaction.atomic(durable=True):
        answered = restriction_appeal_answer(actor=actor, appeal_id=appeal.pk, answer=answer)
        record_staff_action(
            actor=actor,
            action=StaffActionKind.CASE_APPEAL_ANSWERED,
            target=answered,
            reason=answered.answer,
            request=request,
        )
    return answered
