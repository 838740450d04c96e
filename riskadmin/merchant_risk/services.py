"""Confirming a score's proposed action: staff with the permission, with a reason, have the
owning app act (ads taken offline by `ads`, the merchant suspended by `merchants`), and the
confirmation is kept on the score row and in the operation log."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ads.services import AdError, ads_take_offline_for_user
from core.errors import DomainError
from core.staff_actions import StaffActionKind, record_staff_action
from merchants.models import MerchantStatus
from merchants.selectors import merchant_for_user
from merchants.services import MerchantError, merchant_set_status

from .records import MerchantRiskScore, ProposedAction

CONFIRM_PERMISSION = "riskadmin.confirm_merchantriskscore"
CONFIRMABLE = (ProposedAction.WATCH, ProposedAction.ADS_OFFLINE, ProposedAction.SUSPEND)


class ConfirmRefused(DomainError):
    code = "merchant_risk_confirm"


def can_confirm(*, user: User) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(CONFIRM_PERMISSION))


def confirm_refusal(*, score: MerchantRiskScore, user: User) -> str | None:
    """Why `user` may not confirm the score's proposed action now, or None."""
    if not can_confirm(user=user):
        return _("You may not confirm merchant risk actions.")
    if score.confirmed_at is not None:
        return _("This score's action was already confirmed.")
    if score.proposed_action not in CONFIRMABLE:
        return _("This score proposes no action.")
    return None


def merchant_risk_confirm(
    *, score: MerchantRiskScore, actor: User, reason: str, request: HttpRequest | None = None
) -> MerchantRiskScore:
    """Carry out the score's proposed action through its owning app and record who confirmed
    it, when and why. Watching acts on nothing: it is only recorded."""
    refusal = confirm_refusal(score=score, user=actor)
    if refusal:
        raise ConfirmRefused(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise ConfirmRefused(_("Give the reason for confirming."), field="reason")
    action = ProposedAction(score.proposed_action)
    merchant = merchant_for_user(user=score.merchant_user)
    if merchant is None and action != ProposedAction.WATCH:
        raise ConfirmRefused(_("This person is no longer a merchant."))
    try:
        # the owning services open their own transactions
        if action == ProposedAction.ADS_OFFLINE and merchant is not None:
            ads_take_offline_for_user(actor=actor, user=merchant.user, reason=reason)
        elif action == ProposedAction.SUSPEND and merchant is not None:
            merchant_set_status(
                merchant=merchant, actor=actor, status=MerchantStatus.SUSPENDED, reason=reason
            )
    except (AdError, MerchantError) as error:
        raise ConfirmRefused(error.message) from error
    now = timezone.now()
    with transaction.atomic(durable=True):
        # a conditional update: of two confirmations at once, one is recorded
        updated = MerchantRiskScore.objects.filter(pk=score.pk, confirmed_at__isnull=True).update(
            confirmed_by=actor,
            confirmed_at=now,
            confirmed_action=action,
            confirmation_reason=reason,
        )
        if not updated:
            raise ConfirmRefused(_("This score's action was already confirmed."))
        record_staff_action(
            actor=actor,
            action=StaffActionKind.MERCHANT_RISK_CONFIRMED,
            target=score,
            reason=f"{action.label}: {reason}",
            request=request,
        )
    score.refresh_from_db()
    return score
