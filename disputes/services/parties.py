"""The parties' writes: opening an appeal, adding evidence, withdrawing it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services.activity import notify, record_trade
from core.config import config_value
from core.errors import DomainError
from core.locks import LockKind
from core.locks import lock as lock_rows
from orders import services as orders

from .. import evidence as evidence_files
from ..models import (
    DESCRIPTION_MIN,
    ActionKind,
    Decision,
    DecisionStatus,
    Dispute,
    DisputeReason,
    DisputeStatus,
    Evidence,
)
from .common import (
    DisputeInvalid,
    DisputeNotAllowed,
    DisputeNotFound,
    DisputeStateError,
    act,
    admin_url,
    lock,
    lock_dispute_only,
    new_public_id,
    page_url,
    party_role,
    require_open,
    translated,
    when,
)

DESCRIPTION_MAX = 4000


def dispute_open(
    *, actor: User, order_public_id: str, reason: str, description: str, files: Any = ()
) -> Dispute:
    """A party appeals a paid order once its `appeal_after` has passed: the order becomes
    disputed (its escrow stays frozen) and the other party has DISPUTE_RESPONSE_HOURS to
    answer with their evidence. `files`: the opener's first evidence, stored in the same
    commit (all checked before anything happens)."""
    reason = (reason or "").strip()
    if reason not in DisputeReason.values:
        raise DisputeInvalid(_("Choose the reason for the appeal."), field="reason")
    description = (description or "").strip()
    if len(description) < DESCRIPTION_MIN:
        raise DisputeInvalid(
            f"Describe what happened in at least {DESCRIPTION_MIN} characters.",
            field="description",
        )
    if len(description) > DESCRIPTION_MAX:
        raise DisputeInvalid(
            f"Keep the description under {DESCRIPTION_MAX} characters.", field="description"
        )
    label = DisputeReason(reason).label
    cleaned = _clean_files(list(files or ()))
    stored: list[Evidence] = []
    try:
        with transaction.atomic(durable=True):
            order = orders.order_lock_for_dispute(public_id=order_public_id or "")
            role = order.role_of(actor.pk)
            if role is None:
                raise DisputeNotFound(_("There is no such order."))
            if Dispute.objects.filter(order=order, status=DisputeStatus.OPEN).exists():
                raise DisputeStateError(_("An appeal on this order is already open."))
            order = orders.order_dispute_open(
                actor=actor, public_id=order.public_id, note=f"Appeal opened: {label}"
            )
            dispute = Dispute.objects.create(
                public_id=new_public_id(),
                order=order,
                opened_by=actor,
                respondent_id=order.seller_id if role == "buyer" else order.buyer_id,
                reason=reason,
                description=description,
                respond_by=timezone.now() + timedelta(hours=config_value("DISPUTE_RESPONSE_HOURS")),
            )
            act(dispute, actor, ActionKind.OPENED, f"{label}: {description}")
            if cleaned:
                _store_evidence(dispute, actor, "", cleaned, stored)
            for party in (order.buyer_id, order.seller_id):
                record_trade(user=party, asset_symbol=order.asset.symbol, appeals=1)
            notify(
                user=dispute.respondent_id,
                kind="dispute.opened",
                title=format_lazy(gettext_lazy("Order {ref} is under appeal"), ref=order.public_id),
                body=format_lazy(
                    gettext_lazy(
                        "The other party appealed: {reason}. Add your side and your evidence "
                        "by {deadline}; staff decide on what both parties show."
                    ),
                    reason=label,
                    deadline=when(dispute.respond_by),
                ),
                url=page_url(dispute),
                dedupe_key=f"dispute:{dispute.public_id}:opened",
            )
    except Exception as error:
        _remove_files(stored)
        if isinstance(error, DomainError):
            raise translated(error) from error
        raise
    return dispute


def _clean_files(uploads: list[UploadedFile]) -> list[evidence_files.CleanFile]:
    try:
        return evidence_files.clean_evidence_files(uploads)
    except evidence_files.EvidenceRejected as error:
        raise DisputeInvalid(error.message, field="files") from error


def _store_evidence(
    dispute: Dispute,
    user: User,
    text: str,
    cleaned: list[evidence_files.CleanFile],
    stored: list[Evidence],
) -> None:
    """Write the evidence rows and their files (inside the caller's transaction); the text
    goes with the first file. `stored` collects them, so a failed commit removes the files."""
    already = Evidence.objects.filter(dispute=dispute, author=user).exclude(file="").count()
    left = evidence_files.MAX_FILES_PER_PARTY - already
    if len(cleaned) > left:
        raise DisputeInvalid(
            f"Each party may attach at most {evidence_files.MAX_FILES_PER_PARTY} files to an "
            f"appeal; you can add {max(left, 0)} more.",
            field="files",
        )
    if not cleaned:
        stored.append(Evidence.objects.create(dispute=dispute, author=user, text=text))
    for index, clean in enumerate(cleaned):
        item = Evidence(
            dispute=dispute,
            author=user,
            text=text if index == 0 else "",
            content_type=clean.content_type,
            original_name=clean.original_name,
            size=clean.size,
        )
        item.file.save("evidence", clean.content, save=False)
        stored.append(item)
        item.save()


def _remove_files(stored: list[Evidence]) -> None:
    for item in stored:
        if item.file:
            item.file.delete(save=False)


def evidence_add(
    *, actor: User, dispute_public_id: str, text: str = "", files: Any = ()
) -> list[Evidence]:
    """A party adds text and/or files (images, PDFs) while the appeal is open. Every file is
    validated before anything is stored, and files written before a failed commit are removed.
    When staff asked this party for evidence, this answers the request."""
    text = (text or "").strip()
    uploads: list[UploadedFile] = list(files or ())
    if not text and not uploads:
        raise DisputeInvalid(_("Write something or attach a file."), field="text")
    if len(text) > evidence_files.TEXT_MAX:
        raise DisputeInvalid(
            f"Keep the text under {evidence_files.TEXT_MAX} characters.", field="text"
        )
    # the costly checks (size, type, content) before any lock; the count again under it
    cleaned = _clean_files(uploads)
    stored: list[Evidence] = []
    try:
        with transaction.atomic(durable=True):
            dispute = lock_dispute_only(dispute_public_id)
            if party_role(dispute, actor) is None:
                raise DisputeNotFound(_("There is no such dispute."))
            require_open(dispute)
            _store_evidence(dispute, actor, text, cleaned, stored)
            detail = f"{len(cleaned)} file(s)" + (f"; {text}" if text else "")
            if dispute.evidence_requested_from_id == actor.pk:
                dispute.evidence_requested_from, dispute.evidence_due = None, None
                dispute.save(update_fields=["evidence_requested_from", "evidence_due"])
                detail += " (answers the request for evidence)"
            act(dispute, actor, ActionKind.EVIDENCE, detail)
            if dispute.assigned_to_id:
                notify(
                    user=dispute.assigned_to_id,
                    kind="dispute.evidence",
                    title=format_lazy(
                        gettext_lazy("New evidence on dispute {ref}"), ref=dispute.public_id
                    ),
                    url=admin_url(dispute),
                    email=False,
                )
    except Exception:
        _remove_files(stored)  # nothing half-done: files of a failed commit are removed
        raise
    return stored


def dispute_withdraw(*, actor: User, dispute_public_id: str, note: str = "") -> Dispute:
    """The opener takes the appeal back: the order returns to paid (the seller may release)."""
    note = (note or "").strip()[:500]
    try:
        with transaction.atomic(durable=True):
            dispute, order = lock(dispute_public_id)
            if party_role(dispute, actor) is None:
                raise DisputeNotFound(_("There is no such dispute."))
            if dispute.opened_by_id != actor.pk:
                raise DisputeNotAllowed("Only the party who opened the appeal may withdraw it.")
            require_open(dispute)
            words = "Appeal withdrawn by the party who opened it" + (f": {note}" if note else "")
            orders.order_dispute_withdraw(actor=actor, public_id=order.public_id, note=words)
            if order.assigned_staff_id is not None:
                orders.order_assign_staff(staff=None, public_id=order.public_id)
            _end_pending_decisions(dispute, "the appeal was withdrawn")
            dispute.status, dispute.closed_at = DisputeStatus.WITHDRAWN, timezone.now()
            dispute.save(update_fields=["status", "closed_at"])
            act(dispute, actor, ActionKind.WITHDRAWN, note)
    except DomainError as error:
        raise translated(error) from error
    return dispute


def _end_pending_decisions(dispute: Dispute, why: str) -> None:
    pending = Decision.objects.filter(dispute=dispute, status=DecisionStatus.PENDING)
    for decision in lock_rows(LockKind.DECISION, pending):
        decision.status, decision.decided_at = DecisionStatus.REJECTED, timezone.now()
        decision.save(update_fields=["status", "decided_at"])
        act(dispute, None, ActionKind.REJECTED, f"Pending decision #{decision.pk} ended: {why}.")
