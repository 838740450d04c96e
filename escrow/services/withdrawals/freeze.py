"""The confirmation mail's "it was not me" link: it cancels that one withdrawal (when it has not
gone out yet) and freezes withdrawals and selling on the account, for support to lift once
they have spoken to the owner. It works once, and only for the withdrawal it was sent for."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models.security import RestrictionKind, RestrictionSource, SecurityEventKind
from accounts.services.security import record_event, restrict

from ...models.withdrawals import Withdrawal
from . import effects
from .requesting import end_hold, lock_withdrawal, token_hash
from .rules import WithdrawalRefused

FROZEN_KINDS = (RestrictionKind.WITHDRAW, RestrictionKind.SELL)


class FreezeLinkUsed(WithdrawalRefused):
    code = "freeze_link_used"


def withdrawal_for_freeze_link(token: str) -> Withdrawal | None:
    """The withdrawal a link was sent for, while the link is unused."""
    if not token:
        return None
    return (
        Withdrawal.objects.select_related("network__asset")
        .filter(cancel_token_hash=token_hash(token), frozen_by_link_at__isnull=True)
        .first()
    )


def withdrawal_freeze_by_link(*, token: str) -> Withdrawal:
    """Cancel the link's withdrawal if it is still cancelable and freeze the account."""
    found = withdrawal_for_freeze_link(token)
    if found is None:
        raise FreezeLinkUsed(_("This link has been used already or is not valid."))
    with transaction.atomic(durable=True):
        withdrawal = lock_withdrawal(found.public_id)
        if withdrawal is None or withdrawal.frozen_by_link_at is not None:
            raise FreezeLinkUsed(_("This link has been used already or is not valid."))
        fields = ["frozen_by_link_at"]
        if withdrawal.is_cancelable:
            withdrawal.cancel()
            end_hold(withdrawal, why="")
            fields += ["status", "ended_at", "failure"]
        withdrawal.frozen_by_link_at = timezone.now()
        withdrawal.save(update_fields=fields)
        reason = _(
            "Frozen from the link in the withdrawal email (%(id)s): contact support to lift it."
        ) % {"id": withdrawal.public_id}
        for kind in FROZEN_KINDS:
            restrict(user=withdrawal.user, kind=kind, reason=reason, source=RestrictionSource.RISK)
        record_event(
            user=withdrawal.user,
            kind=SecurityEventKind.ACCOUNT_FROZEN,
            request=None,
            detail=f"withdrawal {withdrawal.public_id}",
        )
        if "status" in fields:
            effects.changed(withdrawal)
    return withdrawal
