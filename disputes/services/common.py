"""What every dispute service shares: the errors, the action log, the locks and the checks.

Lock order (core.locks), for every write that touches the order: the losing merchant when a
decision takes from their collateral, the order's ad and the order (`order_lock_for_dispute`),
then the dispute (and its decision), then the escrow's holds and accounts; writes that leave
the order alone lock the dispute only.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError
from core.locks import LockKind, lock_one
from merchants.services.penalties import merchant_lock_for_penalty
from orders import services as orders
from orders.models import Order

from ..models import Dispute, DisputeAction, DisputeStatus
from ..selectors.access import Refusal

PUBLIC_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class DisputeError(DomainError):
    code = "dispute"


class DisputeNotFound(DisputeError):
    code = "not_found"


class DisputeNotAllowed(DisputeError):
    code = "not_allowed"


class DisputeStateError(DisputeError):
    code = "wrong_state"


class DisputeInvalid(DisputeError):
    code = "invalid"


def new_public_id() -> str:
    return "D" + "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(11))


def act(dispute: Dispute, actor: User | None, kind: str, detail: str = "") -> DisputeAction:
    return DisputeAction.objects.create(dispute=dispute, actor=actor, kind=kind, detail=detail)


def page_url(dispute: Dispute) -> str:
    return reverse("disputes:detail", args=[dispute.public_id])


def admin_url(dispute: Dispute) -> str:
    return reverse("admin:disputes_dispute_change", args=[dispute.pk])


def translated(error: DomainError) -> DisputeError:
    """A lower app's refusal, as this app's error (same message, same field)."""
    if isinstance(error, DisputeError):
        return error
    kind = DisputeNotFound if isinstance(error, orders.OrderNotFound) else DisputeStateError
    return kind(error.message, field=error.field)


def when(moment: Any) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


# --- locks and checks ------------------------------------------------------------------------


def lock(dispute_public_id: str, *, penalized: User | None = None) -> tuple[Dispute, Order]:
    """Lock the penalized merchant (when a decision takes from their collateral), the order's
    ad, the order, then the dispute: the global order."""
    order_public_id = (
        Dispute.objects.filter(public_id=dispute_public_id or "")
        .values_list("order__public_id", flat=True)
        .first()
    )
    if order_public_id is None:
        raise DisputeNotFound(_("There is no such dispute."))
    if penalized is not None:
        merchant_lock_for_penalty(merchant_user=penalized)
    order = orders.order_lock_for_dispute(public_id=order_public_id)
    dispute = lock_one(
        LockKind.DISPUTE,
        Dispute.objects.select_related(
            "order", "order__asset", "order__fiat", "assigned_to"
        ).filter(public_id=dispute_public_id),
    )
    assert dispute is not None
    return dispute, order


def lock_dispute_only(dispute_public_id: str) -> Dispute:
    """For writes that leave the order alone (evidence, requests): the dispute row only."""
    dispute = lock_one(
        LockKind.DISPUTE,
        Dispute.objects.select_related("order", "order__asset").filter(
            public_id=dispute_public_id or ""
        ),
    )
    if dispute is None:
        raise DisputeNotFound(_("There is no such dispute."))
    return dispute


def party_role(dispute: Dispute, user: User) -> str | None:
    return dispute.order.role_of(user.pk)


def require_open(dispute: Dispute) -> None:
    if dispute.status != DisputeStatus.OPEN:
        raise DisputeStateError(
            _("This appeal is %(status)s.") % {"status": dispute.get_status_display().lower()}
        )


def refuse(refusal: Refusal | None) -> None:
    """Raise a staff action's refusal (disputes.selectors.access) as this app's error."""
    if refusal is not None:
        kind = DisputeStateError if refusal.wrong_state else DisputeNotAllowed
        raise kind(refusal.message)
