"""Staff taking a dispute and working on it: claim, assign, notes, asking for evidence."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services.activity import notify
from core.errors import DomainError
from orders import services as orders
from orders.models import Order

from ..models import ActionKind, Dispute, DisputeAction
from ..selectors.access import (
    refusal_to_assign,
    refusal_to_claim,
    refusal_to_message,
    refusal_to_note,
    refusal_to_request_evidence,
)
from .common import (
    DisputeInvalid,
    DisputeNotFound,
    act,
    admin_url,
    lock,
    lock_dispute_only,
    page_url,
    refuse,
    translated,
    when,
)

EVIDENCE_HOURS_MAX = 7 * 24


def _set_assignee(dispute: Dispute, order: Order, assignee: User) -> None:
    dispute.assigned_to = assignee
    dispute.save(update_fields=["assigned_to"])
    # the assignee joins the order's chat
    orders.order_assign_staff(staff=assignee, public_id=order.public_id)


def dispute_claim(*, actor: User, dispute_public_id: str) -> Dispute:
    """Staff take an open dispute nobody handles yet."""
    refuse(refusal_to_claim(actor))
    try:
        with transaction.atomic(durable=True):
            dispute, order = lock(dispute_public_id)
            refuse(refusal_to_claim(actor, dispute))
            _set_assignee(dispute, order, actor)
            act(dispute, actor, ActionKind.CLAIMED, f"Claimed by {actor}")
    except DomainError as error:
        raise translated(error) from error
    return dispute


def dispute_assign(*, actor: User, dispute_public_id: str, assignee: User) -> Dispute:
    """Hand an open dispute to a staff member who may handle disputes (not a party)."""
    refuse(refusal_to_assign(actor, assignee=assignee))
    try:
        with transaction.atomic(durable=True):
            dispute, order = lock(dispute_public_id)
            refuse(refusal_to_assign(actor, dispute, assignee))
            before = dispute.assigned_to
            _set_assignee(dispute, order, assignee)
            detail = f"Assigned to {assignee} by {actor}" + (f" (was {before})" if before else "")
            act(dispute, actor, ActionKind.ASSIGNED, detail)
            if assignee.pk != actor.pk:
                notify(
                    user=assignee,
                    kind="dispute.assigned",
                    title=format_lazy(
                        gettext_lazy("Dispute {ref} is assigned to you"), ref=dispute.public_id
                    ),
                    url=admin_url(dispute),
                )
    except DomainError as error:
        raise translated(error) from error
    return dispute


def dispute_note(*, actor: User, dispute_public_id: str, text: str) -> DisputeAction:
    """An internal note on the record (never shown to the parties)."""
    text = (text or "").strip()
    if not text:
        raise DisputeInvalid(_("Write the note first."), field="text")
    with transaction.atomic(durable=True):
        dispute = lock_dispute_only(dispute_public_id)
        refuse(refusal_to_note(actor, dispute))
        return act(dispute, actor, ActionKind.NOTE, text)


def dispute_message(*, actor: User, dispute_public_id: str, text: str) -> DisputeAction:
    """The assignee writes in the order's chat, to both parties; the action log keeps it too.
    The message and its log line commit together."""
    refuse(refusal_to_message(actor))
    seen = Dispute.objects.select_related("order").filter(public_id=dispute_public_id or "").first()
    if seen is None:
        raise DisputeNotFound(_("There is no such dispute."))
    try:
        # checked first for a clear refusal, and again under the lock below
        refuse(refusal_to_message(actor, seen))
        with transaction.atomic(durable=True):
            # the chat locks the order, then the dispute is locked: the global order
            message = orders.chat_post(actor=actor, public_id=seen.order.public_id, body=text)
            dispute = lock_dispute_only(dispute_public_id)
            refuse(refusal_to_message(actor, dispute))
            return act(dispute, actor, ActionKind.MESSAGE, message.body)
    except DomainError as error:
        raise translated(error) from error


def dispute_request_evidence(
    *, actor: User, dispute_public_id: str, party: str, hours: int, message: str
) -> Dispute:
    """The assignee asks the buyer or the seller for more evidence within `hours`."""
    message = (message or "").strip()
    if party not in ("buyer", "seller"):
        raise DisputeInvalid(_("Ask the buyer or the seller."), field="party")
    try:
        hours = int(hours)
    except (TypeError, ValueError) as error:
        raise DisputeInvalid(_("Give the number of hours."), field="hours") from error
    if not 1 <= hours <= EVIDENCE_HOURS_MAX:
        raise DisputeInvalid(
            _("Give them between 1 and %(n)s hours.") % {"n": EVIDENCE_HOURS_MAX}, field="hours"
        )
    if not message:
        raise DisputeInvalid(_("Say what evidence is needed."), field="message")
    with transaction.atomic(durable=True):
        dispute = lock_dispute_only(dispute_public_id)
        refuse(refusal_to_request_evidence(actor, dispute))
        order = dispute.order
        target = order.buyer_id if party == "buyer" else order.seller_id
        dispute.evidence_requested_from_id = target
        dispute.evidence_due = timezone.now() + timedelta(hours=hours)
        dispute.save(update_fields=["evidence_requested_from", "evidence_due"])
        act(
            dispute,
            actor,
            ActionKind.EVIDENCE_REQUESTED,
            f"From the {party}, by {when(dispute.evidence_due)}: {message}",
        )
        notify(
            user=target,
            kind="dispute.evidence_requested",
            title=format_lazy(
                gettext_lazy("Staff ask for more evidence on order {ref}"), ref=order.public_id
            ),
            body=format_lazy(
                gettext_lazy("{message}\n\nAdd it on the appeal page by {deadline}."),
                message=message,
                deadline=when(dispute.evidence_due),
            ),
            url=page_url(dispute),
        )
    return dispute
