"""Merchant applications: read-only records with the applicant's facts beside them, and
Approve / Reject pages that ask for a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.errors import DomainError
from core.review_admin import ReviewAdmin

from ..forms import ReasonForm, show_refusal
from ..models import ApplicationStatus, MerchantApplication
from ..selectors import ApplicantFacts, applicant_facts, merchant_can_review
from ..services import MerchantError, merchant_approve, merchant_reject
from .common import acting_staff, collateral_text


def _facts(application: MerchantApplication) -> ApplicantFacts:
    """The applicant's facts, read once per page however many columns show them."""
    cached: ApplicantFacts | None = getattr(application, "_applicant_facts", None)
    if cached is None:
        cached = applicant_facts(user=application.user)
        application._applicant_facts = cached  # type: ignore[attr-defined]
    return cached


@admin.register(MerchantApplication)
class MerchantApplicationAdmin(ReviewAdmin[MerchantApplication]):
    list_display = ("display_name", "user", "tier", "status", "submitted", "reviewed")
    list_filter = ("status", "tier")
    search_fields = ("display_name", "user__email", "user__nickname", "contact")
    list_select_related = ("user", "tier", "reviewed_by")
    date_hierarchy = "submitted_at"
    fields = (
        "user",
        "display_name",
        "contact",
        "tier",
        "traded_assets",
        "traded_fiats",
        "status",
        "submitted_at",
        "collateral",
        "applicant_kyc_level",
        "applicant_account_age",
        "applicant_2fa",
        "applicant_requirements",
        "reviewed_at",
        "reviewed_by",
        "rejection_reason",
        "review_buttons",
    )
    readonly_fields = fields
    review_template = "merchants/admin_review.html"
    reason_form_class = ReasonForm
    refusal = MerchantError
    review_approved = gettext_lazy("Application approved; the applicant was told by email.")
    review_rejected = gettext_lazy("Application rejected; the applicant was told by email.")

    @admin.display(description=gettext_lazy("submitted"), ordering="submitted_at")
    def submitted(self, application: MerchantApplication) -> str:
        return f"{application.submitted_at:%Y-%m-%d %H:%M}"

    @admin.display(description=gettext_lazy("reviewed"), ordering="reviewed_at")
    def reviewed(self, application: MerchantApplication) -> str:
        if application.reviewed_at is None:
            return "-"
        return _("%(at)s by %(who)s") % {
            "at": f"{application.reviewed_at:%Y-%m-%d %H:%M}",
            "who": application.reviewed_by,
        }

    @admin.display(description=gettext_lazy("assets"))
    def traded_assets(self, application: MerchantApplication) -> str:
        return ", ".join(asset.symbol for asset in application.assets.all()) or "-"

    @admin.display(description=gettext_lazy("currencies"))
    def traded_fiats(self, application: MerchantApplication) -> str:
        return ", ".join(fiat.code for fiat in application.fiats.all()) or "-"

    @admin.display(description=gettext_lazy("collateral"))
    def collateral(self, application: MerchantApplication) -> str:
        return collateral_text(application.collateral_hold_id)

    @admin.display(description=gettext_lazy("applicant KYC level"))
    def applicant_kyc_level(self, application: MerchantApplication) -> int:
        return _facts(application).kyc_level

    @admin.display(description=gettext_lazy("applicant account age"))
    def applicant_account_age(self, application: MerchantApplication) -> str:
        days = _facts(application).account_age_days
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}

    @admin.display(description=gettext_lazy("applicant 2FA"))
    def applicant_2fa(self, application: MerchantApplication) -> str:
        return _("On") if _facts(application).has_2fa else _("Off")

    @admin.display(description=gettext_lazy("requirements today"))
    def applicant_requirements(self, application: MerchantApplication) -> str:
        facts = _facts(application)
        return format_html(
            '<ul style="margin:0;padding-left:1.2em">{}</ul>',
            format_html_join(
                "",
                "<li>{} {}: {}</li>",
                (("✓" if r.met else "✗", r.label, r.current) for r in facts.requirements),
            ),
        )

    @admin.display(description=gettext_lazy("review"))
    def review_buttons(self, application: MerchantApplication) -> str:
        if application.status != ApplicationStatus.PENDING:
            return "Reviewed." if application.reviewed_at else application.get_status_display()
        return self.review_links(application)

    # Applications are records the applicant writes: staff look and decide, never edit.
    def has_review_permission(self, request: HttpRequest) -> bool:
        return merchant_can_review(user=acting_staff(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_review_permission(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_review_permission(request) or super().has_view_permission(request, obj)

    def review_queryset(self) -> QuerySet[MerchantApplication]:
        return MerchantApplication.objects.select_related("user", "tier", "tier__collateral_asset")

    def review_context(self, application: MerchantApplication) -> dict[str, Any]:
        return {
            "application": application,
            "facts": applicant_facts(user=application.user),
            "collateral": collateral_text(application.collateral_hold_id),
            "assets": self.traded_assets(application),
            "fiats": self.traded_fiats(application),
        }

    def approve_object(self, request: HttpRequest, application: MerchantApplication) -> None:
        merchant_approve(application=application, actor=acting_staff(request))

    def reject_object(
        self, request: HttpRequest, application: MerchantApplication, reason: str
    ) -> None:
        merchant_reject(application=application, actor=acting_staff(request), reason=reason)

    def show_refusal(
        self, request: HttpRequest, form: forms.Form, error: DomainError, *, approve: bool
    ) -> None:
        if not approve and isinstance(error, MerchantError):
            show_refusal(form, error)  # the form was validated: the refusal goes beside the reason
        else:
            super().show_refusal(request, form, error, approve=approve)
