"""Staff approving or rejecting a pending record from its admin page.

A review admin shows Approve… / Reject… buttons (`review_links`) that lead to a confirmation
page; rejecting asks for a reason. The app's subclass says who may review, what approving and
rejecting do (its own services), how a refusal is shown, and what the page shows of the record (a
template extending templates/admin/review_confirm.html). Everything else is here: core knows no
app above it, so it only calls what the subclass gives. `ProposalAdmin` is the same screen for a
four-eyes proposal (core/four_eyes.py).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .admin import ReadOnlyAdmin
from .errors import DomainError
from .four_eyes import MIN_REASON, Proposal, ProposalStatus

_M = TypeVar("_M", bound=Model)
_P = TypeVar("_P", bound=Proposal)


class ReviewAdmin(ReadOnlyAdmin[_M]):
    # What a subclass sets:
    review_template: str  # the confirmation page; it extends "admin/review_confirm.html"
    reason_form_class: type[forms.Form]  # asked for when rejecting; its `reason` is passed on
    refusal: type[DomainError] = DomainError  # what the services raise when they refuse
    # said after a decision
    review_approved: Any = gettext_lazy("Record approved.")
    review_rejected: Any = gettext_lazy("Record rejected.")

    def has_review_permission(self, request: HttpRequest) -> bool:
        raise NotImplementedError

    def approve_object(self, request: HttpRequest, obj: _M) -> None:
        raise NotImplementedError

    def reject_object(self, request: HttpRequest, obj: _M, reason: str) -> None:
        raise NotImplementedError

    def review_queryset(self) -> QuerySet[_M]:
        """Where the record under review is read from (add what the page shows of it)."""
        return self.model._default_manager.all()

    def review_context(self, obj: _M) -> dict[str, Any]:
        """What the confirmation page shows besides the record (`original`) and the form."""
        return {}

    def show_refusal(
        self, request: HttpRequest, form: forms.Form, error: DomainError, *, approve: bool
    ) -> None:
        """Show why the service refused: by default, as a message above the page."""
        messages.error(request, error.message)

    # What it gives:
    def _review_url_name(self, page: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{page}"

    def review_links(self, obj: _M) -> str:
        """The Approve… and Reject… buttons for a pending record's page."""
        return format_html(
            '<a class="button" href="{}">Approve…</a>&nbsp; '
            '<a class="button" href="{}">Reject…</a>',
            reverse(f"admin:{self._review_url_name('approve')}", args=[obj.pk]),
            reverse(f"admin:{self._review_url_name('reject')}", args=[obj.pk]),
        )

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "<int:object_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name=self._review_url_name("approve"),
            ),
            path(
                "<int:object_id>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name=self._review_url_name("reject"),
            ),
        ]
        return custom + super().get_urls()

    def approve_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        return self._review(request, object_id, approve=True)

    def reject_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        return self._review(request, object_id, approve=False)

    def _review(self, request: HttpRequest, object_id: int, *, approve: bool) -> HttpResponse:
        if not self.has_review_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(self.review_queryset(), pk=object_id)
        form = self.reason_form_class(request.POST or None)
        if request.method == "POST" and (approve or form.is_valid()):
            try:
                if approve:
                    self.approve_object(request, obj)
                else:
                    self.reject_object(request, obj, form.cleaned_data["reason"])
            except self.refusal as error:
                self.show_refusal(request, form, error, approve=approve)
            else:
                done = self.review_approved if approve else self.review_rejected
                messages.success(request, str(done))
                return HttpResponseRedirect(
                    reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "title": (_("Approve %(record)s") if approve else _("Reject %(record)s"))
            % {"record": obj},
            "original": obj,
            **self.review_context(obj),
            "approve": approve,
            "form": form,
            "opts": self.opts,
        }
        return TemplateResponse(request, self.review_template, context)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        min_length=MIN_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProposalAdmin(ReviewAdmin[_P]):
    """A proposal model's screen. A subclass names the approving permission and the two
    services; the page lists `summary_rows` (label, value) of what is proposed."""

    approve_permission: str
    review_template = "admin/proposal_review.html"
    reason_form_class = RejectForm
    refusal = DomainError
    review_approved = gettext_lazy("Approved and applied.")
    review_rejected = gettext_lazy("Rejected; nothing was changed.")
    list_filter: ClassVar[Any] = ("status",)

    def has_review_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff and request.user.has_perm(self.approve_permission))

    def summary_rows(self, obj: _P) -> list[tuple[Any, Any]]:
        return [(gettext_lazy("proposal"), str(obj))]

    def review_context(self, obj: _P) -> dict[str, Any]:
        rows = [
            *self.summary_rows(obj),
            (gettext_lazy("reason"), obj.reason),
            (gettext_lazy("proposed by"), obj.proposed_by),
            (gettext_lazy("status"), obj.get_status_display()),
        ]
        return {"rows": rows}

    @admin.display(description=gettext_lazy("decide"))
    def decide(self, obj: _P) -> str:
        if obj.status != ProposalStatus.PENDING:
            return "-"
        return self.review_links(obj)
