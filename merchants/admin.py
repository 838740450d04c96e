"""Staff screens of the merchant program.

- Requirements: one row, edited in place (no add once it exists, never deleted).
- Tiers with their limits per fiat currency.
- Applications: read-only records with the applicant's KYC level, account age and 2FA beside
  them; Approve / Reject (with a mandatory reason) buttons lead to confirmation pages
  (otc/review_admin.py).
- Merchants: read-only, with Suspend / Reactivate / Revoke actions that ask for a reason.

Every decision goes through the same services as the pages (merchants/services.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.models import User
from core.errors import DomainError
from core.money import format_amount
from core.review_admin import ReviewAdmin

from .forms import ReasonForm, show_refusal
from .models import (
    ApplicationStatus,
    Merchant,
    MerchantApplication,
    MerchantProgram,
    MerchantStatus,
    MerchantTier,
    TierLimit,
)
from .selectors import (
    ApplicantFacts,
    applicant_facts,
    business_hours_rows,
    collateral_hold,
    merchant_can_manage,
    merchant_can_review,
)
from .services import (
    STAFF_VERBS,
    MerchantError,
    merchant_approve,
    merchant_reject,
    merchant_set_status,
)


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _badge(label: str, color: str) -> str:
    return format_html(
        '<span style="background:{};color:#fff;padding:1px 8px;border-radius:9px;'
        'font-weight:600">{}</span>',
        color,
        label,
    )


def _facts(application: MerchantApplication) -> ApplicantFacts:
    """The applicant's facts, read once per page however many columns show them."""
    cached: ApplicantFacts | None = getattr(application, "_applicant_facts", None)
    if cached is None:
        cached = applicant_facts(user=application.user)
        application._applicant_facts = cached  # type: ignore[attr-defined]
    return cached


def _collateral(hold_id: int | None) -> str:
    hold = collateral_hold(hold_id=hold_id)
    if hold is None:
        return "-"
    state = hold.status_display.lower()
    return f"{format_amount(hold.amount)} {hold.asset.symbol} ({state}, hold #{hold.pk})"


@admin.register(MerchantProgram)
class MerchantProgramAdmin(admin.ModelAdmin[MerchantProgram]):
    """A single row: the first save creates row 1; later visits edit it."""

    list_display = (
        "__str__",
        "min_kyc_level",
        "min_account_age_days",
        "min_completed_orders",
        "require_2fa",
        "resignation_cooling_days",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not MerchantProgram.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        program = MerchantProgram.objects.order_by("pk").first()
        if program is not None:
            return HttpResponseRedirect(
                reverse("admin:merchants_merchantprogram_change", args=[program.pk])
            )
        return super().changelist_view(request, extra_context)

    def save_model(
        self, request: HttpRequest, obj: MerchantProgram, form: Any, change: bool
    ) -> None:
        if not change:
            obj.pk = 1
        super().save_model(request, obj, form, change)


class TierLimitInline(admin.TabularInline[TierLimit, MerchantTier]):
    model = TierLimit
    extra = 1
    fields = ("fiat", "per_order_max", "daily_max")


@admin.register(MerchantTier)
class MerchantTierAdmin(admin.ModelAdmin[MerchantTier]):
    list_display = ("name", "code", "badge", "collateral", "sort_order", "enabled")
    list_editable = ("sort_order", "enabled")
    list_select_related = ("collateral_asset",)
    prepopulated_fields = {"code": ("name",)}
    inlines = [TierLimitInline]

    @admin.display(description="badge")
    def badge(self, tier: MerchantTier) -> str:
        return _badge(tier.badge_label, tier.badge_color)

    @admin.display(description="collateral")
    def collateral(self, tier: MerchantTier) -> str:
        return f"{format_amount(tier.collateral_amount)} {tier.collateral_asset.symbol}"


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
    review_done = "Application {outcome}; the applicant was told by email."

    @admin.display(description="submitted", ordering="submitted_at")
    def submitted(self, application: MerchantApplication) -> str:
        return f"{application.submitted_at:%Y-%m-%d %H:%M}"

    @admin.display(description="reviewed", ordering="reviewed_at")
    def reviewed(self, application: MerchantApplication) -> str:
        if application.reviewed_at is None:
            return "-"
        return f"{application.reviewed_at:%Y-%m-%d %H:%M} by {application.reviewed_by}"

    @admin.display(description="assets")
    def traded_assets(self, application: MerchantApplication) -> str:
        return ", ".join(asset.symbol for asset in application.assets.all()) or "-"

    @admin.display(description="currencies")
    def traded_fiats(self, application: MerchantApplication) -> str:
        return ", ".join(fiat.code for fiat in application.fiats.all()) or "-"

    @admin.display(description="collateral")
    def collateral(self, application: MerchantApplication) -> str:
        return _collateral(application.collateral_hold_id)

    @admin.display(description="applicant KYC level")
    def applicant_kyc_level(self, application: MerchantApplication) -> int:
        return _facts(application).kyc_level

    @admin.display(description="applicant account age")
    def applicant_account_age(self, application: MerchantApplication) -> str:
        days = _facts(application).account_age_days
        return f"{days} day{'s' if days != 1 else ''}"

    @admin.display(description="applicant 2FA")
    def applicant_2fa(self, application: MerchantApplication) -> str:
        return "On" if _facts(application).has_2fa else "Off"

    @admin.display(description="requirements today")
    def applicant_requirements(self, application: MerchantApplication) -> str:
        facts = _facts(application)
        return format_html(
            '<ul style="margin:0;padding-left:1.2em">{}</ul>',
            format_html_join(
                "",
                "<li>{} {}: {}</li>",
                (("✔" if r.met else "✘", r.label, r.current) for r in facts.requirements),
            ),
        )

    @admin.display(description="review")
    def review_buttons(self, application: MerchantApplication) -> str:
        if application.status != ApplicationStatus.PENDING:
            return "Reviewed." if application.reviewed_at else application.get_status_display()
        return self.review_links(application)

    # Applications are records the applicant writes: staff look and decide, never edit.
    def has_review_permission(self, request: HttpRequest) -> bool:
        return merchant_can_review(user=_staff(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_review_permission(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_review_permission(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def review_queryset(self) -> QuerySet[MerchantApplication]:
        return MerchantApplication.objects.select_related("user", "tier", "tier__collateral_asset")

    def review_context(self, application: MerchantApplication) -> dict[str, Any]:
        return {
            "application": application,
            "facts": applicant_facts(user=application.user),
            "collateral": _collateral(application.collateral_hold_id),
            "assets": self.traded_assets(application),
            "fiats": self.traded_fiats(application),
        }

    def approve_object(self, request: HttpRequest, application: MerchantApplication) -> None:
        merchant_approve(application=application, actor=_staff(request))

    def reject_object(
        self, request: HttpRequest, application: MerchantApplication, reason: str
    ) -> None:
        merchant_reject(application=application, actor=_staff(request), reason=reason)

    def show_refusal(
        self, request: HttpRequest, form: forms.Form, error: DomainError, *, approve: bool
    ) -> None:
        if not approve and isinstance(error, MerchantError):
            show_refusal(form, error)  # the form was validated: the refusal goes beside the reason
        else:
            super().show_refusal(request, form, error, approve=approve)


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin[Merchant]):
    list_display = (
        "display_name",
        "user",
        "tier",
        "status",
        "on_break",
        "open_now",
        "approved_at",
    )
    list_filter = ("status", "tier", "on_break", "open_now")
    search_fields = ("display_name", "user__email", "user__nickname")
    list_select_related = ("user", "tier")
    fields = (
        "display_name",
        "user",
        "tier",
        "status",
        "status_reason",
        "application",
        "collateral",
        "approved_at",
        "on_break",
        "open_now",
        "hours",
        "resign_requested_at",
        "resigned_at",
    )
    readonly_fields = fields
    actions = ["suspend", "reactivate", "revoke"]

    @admin.display(description="collateral")
    def collateral(self, merchant: Merchant) -> str:
        return _collateral(merchant.collateral_hold_id)

    @admin.display(description="business hours")
    def hours(self, merchant: Merchant) -> str:
        if not merchant.business_hours:
            return "Always open"
        return format_html(
            "{}<br>{}",
            merchant.business_hours.get("timezone", ""),
            format_html_join(", ", "{}: {}", business_hours_rows(merchant.business_hours)),
        )

    # Merchants change only through the services: no add, edit or delete here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_set_status_permission(self, request: HttpRequest) -> bool:
        return merchant_can_manage(user=_staff(request))

    @admin.action(description="Suspend selected merchants…", permissions=["set_status"])
    def suspend(self, request: HttpRequest, queryset: QuerySet[Merchant]) -> HttpResponse | None:
        return self._set_status(request, queryset, MerchantStatus.SUSPENDED, "Suspend")

    @admin.action(description="Reactivate selected merchants…", permissions=["set_status"])
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Merchant]) -> HttpResponse | None:
        return self._set_status(request, queryset, MerchantStatus.ACTIVE, "Reactivate")

    @admin.action(description="Revoke selected merchants…", permissions=["set_status"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Merchant]) -> HttpResponse | None:
        return self._set_status(request, queryset, MerchantStatus.REVOKED, "Revoke")

    def _set_status(
        self, request: HttpRequest, queryset: QuerySet[Merchant], status: str, verb: str
    ) -> HttpResponse | None:
        """First a page asking for the reason; its submit ("apply") calls the service once per
        merchant and reports each refusal."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for merchant in queryset:
                try:
                    merchant_set_status(
                        merchant=merchant,
                        actor=_staff(request),
                        status=status,
                        reason=form.cleaned_data["reason"],
                    )
                except MerchantError as error:
                    messages.error(request, f"{merchant}: {error.message}")
                else:
                    done += 1
            if done:
                messages.success(
                    request,
                    f"{STAFF_VERBS[status].capitalize()} {done} "
                    f"merchant{'s' if done != 1 else ''}; each was told by email.",
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"{verb} merchants",
            "verb": verb,
            "merchants": list(queryset),
            "form": form,
            "action": request.POST.get("action", ""),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "merchants/admin_set_status.html", context)
