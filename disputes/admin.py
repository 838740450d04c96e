"""Staff arbitration of disputes.

- The queue (the changelist): quick filters for unassigned, mine and overdue cases, status
  (open by default), reason, asset, age and fiat total; the next deadline in red once passed.
- One case screen (it replaces the change form): the order and its timeline, both parties'
  records, payment proofs, chat, the escrow hold and its transfers, both sides' evidence,
  internal notes, the staff action log and decisions.
- Actions as buttons, each a confirmation page that says what will happen before anything does:
  claim, assign, note, ask a party for evidence, decide (with optional penalties), approve or
  reject a pending decision. Every write goes through disputes/services.py; its refusals show
  as an error message on the page.
- Files (proofs, evidence) only through views here that check the staff member's permission
  and that the file belongs to the case.
- The action log, decisions and evidence are records: nobody edits or deletes them here, the
  superuser included (the database refuses changes to the log in any case).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from accounts.models import User
from core.admin import ReadOnlyAdmin
from core.errors import DomainError, form_field_for
from core.files import serve_private

from . import selectors_admin as reads
from . import services
from .models import (
    ApprovalThreshold,
    Decision,
    DecisionStatus,
    Dispute,
    DisputeAction,
    DisputeStatus,
    Evidence,
    Outcome,
)
from .selectors import approval_needed

REASON_MIN = 10


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- the queue's quick filters --------------------------------------------------------------


class AssignmentFilter(admin.SimpleListFilter):
    title = "assignment"
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("unassigned", "Unassigned"), ("mine", "Mine"), ("others", "Someone else's")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "unassigned":
            return queryset.filter(assigned_to__isnull=True)
        if self.value() == "mine":
            return queryset.filter(assigned_to=request.user.pk)
        if self.value() == "others":
            return queryset.exclude(assigned_to__isnull=True).exclude(assigned_to=request.user.pk)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Overdue (answer or evidence)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(reads.overdue_q()) if self.value() == "yes" else queryset


class StatusFilter(admin.SimpleListFilter):
    """Open cases unless asked otherwise: the queue is for work still to do."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [*DisputeStatus.choices, ("all", "All")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value() or DisputeStatus.OPEN
        return queryset if value == "all" else queryset.filter(status=value)

    def choices(self, changelist: Any) -> Any:
        current = self.value() or DisputeStatus.OPEN
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


AGE_BUCKETS: dict[str, tuple[str, timedelta | None, timedelta | None]] = {
    "1h": ("Under an hour", None, timedelta(hours=1)),
    "1d": ("1 to 24 hours", timedelta(hours=1), timedelta(days=1)),
    "3d": ("1 to 3 days", timedelta(days=1), timedelta(days=3)),
    "old": ("Over 3 days", timedelta(days=3), None),
}


class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _, _) in AGE_BUCKETS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in AGE_BUCKETS:
            return queryset
        _, older_than, younger_than = AGE_BUCKETS[self.value()]  # type: ignore[index]
        if older_than is not None:
            queryset = queryset.filter(created_at__lte=Now() - older_than)
        if younger_than is not None:
            queryset = queryset.filter(created_at__gt=Now() - younger_than)
        return queryset


AMOUNT_BUCKETS: dict[str, tuple[str, Decimal | None, Decimal | None]] = {
    "lt1k": ("Under 1,000", None, Decimal(1000)),
    "1k-10k": ("1,000 to 10,000", Decimal(1000), Decimal(10000)),
    "10k-100k": ("10,000 to 100,000", Decimal(10000), Decimal(100000)),
    "gte100k": ("100,000 and more", Decimal(100000), None),
}


class AmountFilter(admin.SimpleListFilter):
    title = "fiat total (in the order's currency)"
    parameter_name = "total"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(key, label) for key, (label, _, _) in AMOUNT_BUCKETS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in AMOUNT_BUCKETS:
            return queryset
        _, low, high = AMOUNT_BUCKETS[self.value()]  # type: ignore[index]
        if low is not None:
            queryset = queryset.filter(order__fiat_total__gte=low)
        if high is not None:
            queryset = queryset.filter(order__fiat_total__lt=high)
        return queryset


# --- the confirmation pages' forms -----------------------------------------------------------


def _reason_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        min_length=REASON_MIN,
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text=help_text,
    )


class ConfirmForm(forms.Form):
    def __init__(self, *args: Any, dispute: Dispute, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dispute = dispute


class AssignForm(ConfirmForm):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label="Assign to")

    def __init__(self, *args: Any, dispute: Dispute, **kwargs: Any) -> None:
        super().__init__(*args, dispute=dispute, **kwargs)
        parties = [dispute.order.buyer_id, dispute.order.seller_id]
        self.fields["assignee"].queryset = reads.dispute_handlers().exclude(pk__in=parties)  # type: ignore[attr-defined]


class NoteForm(ConfirmForm):
    text = _reason_field("Note", "Seen by staff only; kept for good with your name and the time.")


class ChatMessageForm(ConfirmForm):
    text = forms.CharField(
        label="Message",
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
        help_text="Both parties see it in the order chat, signed “Staff”, at once.",
    )


class EvidenceRequestForm(ConfirmForm):
    party = forms.ChoiceField(choices=[("buyer", "The buyer"), ("seller", "The seller")])
    hours = forms.IntegerField(
        min_value=1, max_value=168, initial=24, label="Hours to answer", help_text="1 to 168."
    )
    message = _reason_field("What to send", "The party reads this in their notification.")


class DecideForm(ConfirmForm):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    reason = _reason_field(
        "Reason", "Required. Both parties are told the outcome; the reason stays on the record."
    )
    restrict_loser_hours = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=24 * 365,
        label="Pause the loser's trading for (hours)",
        help_text="Optional penalty; not for a return to paid.",
    )
    collateral_deduction = forms.DecimalField(
        required=False,
        min_value=Decimal("0.000000000000000001"),
        max_digits=38,
        decimal_places=18,
        label="Deduct from a merchant loser's collateral",
        help_text="Optional, in the collateral's asset; only when the loser is a merchant.",
    )


class RejectForm(ConfirmForm):
    reason = _reason_field("Why the decision is rejected", "Required; the proposer sees it.")


# --- what each button does ------------------------------------------------------------------


@dataclass(frozen=True)
class StaffAction:
    """One button of the case screen and its confirmation page."""

    name: str
    title: str
    button: str
    form_class: type[ConfirmForm]
    may: Callable[[User, Dispute], str | None]  # why this staff member may not (None: may)
    run: Callable[[User, Dispute, dict[str, Any]], str]  # calls the service; says what happened


def _posted(request: HttpRequest) -> Any:
    """The form's data on a POST (even an empty one: a bare confirmation), None on a GET."""
    return request.POST if request.method == "POST" else None


def _show_refusal(request: HttpRequest, form: forms.Form, error: DomainError) -> None:
    """A service's refusal: beside the field it is about, and always as the page's message."""
    field = form_field_for(error, form.fields)
    if field is not None:
        form.add_error(field, error.message)
    messages.error(request, error.message)


def _must_read(staff: User, dispute: Dispute) -> None:
    """Nobody on staff works a case about their own order; only those allowed see cases."""
    if not reads.can_read_disputes(user=staff) or dispute.order.role_of(staff.pk) is not None:
        raise PermissionDenied


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
    if dispute.assigned_to_id != staff.pk:
        return "Only the staff member this dispute is assigned to can do that: claim it first."
    return None


def _claim(staff: User, dispute: Dispute, data: dict[str, Any]) -> str:
    services.dispute_claim(staff=staff, dispute_public_id=dispute.public_id)
    return f"Dispute {dispute.public_id} is yours now."


def _assign(staff: User, dispute: Dispute, data: dict[str, Any]) -> str:
    assignee = data["assignee"]
    services.dispute_assign(staff=staff, dispute_public_id=dispute.public_id, assignee=assignee)
    return f"Dispute {dispute.public_id} is assigned to {assignee}."


def _note(staff: User, dispute: Dispute, data: dict[str, Any]) -> str:
    services.dispute_note(staff=staff, dispute_public_id=dispute.public_id, text=data["text"])
    return "Note added."


def _message(staff: User, dispute: Dispute, data: dict[str, Any]) -> str:
    services.dispute_message(staff=staff, dispute_public_id=dispute.public_id, text=data["text"])
    return "Sent to both parties in the order chat."


def _ask_evidence(staff: User, dispute: Dispute, data: dict[str, Any]) -> str:
    done = services.dispute_request_evidence(
        staff=staff,
        dispute_public_id=dispute.public_id,
        party=data["party"],
        hours=data["hours"],
        message=data["message"],
    )
    due = f" by {done.evidence_due:%Y-%m-%d %H:%M} UTC" if done.evidence_due else ""
    return f"The {data['party']} was asked for more evidence{due}."


def _decide(staff: User, dispute: Dispute, data: dict[str, Any]) -> str:
    decision = services.dispute_decide(
        staff=staff,
        dispute_public_id=dispute.public_id,
        outcome=data["outcome"],
        reason=data["reason"],
        restrict_loser_hours=data.get("restrict_loser_hours"),
        collateral_deduction=data.get("collateral_deduction"),
    )
    if decision.status == DecisionStatus.PENDING:
        return (
            f"Decision proposed ({decision.get_outcome_display().lower()}): the order is above "
            "the approval threshold, so it waits for a second staff member. Nothing moved yet."
        )
    return f"Decided: {decision.get_outcome_display().lower()}. Both parties were told."


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
        StaffAction("decide", "Decide this dispute", "Decide", DecideForm, _assignee, _decide),
    ]
}


def available_actions(staff: User, dispute: Dispute, pending: Decision | None) -> list[str]:
    """The buttons the screen shows this staff member (the pages check again on their own)."""
    if dispute.order.role_of(staff.pk) is not None:
        return []
    is_open, mine = dispute.status == DisputeStatus.OPEN, dispute.assigned_to_id == staff.pk
    handler = reads.can_handle_disputes(user=staff)
    shown = []
    if is_open and handler and dispute.assigned_to_id is None:
        shown.append("claim")
    if is_open and reads.can_assign_disputes(user=staff):
        shown.append("assign")
    if handler:
        shown.append("note")
    if is_open and handler and mine:
        shown.append("message")
        shown.append("evidence")
        if pending is None:
            shown.append("decide")
    return shown


# --- the admin screens ----------------------------------------------------------------------


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin[Dispute]):
    list_display = (
        "public_id",
        "order_no",
        "amount",
        "short_reason",
        "opened_by_role",
        "assigned_to",
        "age",
        "deadline",
    )
    list_filter = (
        AssignmentFilter,
        OverdueFilter,
        StatusFilter,
        "reason",
        ("order__asset", admin.RelatedOnlyFieldListFilter),
        AgeFilter,
        AmountFilter,
    )
    search_fields = ("public_id", "order__public_id", "opened_by__email", "respondent__email")
    ordering = ("created_at", "id")  # oldest first: the queue is worked in order
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dispute]:
        return reads.dispute_queue()

    @admin.display(description="order", ordering="order__public_id")
    def order_no(self, dispute: Dispute) -> str:
        return dispute.order.public_id

    @admin.display(description="amount", ordering="order__fiat_total")
    def amount(self, dispute: Dispute) -> str:
        return format_html(
            '<span style="white-space:nowrap">{}</span><br>'
            '<span style="white-space:nowrap">{}</span>',
            reads.amount_text(dispute.order),
            reads.fiat_text(dispute.order),
        )

    @admin.display(description="reason", ordering="reason")
    def short_reason(self, dispute: Dispute) -> str:
        return dispute.reason.replace("_", " ")

    @admin.display(description="opened by", ordering="opened_by__email")
    def opened_by_role(self, dispute: Dispute) -> str:
        return format_html(
            "{}<br><small>{}</small>",
            reads.role_of(dispute, dispute.opened_by_id),
            dispute.opened_by,
        )

    @admin.display(description="age", ordering="created_at")
    def age(self, dispute: Dispute) -> str:
        return reads.age_text(dispute.created_at)

    @admin.display(description="deadline", ordering="respond_by")
    def deadline(self, dispute: Dispute) -> str:
        due = reads.next_deadline(dispute)
        if due is None:
            return dispute.get_status_display()
        text = f"{due.label} {due.at:%Y-%m-%d %H:%M}"
        if due.overdue:
            return format_html('<strong style="color:#ba2121">overdue: {}</strong>', text)
        return text

    # Staff read cases only with a dispute permission; every change is an action below.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return reads.can_read_disputes(user=request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return reads.can_read_disputes(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        custom = [
            path(
                "<int:object_id>/proof/<int:proof_id>/",
                view(self.proof_view),
                name="disputes_proof",
            ),
            path(
                "<int:object_id>/evidence/<int:evidence_id>/",
                view(self.evidence_view),
                name="disputes_evidence_file",
            ),
            path(
                "<int:object_id>/chat-image/<int:message_id>/",
                view(self.chat_image_view),
                name="disputes_chat_image",
            ),
        ]
        for verdict in ("approve", "reject"):
            custom.append(
                path(
                    f"decision/<int:decision_id>/{verdict}/",
                    view(self.decision_view),
                    {"verdict": verdict},
                    name=f"disputes_decision_{verdict}",
                )
            )
        for name in ACTIONS:
            custom.append(
                path(
                    f"<int:object_id>/{name}/",
                    view(self.action_view),
                    {"action": name},
                    name=f"disputes_dispute_{name}",
                )
            )
        return custom + super().get_urls()

    def _dispute(self, request: HttpRequest, object_id: object) -> Dispute:
        dispute = reads.dispute_for_staff(pk=object_id)
        if dispute is None:
            raise Http404("There is no such dispute.")
        _must_read(_staff(request), dispute)
        return dispute

    def _screen_url(self, dispute: Dispute) -> str:
        return reverse("admin:disputes_dispute_change", args=[dispute.pk])

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The case screen: everything about the dispute on one page, and its action buttons."""
        dispute = self._dispute(request, object_id)
        staff = _staff(request)
        screen = reads.dispute_screen(dispute=dispute)
        pending = screen.pending
        can_review = (
            pending is not None
            and reads.can_approve_decisions(user=staff)
            and pending.proposed_by_id != staff.pk
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Dispute {dispute.public_id}",
            "opts": self.opts,
            "original": dispute,
            "screen": screen,
            "buttons": [
                (ACTIONS[name], reverse(f"admin:disputes_dispute_{name}", args=[dispute.pk]))
                for name in available_actions(staff, dispute, pending)
            ],
            "can_review_pending": can_review,
            "can_open_files": reads.can_open_dispute_files(user=staff),
        }
        return TemplateResponse(request, "admin/disputes/dispute/screen.html", context)

    def action_view(self, request: HttpRequest, object_id: int, action: str) -> HttpResponse:
        """A confirmation page: GET says what will happen; POST (with its reason) does it."""
        if action not in ACTIONS:
            raise Http404("There is no such action.")
        spec = ACTIONS[action]
        dispute = self._dispute(request, object_id)
        staff = _staff(request)
        refusal = spec.may(staff, dispute)
        if refusal is None and dispute.status != DisputeStatus.OPEN and action != "note":
            refusal = f"This dispute is {dispute.get_status_display().lower()}: nothing to do."
        if refusal is not None:
            messages.error(request, refusal)
            return HttpResponseRedirect(self._screen_url(dispute))
        form = spec.form_class(_posted(request), dispute=dispute)
        if request.method == "POST" and form.is_valid():
            try:
                done = spec.run(staff, dispute, form.cleaned_data)
            except DomainError as error:
                _show_refusal(request, form, error)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(self._screen_url(dispute))
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": f"{spec.title}: {dispute.public_id}",
            "opts": self.opts,
            "original": dispute,
            "spec": spec,
            "form": form,
            "figures": reads.order_figures(order=dispute.order),
        }
        if action == "decide":
            parties = [
                reads.party_facts(dispute=dispute, user=dispute.order.buyer, role="buyer"),
                reads.party_facts(dispute=dispute, user=dispute.order.seller, role="seller"),
            ]
            context["effects"] = reads.outcome_effects(dispute=dispute, parties=parties)
            context["approval_needed"] = approval_needed(dispute=dispute)
        return TemplateResponse(request, "admin/disputes/dispute/action.html", context)

    def decision_view(self, request: HttpRequest, decision_id: int, verdict: str) -> HttpResponse:
        """Approve (carry out) or reject another staff member's pending decision."""
        if verdict not in ("approve", "reject"):
            raise Http404("There is no such page.")
        decision = reads.pending_decision(decision_id=decision_id)
        if decision is None:
            raise Http404("There is no such decision.")
        dispute = self._dispute(request, decision.dispute_id)
        staff = _staff(request)
        if not reads.can_approve_decisions(user=staff):
            raise PermissionDenied
        if decision.status != DecisionStatus.PENDING:
            messages.error(request, "This decision is no longer waiting for approval.")
            return HttpResponseRedirect(self._screen_url(dispute))
        approve = verdict == "approve"
        form = (ConfirmForm if approve else RejectForm)(_posted(request), dispute=dispute)
        if request.method == "POST" and form.is_valid():
            try:
                if approve:
                    services.decision_approve(staff=staff, decision_id=decision.pk)
                else:
                    services.decision_reject(
                        staff=staff, decision_id=decision.pk, reason=form.cleaned_data["reason"]
                    )
            except DomainError as error:
                _show_refusal(request, form, error)
            else:
                messages.success(
                    request,
                    "Approved and carried out; both parties were told."
                    if approve
                    else "Decision rejected; the dispute stays open.",
                )
                return HttpResponseRedirect(self._screen_url(dispute))
        parties = [
            reads.party_facts(dispute=dispute, user=dispute.order.buyer, role="buyer"),
            reads.party_facts(dispute=dispute, user=dispute.order.seller, role="seller"),
        ]
        effect = next(
            e
            for e in reads.outcome_effects(dispute=dispute, parties=parties)
            if e.outcome == decision.outcome
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{'Approve' if approve else 'Reject'} the decision on {dispute.public_id}",
            "opts": self.opts,
            "original": dispute,
            "decision": decision,
            "effect": effect,
            "approve": approve,
            "form": form,
            "figures": reads.order_figures(order=dispute.order),
        }
        return TemplateResponse(request, "admin/disputes/dispute/decision_review.html", context)

    def _file_viewer(self, request: HttpRequest, object_id: int) -> Dispute:
        dispute = self._dispute(request, object_id)
        if not reads.can_open_dispute_files(user=_staff(request)):
            raise PermissionDenied
        return dispute

    def proof_view(self, request: HttpRequest, object_id: int, proof_id: int) -> HttpResponseBase:
        dispute = self._file_viewer(request, object_id)
        proof = reads.proof_for_staff(dispute=dispute, proof_id=proof_id)
        if proof is None:
            raise Http404("There is no such proof.")
        return serve_private(
            proof.file,
            content_type=proof.content_type,
            filename=f"proof-{dispute.order.public_id}-{proof.pk}.{proof.extension}",
        )

    def chat_image_view(
        self, request: HttpRequest, object_id: int, message_id: int
    ) -> HttpResponseBase:
        dispute = self._file_viewer(request, object_id)
        message = reads.chat_image_for_staff(dispute=dispute, message_id=message_id)
        if message is None:
            raise Http404("There is no such image.")
        return serve_private(
            message.image,
            content_type=message.image_content_type,
            filename=f"chat-{dispute.order.public_id}-{message.pk}",
        )

    def evidence_view(
        self, request: HttpRequest, object_id: int, evidence_id: int
    ) -> HttpResponseBase:
        dispute = self._file_viewer(request, object_id)
        item = reads.evidence_for_staff(dispute=dispute, evidence_id=evidence_id)
        if item is None:
            raise Http404("There is no such file.")
        return serve_private(
            item.file,
            content_type=item.content_type or "application/octet-stream",
            filename=f"evidence-{dispute.public_id}-{item.pk}.{item.extension}",
            # documents are downloaded, never rendered in the admin's origin
            download=not item.content_type.startswith("image/"),
        )


def _case_link(dispute: Dispute) -> str:
    url = reverse("admin:disputes_dispute_change", args=[dispute.pk])
    return format_html('<a href="{}">{}</a>', url, dispute.public_id)


@admin.register(DisputeAction)
class DisputeActionAdmin(ReadOnlyAdmin):
    """The staff action log: read by anyone allowed, changed by nobody."""

    list_display = ("created_at", "case", "kind", "actor", "detail")
    list_filter = ("kind",)
    search_fields = ("dispute__public_id", "actor__email", "detail")
    list_select_related = ("dispute", "actor")
    fields = ("case", "kind", "actor", "detail", "created_at")
    readonly_fields = fields

    @admin.display(description="dispute")
    def case(self, action: DisputeAction) -> str:
        return _case_link(action.dispute)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case", "outcome", "status", "proposed_by", "approved_by")
    list_filter = ("status", "outcome")
    search_fields = ("dispute__public_id", "proposed_by__email")
    list_select_related = ("dispute", "proposed_by", "approved_by")
    fields = (
        "case",
        "outcome",
        "status",
        "reason",
        "restrict_loser_hours",
        "collateral_deduction",
        "proposed_by",
        "approved_by",
        "created_at",
        "decided_at",
    )
    readonly_fields = fields

    @admin.display(description="dispute")
    def case(self, decision: Decision) -> str:
        return _case_link(decision.dispute)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    """Evidence as staff see it; the file opens through the case's checked view, never a
    storage URL."""

    list_display = ("created_at", "case", "author", "kind_of_item", "original_name")
    search_fields = ("dispute__public_id", "author__email", "original_name")
    list_select_related = ("dispute", "author")
    fields = ("case", "author", "text", "file_link", "content_type", "size", "created_at")
    readonly_fields = fields

    @admin.display(description="dispute")
    def case(self, item: Evidence) -> str:
        return _case_link(item.dispute)

    @admin.display(description="kind")
    def kind_of_item(self, item: Evidence) -> str:
        return "file" if item.file else "text"

    @admin.display(description="file")
    def file_link(self, item: Evidence) -> str:
        if not item.file:
            return "-"
        url = reverse("admin:disputes_evidence_file", args=[item.dispute_id, item.pk])
        return format_html('<a href="{}">{}</a>', url, item.original_name or "open")


@admin.register(ApprovalThreshold)
class ApprovalThresholdAdmin(admin.ModelAdmin[ApprovalThreshold]):
    """Per fiat: decisions on orders above this total need a second staff member. A currency
    without a row always needs one."""

    list_display = ("fiat", "amount")
    list_select_related = ("fiat",)
    fields = ("fiat", "amount")
