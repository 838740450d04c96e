"""The dispute queue (the changelist) and the case screen, which replaces the change form:
everything about the dispute on one page and the buttons this staff member may use."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import selectors as reads
from ..models import Dispute
from .actions import ACTIONS, ActionViews, available_actions
from .approval import ReviewViews
from .base import staff_of
from .filters import AgeFilter, AmountFilter, AssignmentFilter, OverdueFilter, StatusFilter
from .records import FileViews


@admin.register(Dispute)
class DisputeAdmin(ActionViews, ReviewViews, FileViews):
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

    @admin.display(description=gettext_lazy("order"), ordering="order__public_id")
    def order_no(self, dispute: Dispute) -> str:
        return dispute.order.public_id

    @admin.display(description=gettext_lazy("amount"), ordering="order__fiat_total")
    def amount(self, dispute: Dispute) -> str:
        return format_html(
            '<span style="white-space:nowrap">{}</span><br>'
            '<span style="white-space:nowrap">{}</span>',
            reads.amount_text(dispute.order),
            reads.fiat_text(dispute.order),
        )

    @admin.display(description=gettext_lazy("reason"), ordering="reason")
    def short_reason(self, dispute: Dispute) -> str:
        return dispute.reason.replace("_", " ")

    @admin.display(description=gettext_lazy("opened by"), ordering="opened_by__email")
    def opened_by_role(self, dispute: Dispute) -> str:
        return format_html(
            "{}<br><small>{}</small>",
            reads.role_of(dispute, dispute.opened_by_id),
            dispute.opened_by,
        )

    @admin.display(description=gettext_lazy("age"), ordering="created_at")
    def age(self, dispute: Dispute) -> str:
        return reads.age_text(dispute.created_at)

    @admin.display(description=gettext_lazy("deadline"), ordering="respond_by")
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
        custom.extend(
            path(
                f"decision/<int:decision_id>/{verdict}/",
                view(self.decision_view),
                {"verdict": verdict},
                name=f"disputes_decision_{verdict}",
            )
            for verdict in ("approve", "reject")
        )
        custom.extend(
            path(
                f"<int:object_id>/{name}/",
                view(self.action_view),
                {"action": name},
                name=f"disputes_dispute_{name}",
            )
            for name in ACTIONS
        )
        return custom + super().get_urls()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The case screen: everything about the dispute on one page, and its action buttons."""
        dispute = self._dispute(request, object_id)
        staff = staff_of(request)
        screen = reads.dispute_screen(dispute=dispute)
        pending = screen.pending
        can_review = pending is not None and (
            reads.can_approve(staff, pending, dispute=dispute)
            or reads.can_reject(staff, pending, dispute=dispute)
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dispute %(ref)s") % {"ref": dispute.public_id},
            "opts": self.opts,
            "original": dispute,
            "screen": screen,
            "buttons": [
                (ACTIONS[name], reverse(f"admin:disputes_dispute_{name}", args=[dispute.pk]))
                for name in available_actions(staff, dispute)
            ],
            "can_review_pending": can_review,
            "can_open_files": reads.can_open_dispute_files(user=staff),
        }
        return TemplateResponse(request, "admin/disputes/dispute/screen.html", context)
