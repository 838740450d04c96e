"""What follows a withdrawal's change once it commits: the confirmation mail with its
cancel-and-freeze link, the user's notices, and queueing the send. Nothing here runs when the
change rolls back."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.services.activity import notify
from core.i18n import speaking_to
from core.mail import send_after_commit
from core.money import format_crypto

from ...models.withdrawals import Withdrawal, WithdrawalStatus


def _queue_send(public_id: str) -> None:
    from ...tasks import send_withdrawal

    send_withdrawal.delay(public_id)


def _link(name: str, **kwargs: str) -> str:
    return f"{settings.SITE_URL}{reverse(name, kwargs=kwargs)}"


def _mail_requested(withdrawal: Withdrawal, token: str) -> None:
    user = withdrawal.user
    context: dict[str, Any] = {
        "user": user,
        "withdrawal": withdrawal,
        "amount": format_crypto(withdrawal.amount, withdrawal.network.asset.precision),
        "fee": format_crypto(withdrawal.fee, withdrawal.network.asset.precision),
        "symbol": withdrawal.network.asset.symbol,
        "network": withdrawal.network.name,
        "freeze_link": _link("escrow:withdrawal_freeze", token=token),
        "page_link": _link("escrow:withdrawal", public_id=withdrawal.public_id),
    }
    with speaking_to(user):
        subject = render_to_string("escrow/email/withdrawal_subject.txt", context)
        body = render_to_string("escrow/email/withdrawal_message.txt", context)
    send_after_commit(subject=subject, body=body, to=[user.email])


def requested(withdrawal: Withdrawal, token: str) -> None:
    transaction.on_commit(partial(_mail_requested, withdrawal, token))
    if withdrawal.status == WithdrawalStatus.APPROVED:
        transaction.on_commit(partial(_queue_send, withdrawal.public_id))


STATUS_TITLES = {
    WithdrawalStatus.APPROVED: _("Your withdrawal of {amount} was approved"),
    WithdrawalStatus.DONE: _("Your withdrawal of {amount} has been sent"),
    WithdrawalStatus.FAILED: _("Your withdrawal of {amount} could not be sent"),
    WithdrawalStatus.REJECTED: _("Your withdrawal of {amount} was rejected"),
    WithdrawalStatus.CANCELED: _("Your withdrawal of {amount} was canceled"),
}


def changed(withdrawal: Withdrawal) -> None:
    """Tell the user where their withdrawal stands; send it when it was just approved."""
    if withdrawal.status == WithdrawalStatus.APPROVED:
        transaction.on_commit(partial(_queue_send, withdrawal.public_id))
    title = STATUS_TITLES.get(WithdrawalStatus(withdrawal.status))
    if title is None:
        return
    asset = withdrawal.network.asset
    notify(
        user=withdrawal.user,
        kind=f"withdrawal.{withdrawal.status}",
        title=format_lazy(
            title, amount=f"{format_crypto(withdrawal.amount, asset.precision)} {asset.symbol}"
        ),
        body=_("Open the withdrawal to see where it stands."),
        url=reverse("escrow:withdrawal", kwargs={"public_id": withdrawal.public_id}),
        dedupe_key=f"{withdrawal.send_key}:{withdrawal.status}",
    )
