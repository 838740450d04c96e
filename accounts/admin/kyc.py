"""Staff review of identity verification, and the daily limits per level.

Submissions are read-only records: reviewers see every field and the document images (served by
the permission-checked download view), and approve or reject from buttons on the page. Both go
through the same services as everything else (accounts/services/kyc.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join

from ..forms_kyc import KycRejectForm
from ..models import KycLimit, KycSubmission, User
from ..models.kyc import DocumentKind, KycStatus
from ..selectors import kyc_can_review
from ..services.kyc import KycError, KycInvalid, kyc_approve, kyc_reject


def _reviewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@admin.register(KycSubmission)
class KycSubmissionAdmin(admin.ModelAdmin[KycSubmission]):
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

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        """Show each level's own fields only."""
        level_only = {1: ("address",), 2: ("legal_name", "country", "id_type", "id_number")}
        hidden = level_only.get(obj.level, ()) if obj is not None else ()
        return tuple(name for name in self.fields if name not in hidden)

    @admin.display(description="level", ordering="level")
    def shown_level(self, submission: KycSubmission) -> int:
        return int(submission.level)

    @admin.display(description="submitted", ordering="submitted_at")
    def submitted(self, submission: KycSubmission) -> str:
        return f"{submission.submitted_at:%Y-%m-%d %H:%M}"

    @admin.display(description="reviewed", ordering="reviewed_at")
    def reviewed(self, submission: KycSubmission) -> str:
        if submission.reviewed_at is None:
            return "-"
        return f"{submission.reviewed_at:%Y-%m-%d %H:%M} by {submission.reviewed_by}"

    # Identity documents are for reviewers only; nobody adds, edits or deletes them here.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return kyc_can_review(user=_reviewer(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return kyc_can_review(user=_reviewer(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="documents")
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

    @admin.display(description="review")
    def review_buttons(self, submission: KycSubmission) -> str:
        if submission.status != KycStatus.PENDING:
            return "Reviewed."
        return format_html(
            '<a class="button" href="{}">Approve…</a>&nbsp; '
            '<a class="button" href="{}">Reject…</a>',
            reverse("admin:accounts_kycsubmission_approve", args=[submission.pk]),
            reverse("admin:accounts_kycsubmission_reject", args=[submission.pk]),
        )

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "<int:submission_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="accounts_kycsubmission_approve",
            ),
            path(
                "<int:submission_id>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="accounts_kycsubmission_reject",
            ),
        ]
        return custom + super().get_urls()

    def approve_view(self, request: HttpRequest, submission_id: int) -> HttpResponse:
        return self._review(request, submission_id, approve=True)

    def reject_view(self, request: HttpRequest, submission_id: int) -> HttpResponse:
        return self._review(request, submission_id, approve=False)

    def _review(self, request: HttpRequest, submission_id: int, *, approve: bool) -> HttpResponse:
        reviewer = _reviewer(request)
        if not kyc_can_review(user=reviewer):
            raise PermissionDenied
        submission = get_object_or_404(
            KycSubmission.objects.select_related("user"), pk=submission_id
        )
        form = KycRejectForm(request.POST or None)
        if request.method == "POST" and (approve or form.is_valid()):
            site_url = request.build_absolute_uri("/")
            try:
                if approve:
                    kyc_approve(submission=submission, reviewer=reviewer, site_url=site_url)
                else:
                    kyc_reject(
                        submission=submission,
                        reviewer=reviewer,
                        reason=form.cleaned_data["reason"],
                        site_url=site_url,
                    )
            except KycInvalid as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            except KycError as error:
                messages.error(request, error.message)
            else:
                outcome = "approved" if approve else "rejected"
                messages.success(request, f"Submission {outcome}; the user was told by email.")
                return HttpResponseRedirect(
                    reverse("admin:accounts_kycsubmission_change", args=[submission.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{'Approve' if approve else 'Reject'} {submission}",
            "submission": submission,
            "documents": self.document_images(submission),
            "approve": approve,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "accounts/kyc/admin_review.html", context)


@admin.register(KycLimit)
class KycLimitAdmin(admin.ModelAdmin[KycLimit]):
    list_display = ("level", "fiat", "daily_limit")
    list_filter = ("level", "fiat")
    list_editable = ("daily_limit",)
    fields = ("level", "fiat", "daily_limit")
