"""Merchants: read-only, with Suspend / Reactivate / Revoke actions that ask for a reason, and
actions that exempt a merchant's purchases from the withdrawal lock or end the exemption."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.admin import ReadOnlyAdmin

from ..forms import ReasonForm
from ..models import Merchant, MerchantStatus
from ..selectors import business_hours_rows, merchant_can_manage
from ..services import (
    MerchantError,
    merchant_set_status,
    merchant_set_withdrawal_lock_exemption,
)
from .common import acting_staff, collateral_text


@admin.register(Merchant)
class MerchantAdmin(ReadOnlyAdmin[Merchant]):
    """Merchants change only through the services: no add, edit or delete here."""

    list_display = (
        "display_name",
        "user",
        "tier",
        "status",
        "on_break",
        "open_now",
        "exempt_from_withdrawal_lock",
        "approved_at",
    )
    list_filter = ("status", "tier", "on_break", "open_now", "exempt_from_withdrawal_lock")
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
        "exempt_from_withdrawal_lock",
    )
    readonly_fields = fields
    actions = ["suspend", "reactivate", "revoke", "exempt_from_lock", "end_lock_exemption"]

    @admin.display(description=gettext_lazy("collateral"))
    def collateral(self, merchant: Merchant) -> str:
        return collateral_text(merchant.collateral_hold_id)

    @admin.display(description=gettext_lazy("business hours"))
    def hours(self, merchant: Merchant) -> str:
        if not merchant.business_hours:
            return _("Always open")
        return format_html(
            "{}<br>{}",
            merchant.business_hours.get("timezone", ""),
            format_html_join(", ", "{}: {}", business_hours_rows(merchant.business_hours)),
        )

    def has_set_status_permission(self, request: HttpRequest) -> bool:
        return merchant_can_manage(user=acting_staff(request))

    @admin.action(
        description=gettext_lazy("Suspend selected merchants…"), permissions=["set_status"]
    )
    def suspend(self, request: HttpRequest, queryset: QuerySet[Merchant]) -> HttpResponse | None:
        return self._set_status(request, queryset, MerchantStatus.SUSPENDED, _("Suspend"))

    @admin.action(
        description=gettext_lazy("Reactivate selected merchants…"), permissions=["set_status"]
    )
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Merchant]) -> HttpResponse | None:
        return self._set_status(request, queryset, MerchantStatus.ACTIVE, _("Reactivate"))

    @admin.action(
        description=gettext_lazy("Revoke selected merchants…"), permissions=["set_status"]
    )
    def revoke(self, request: HttpRequest, queryset: QuerySet[Merchant]) -> HttpResponse | None:
        return self._set_status(request, queryset, MerchantStatus.REVOKED, _("Revoke"))

    @admin.action(
        description=gettext_lazy("Exempt purchases of selected merchants from the withdrawal lock"),
        permissions=["set_status"],
    )
    def exempt_from_lock(self, request: HttpRequest, queryset: QuerySet[Merchant]) -> None:
        self._set_exemption(request, queryset, exempt=True)

    @admin.action(
        description=gettext_lazy("Lock purchases of selected merchants like anyone's"),
        permissions=["set_status"],
    )
    def end_lock_exemption(self, request: HttpRequest, queryset: QuerySet[Merchant]) -> None:
        self._set_exemption(request, queryset, exempt=False)

    def _set_exemption(
        self, request: HttpRequest, queryset: QuerySet[Merchant], *, exempt: bool
    ) -> None:
        done = 0
        for merchant in queryset:
            try:
                merchant_set_withdrawal_lock_exemption(
                    merchant=merchant, actor=acting_staff(request), exempt=exempt
                )
            except MerchantError as error:
                messages.error(request, f"{merchant}: {error.message}")
            else:
                done += 1
                self.log_change(
                    request,
                    merchant,
                    _("Exempted from the withdrawal lock")
                    if exempt
                    else _("Withdrawal lock exemption ended"),
                )
        if done:
            message = (
                ngettext(
                    "%(n)s merchant's purchases are withdrawable at once from now on.",
                    "%(n)s merchants' purchases are withdrawable at once from now on.",
                    done,
                )
                if exempt
                else ngettext(
                    "%(n)s merchant's purchases are locked like anyone's from now on.",
                    "%(n)s merchants' purchases are locked like anyone's from now on.",
                    done,
                )
            )
            messages.success(request, message % {"n": done})

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
                        actor=acting_staff(request),
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
                    ngettext(
                        "%(verb)s: %(n)s merchant; they were told by email.",
                        "%(verb)s: %(n)s merchants; each was told by email.",
                        done,
                    )
                    % {"verb": verb, "n": done},
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(verb)s merchants") % {"verb": verb},
            "verb": verb,
            "merchants": list(queryset),
            "form": form,
            "action": request.POST.get("action", ""),
            "select_across": request.POST.get("select_across", "0"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "merchants/admin_set_status.html", context)
