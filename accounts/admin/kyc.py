"""Staff review of identity verification, and the daily limits per level.

Submissions are read-only records: reviewers see every field and the document images (served by
the permission-checked download view), and approve or reject from buttons on the page (the
confirmation pages come from otc/review_admin.py). Both go through the same services as
everything else (accounts/services/kyc.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import AMOUNT_FORMFIELD_OVERRIDES
from core.errors import DomainError
from core.review_admin import ReviewAdmin

from ..forms import KycRejectForm
from ..models import KycLimit, KycSubmission, User
from ..models.kyc import DocumentKind, KycStatus
from ..selectors import kyc_can_review
from ..services.kyc import KycError, KycInvalid, kyc_approve, kyc_reject


def _reviewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@admin.register(KycSubmission)
class KycSubmissionAdmin(ReviewAdmin[KycSubmission]):
    list_display = ("user", "shown_level", "status", "submitted", "reviewed")
    list_filter = ("status", "level")
    search_fields = ("user__email", "legal_name")
    list_select_related = ("user", "reviewed_by")
    date_hierarchy = "submitted_at"
    fields = (
        "user",
        "level",
        "status",
        "submitted_at",
        "legal_name",
        "country",
        "id_type",
        "id_number",
        "address",
        "document_images",
        "reviewed_at",
        "reviewed_by",
        "rejection_reason",
        "review_buttons",
    )
    readonly_fields = fields
    review_template = "accounts/kyc/admin_review.html"
    reason_form_class = KycRejectForm
    refusal = KycError
    review_approved = gettext_lazy("Submission approved; the user was told by email.")
    review_rejected = gettext_lazy("Submission rejected; the user was told by email.")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        """Show each level's own fields only."""
        level_only = {1: ("address",), 2: ("legal_name", "country", "id_type", "id_number")}
        hidden = level_only.get(obj.level, ()) if obj is not None else ()
        return tuple(name for name in self.fields if name not in hidden)

    @admin.display(description=gettext_lazy("level"), ordering="level")
    def shown_level(self, submission: KycSubmission) -> int:
        return int(submission.level)

    @admin.display(description=gettext_lazy("submitted"), ordering="submitted_at")
    def submitted(self, submission: KycSubmission) -> str:
        return f"{submission.submitted_at:%Y-%m-%d %H:%M}"

    @admin.display(description=gettext_lazy("reviewed"), ordering="reviewed_at")
    def reviewed(self, submission: KycSubmission) -> str:
        if submission.reviewed_at is None:
            return "-"
        return _("%(at)s by %(who)s") % {
            "at": f"{submission.reviewed_at:%Y-%m-%d %H:%M}",
            "who": submission.reviewed_by,
        }

    # Identity documents are for reviewers only; nobody adds, edits or deletes them here.
    def has_review_permission(self, request: HttpRequest) -> bool:
        return kyc_can_review(user=_reviewer(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_review_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_review_permission(request)

    @admin.display(description=gettext_lazy("documents"))
    def document_images(self, submission: KycSubmission) -> str:
        order = {kind: i for i, kind in enumerate(DocumentKind.values)}
        documents = sorted(submission.documents.all(), key=lambda d: order.get(d.kind, 99))
        if not documents:
            return "No documents."
        return format_html(
            '<div style="display:flex;flex-wrap:wrap;gap:12px">{}</div>',
            format_html_join(
                "",
                '<figure style="margin:0"><a href="{0}" target="_blank" rel="noopener">'
                '<img src="{0}" alt="{1}" loading="lazy" '
                'style="max-width:200px;max-height:150px;border:1px solid #ccc"></a>'
                "<figcaption>{1} ({2}x{3})</figcaption></figure>",
                (
                    (
                        reverse("accounts:kyc_document", args=[document.pk]),
                        document.get_kind_display(),
                        document.width,
                        document.height,
                    )
                    for document in documents
                ),
            ),
        )

    @admin.display(description=gettext_lazy("review"))
    def review_buttons(self, submission: KycSubmission) -> str:
        if submission.status != KycStatus.PENDING:
            return "Reviewed."
        return self.review_links(submission)

    def review_queryset(self) -> QuerySet[KycSubmission]:
        return KycSubmission.objects.select_related("user")

    def review_context(self, submission: KycSubmission) -> dict[str, Any]:
        return {"submission": submission, "documents": self.document_images(submission)}

    def approve_object(self, request: HttpRequest, submission: KycSubmission) -> None:
        kyc_approve(
            submission=submission,
            actor=_reviewer(request),
            site_url=request.build_absolute_uri("/"),
        )

    def reject_object(self, request: HttpRequest, submission: KycSubmission, reason: str) -> None:
        kyc_reject(
            submission=submission,
            actor=_reviewer(request),
            reason=reason,
            site_url=request.build_absolute_uri("/"),
        )

    def show_refusal(
        self, request: HttpRequest, form: forms.Form, error: DomainError, *, approve: bool
    ) -> None:
        if isinstance(error, KycInvalid):
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            super().show_refusal(request, form, error, approve=approve)


@admin.register(KycLimit)
class KycLimitAdmin(admin.ModelAdmin[KycLimit]):
    list_display = ("level", "fiat", "daily_limit")
    list_filter = ("level", "fiat")
    formfield_overrides = AMOUNT_FORMFIELD_OVERRIDES
    list_editable = ("daily_limit",)
    fields = ("level", "fiat", "daily_limit")
