"""The case screen's staff actions: each a button and its confirmation page, which says what
will happen before anything does (claim, assign, note, write to the parties, ask for evidence,
decide). Which buttons show is `disputes.selectors` `can_*`, the rule the services enforce;
the page checks the role again and the service has the last word."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError
from orders.selectors import order_figures

from .. import selectors as reads
from .. import services
from ..models import DecisionStatus, Dispute, DisputeStatus
from .base import CaseAdminBase, posted, show_refusal, staff_of
from .forms import (
    AssignForm,
    ChatMessageForm,
    ConfirmForm,
    DecideForm,
    EvidenceRequestForm,
    NoteForm,
)


@dataclass(frozen=True)
class StaffAction:
    """One button of the case screen and its confirmation page."""

    name: str
    title: str
    button: str
    form_class: type[ConfirmForm]
    may: Callable[[User, Dispute], str | None]  # why this staff member may not (None: may)
    run: Callable[[User, Dispute, dict[str, Any]], str]  # calls the service; says what happened


def _handler(staff: User, dispute: Dispute) -> str | None:
    if not reads.can_handle_disputes(user=staff):
        raise PermissionDenied
    return None


def _assigner(staff: User, dispute: Dispute) -> str | None:
    if not reads.can_assign_disputes(user=staff):
        raise PermissionDenied
    return None


def _assignee(staff: User, dispute: Dispute) -> str | None:
    _handler(staff, dispute)
    if not reads.is_assignee(staff, dispute):
        return _("Only the staff member this dispute is assigned to can do that: claim it first.")
    return None


def _decider(staff: User, dispute: Dispute) -> str | None:
    # customer service works a case but the decision is an arbiter's
    if not reads.can_decide_disputes(user=staff):
        raise PermissionDenied
    return _assignee(staff, dispute)


def _claim(staff: User, dispute: Dispute, data: dict[str, Any]) -> str:
    services.dispute_claim(actor=staff, dispute_public_id=dispute.public_id)
    return _("Dispute %(ref)s is yours now.") % {"ref": dispute.public_id}


def _assign(staff: User, dispute: Dispute, data: dict[str, Any]) -> str:
    assignee = data["assignee"]
    services.dispute_assign(actor=staff, dispute_public_id=dispute.public_id, assignee=assignee)
    return _("Dispute %(ref)s is assigned to %(who)s.") % {
        "ref": dispute.public_id,
        "who": assignee,
    }


def _note(staff: User, dispute: Dispute, data: dict[str, Any]) -> str:
    services.dispute_note(actor=staff, dispute_public_id=dispute.public_id, text=data["text"])
    return _("Note added.")


def _message(staff: User, dispute: Dispute, data: dict[str, Any]) -> str:
    services.dispute_message(actor=staff, dispute_public_id=dispute.public_id, text=data["text"])
    return _("Sent to both parties in the order chat.")


def _ask_evidence(staff: User, dispute: Dispute, data: dict[str, Any]) -> str:
    done = services.dispute_request_evidence(
        actor=staff,
        dispute_public_id=dispute.public_id,
        party=data["party"],
        hours=data["hours"],
        message=data["message"],
    )
    party = _("The buyer") if data["party"] == "buyer" else _("The seller")
    if done.evidence_due:
        return _("%(party)s was asked for more evidence by %(due)s UTC.") % {
            "party": party,
            "due": f"{done.evidence_due:%Y-%m-%d %H:%M}",
        }
    return _("%(party)s was asked for more evidence.") % {"party": party}


def _decide(staff: User, dispute: Dispute, data: dict[str, Any]) -> str:
    decision = services.dispute_decide(
        actor=staff,
        dispute_public_id=dispute.public_id,
        outcome=data["outcome"],
        reason=data["reason"],
        restrict_loser_hours=data.get("restrict_loser_hours"),
        collateral_deduction=data.get("collateral_deduction"),
    )
    if decision.status == DecisionStatus.PENDING:
        return _(
            "Decision proposed (%(outcome)s): the order is above the approval threshold, so it "
            "waits for a second staff member. Nothing moved yet."
        ) % {"outcome": decision.get_outcome_display().lower()}
    return _("Decided: %(outcome)s. Both parties were told.") % {
        "outcome": decision.get_outcome_display().lower()
    }


ACTIONS = {
    action.name: action
    for action in [
        StaffAction("claim", "Claim this dispute", "Claim", ConfirmForm, _handler, _claim),
        StaffAction("assign", "Assign this dispute", "Assign", AssignForm, _assigner, _assign),
        StaffAction("note", "Add an internal note", "Add note", NoteForm, _handler, _note),
        StaffAction(
            "message",
            "Write to both parties in the order chat",
            "Write in the chat",
            ChatMessageForm,
            _assignee,
            _message,
        ),
        StaffAction(
            "evidence",
            "Ask a party for more evidence",
            "Ask for evidence",
            EvidenceRequestForm,
            _assignee,
            _ask_evidence,
        ),
        StaffAction("decide", "Decide this dispute", "Decide", DecideForm, _decider, _decide),
    ]
}


def available_actions(staff: User, dispute: Dispute) -> list[str]:
    """The buttons the screen shows this staff member (the pages check again on their own)."""
    shown = {
        "claim": reads.can_claim(staff, dispute),
        "assign": reads.can_assign(staff, dispute),
        "note": reads.can_handle_disputes(user=staff) and reads.can_note(staff, dispute),
        "message": reads.can_message(staff, dispute),
        "evidence": reads.can_request_evidence(staff, dispute),
        "decide": reads.can_decide(staff, dispute),
    }
    return [name for name in ACTIONS if shown[name]]


class ActionViews(CaseAdminBase):
    def action_view(self, request: HttpRequest, object_id: int, action: str) -> HttpResponse:
        """A confirmation page: GET says what will happen; POST (with its reason) does it."""
        if action not in ACTIONS:
            raise Http404(_("There is no such action."))
        spec = ACTIONS[action]
        dispute = self._dispute(request, object_id)
        staff = staff_of(request)
        refusal = spec.may(staff, dispute)
        if refusal is None and dispute.status != DisputeStatus.OPEN and action != "note":
            refusal = _("This dispute is %(status)s: nothing to do.") % {
                "status": dispute.get_status_display().lower()
            }
        if refusal is not None:
            messages.error(request, refusal)
            return HttpResponseRedirect(self._screen_url(dispute))
        form = spec.form_class(posted(request), dispute=dispute)
        if request.method == "POST" and form.is_valid():
            try:
                done = spec.run(staff, dispute, form.cleaned_data)
            except DomainError as error:
                show_refusal(request, form, error)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(self._screen_url(dispute))
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": f"{spec.title}: {dispute.public_id}",  # the spec title is translated
            "opts": self.opts,
            "original": dispute,
            "spec": spec,
            "form": form,
            "figures": order_figures(order=dispute.order),
        }
        if action == "decide":
            parties = [
                reads.party_facts(dispute=dispute, user=dispute.order.buyer, role="buyer"),
                reads.party_facts(dispute=dispute, user=dispute.order.seller, role="seller"),
            ]
            context["effects"] = reads.outcome_effects(dispute=dispute, parties=parties)
            context["approval_needed"] = reads.approval_needed(dispute=dispute)
        return TemplateResponse(request, "admin/disputes/dispute/action.html", context)
