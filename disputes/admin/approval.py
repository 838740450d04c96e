"""Decisions as staff review them: approving (carrying out) or rejecting another staff
member's pending decision, the decisions' record, and the approval thresholds."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import AMOUNT_FORMFIELD_OVERRIDES, ReadOnlyAdmin
from core.errors import DomainError
from orders.selectors import order_figures

from .. import selectors as reads
from .. import services
from ..models import ApprovalThreshold, Decision, DecisionStatus
from .base import CaseAdminBase, case_link, posted, show_refusal, staff_of
from .forms import ConfirmForm, RejectForm


class ReviewViews(CaseAdminBase):
    def decision_view(self, request: HttpRequest, decision_id: int, verdict: str) -> HttpResponse:
        """Approve (carry out) or reject another staff member's pending decision."""
        if verdict not in ("approve", "reject"):
            raise Http404(_("There is no such page."))
        decision = reads.pending_decision(decision_id=decision_id)
        if decision is None:
            raise Http404(_("There is no such decision."))
        dispute = self._dispute(request, decision.dispute_id)
        staff = staff_of(request)
        if not reads.can_approve_decisions(user=staff):
            raise PermissionDenied
        if decision.status != DecisionStatus.PENDING:
            messages.error(request, _("This decision is no longer waiting for approval."))
            return HttpResponseRedirect(self._screen_url(dispute))
        approve = verdict == "approve"
        form = (ConfirmForm if approve else RejectForm)(posted(request), dispute=dispute)
        if request.method == "POST" and form.is_valid():
            try:
                if approve:
                    services.decision_approve(actor=staff, decision_id=decision.pk)
                else:
                    services.decision_reject(
                        actor=staff, decision_id=decision.pk, reason=form.cleaned_data["reason"]
                    )
            except DomainError as error:
                show_refusal(request, form, error)
            else:
                messages.success(
                    request,
                    _("Approved and carried out; both parties were told.")
                    if approve
                    else _("Decision rejected; the dispute stays open."),
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
            "title": (
                _("Approve the decision on %(ref)s")
                if approve
                else _("Reject the decision on %(ref)s")
            )
            % {"ref": dispute.public_id},
            "opts": self.opts,
            "original": dispute,
            "decision": decision,
            "effect": effect,
            "approve": approve,
            "form": form,
            "figures": order_figures(order=dispute.order),
        }
        return TemplateResponse(request, "admin/disputes/dispute/decision_review.html", context)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    # a deduction is in the merchant's collateral asset, which the record does not keep: shown
    # separated and trimmed, never rounded to another asset's precision
    crypto_asset = ""
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

    @admin.display(description=gettext_lazy("dispute"))
    def case(self, decision: Decision) -> str:
        return case_link(decision.dispute)


@admin.register(ApprovalThreshold)
class ApprovalThresholdAdmin(admin.ModelAdmin[ApprovalThreshold]):
    """Per fiat: decisions on orders above this total need a second staff member. A currency
    without a row always needs one."""

    list_display = ("fiat", "amount")
    list_select_related = ("fiat",)
    formfield_overrides = AMOUNT_FORMFIELD_OVERRIDES
    fields = ("fiat", "amount")
