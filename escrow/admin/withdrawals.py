"""The withdrawal review queue, and the thresholds, limits and switches staff set.

A withdrawal's page shows the reviewer everything the decision needs (escrow.selectors.
withdrawal_review) beside Approve… / Reject… buttons, which call the same services as
everything else; a failed withdrawal has a Send again… button. Nobody sees buttons for their own
withdrawal, and the services refuse it anyway."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.admin import AMOUNT_FORMFIELD_OVERRIDES, crypto_cell
from core.errors import DomainError
from core.money import format_fiat
from core.review_admin import ReviewAdmin

from ..models.withdrawals import (
    WalletControl,
    Withdrawal,
    WithdrawalLimit,
    WithdrawalPolicy,
    WithdrawalStatus,
)
from ..selectors.withdrawal_review import review_facts
from ..services.withdrawals import withdrawal_approve, withdrawal_reject, withdrawal_retry

REASON_TEXT = {
    "first_to_address": gettext_lazy("first withdrawal to this address"),
    "young_account": gettext_lazy("young account"),
    "recent_security_change": gettext_lazy("recent security change"),
    "above_auto_approval": gettext_lazy("above the auto-approval threshold"),
    "no_policy": gettext_lazy("no policy for the asset"),
}


class WithdrawalRejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason the user reads"),
        min_length=5,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@admin.register(Withdrawal)
class WithdrawalAdmin(ReviewAdmin[Withdrawal]):
    list_display = (
        "public_id",
        "user",
        "network",
        "amount_cell",
        "status",
        "reasons",
        "waiting",
    )
    list_filter = ("status", "network__asset", "network")
    search_fields = ("public_id", "user__email", "address", "txid")
    list_select_related = ("user", "network__asset")
    ordering = ("requested_at",)
    fields = (
        "public_id",
        "status",
        "user",
        "network",
        "address",
        "memo",
        "amount_cell",
        "fee_cell",
        "value_cell",
        "reasons",
        "approvals",
        "buttons",
        "review_note",
        "facts",
        "provider_ref",
        "txid",
        "confirmations",
        "failure",
        "requested_at",
        "reviewed_at",
        "sent_at",
        "ended_at",
    )
    readonly_fields = fields
    review_template = "admin/escrow/withdrawal_review.html"
    reason_form_class = WithdrawalRejectForm
    refusal = DomainError
    review_approved = gettext_lazy("Approved.")
    review_rejected = gettext_lazy("Rejected; the funds are free again and the user was told.")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Withdrawal]:
        return super().get_queryset(request).select_related("user", "network__asset")

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def amount_cell(self, obj: Withdrawal) -> str:
        return crypto_cell(obj.amount, obj.network.asset)

    @admin.display(description=gettext_lazy("fee"))
    def fee_cell(self, obj: Withdrawal) -> str:
        return crypto_cell(obj.fee, obj.network.asset)

    @admin.display(description=gettext_lazy("value at request"))
    def value_cell(self, obj: Withdrawal) -> str:
        if obj.reference_value is None:
            return "-"
        return f"{format_fiat(obj.reference_value, 2)} {obj.reference_fiat}"

    @admin.display(description=gettext_lazy("why reviewed"))
    def reasons(self, obj: Withdrawal) -> str:
        return ", ".join(str(REASON_TEXT.get(code, code)) for code in obj.review_reasons) or "-"

    @admin.display(description=gettext_lazy("waiting"), ordering="requested_at")
    def waiting(self, obj: Withdrawal) -> str:
        if obj.status != WithdrawalStatus.REVIEW:
            return "-"
        minutes = int((timezone.now() - obj.requested_at).total_seconds() // 60)
        return _("%(h)dh %(m)02dm") % {"h": minutes // 60, "m": minutes % 60}

    @admin.display(description=gettext_lazy("approvals"))
    def approvals(self, obj: Withdrawal) -> str:
        names = [str(who) for who in (obj.first_approver, obj.reviewer) if who is not None]
        needed = 2 if obj.needs_two_approvals else 1
        return _("%(given)s of %(needed)d needed") % {
            "given": ", ".join(names) or _("none"),
            "needed": needed,
        }

    @admin.display(description=gettext_lazy("for the reviewer"))
    def facts(self, obj: Withdrawal) -> str:
        return render_to_string(
            "admin/escrow/_withdrawal_facts.html", {"facts": review_facts(obj), "withdrawal": obj}
        )

    @admin.display(description=gettext_lazy("decide"))
    def buttons(self, obj: Withdrawal) -> str:
        if obj.status == WithdrawalStatus.REVIEW:
            return self.review_links(obj)
        if obj.status == WithdrawalStatus.FAILED:
            url = reverse("admin:escrow_withdrawal_retry", args=[obj.pk])
            return format_html('<a class="button" href="{}">{}</a>', url, _("Send again…"))
        return "-"

    def has_review_permission(self, request: HttpRequest) -> bool:
        return _staff(request).has_perm("escrow.review_withdrawal")

    def review_queryset(self) -> QuerySet[Withdrawal]:
        return Withdrawal.objects.select_related("user", "network__asset")

    def review_context(self, obj: Withdrawal) -> dict[str, Any]:
        return {"withdrawal": obj, "facts": review_facts(obj)}

    def approve_object(self, request: HttpRequest, obj: Withdrawal) -> None:
        withdrawal_approve(actor=_staff(request), public_id=obj.public_id)

    def reject_object(self, request: HttpRequest, obj: Withdrawal, reason: str) -> None:
        withdrawal_reject(actor=_staff(request), public_id=obj.public_id, reason=reason)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.retry_view)
        return [
            path("<int:object_id>/retry/", view, name="escrow_withdrawal_retry"),
            *super().get_urls(),
        ]

    def retry_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if not _staff(request).has_perm("escrow.retry_withdrawal"):
            raise PermissionDenied
        obj = get_object_or_404(self.review_queryset(), pk=object_id)
        back = reverse("admin:escrow_withdrawal_change", args=[obj.pk])
        if request.method != "POST":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Send %(record)s again") % {"record": obj},
                "original": obj,
                "opts": self.opts,
            }
            return TemplateResponse(request, "admin/escrow/withdrawal_retry.html", context)
        try:
            withdrawal_retry(actor=_staff(request), public_id=obj.public_id)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Queued to be sent again, with a new hold."))
        return HttpResponseRedirect(back)


@admin.register(WithdrawalPolicy)
class WithdrawalPolicyAdmin(admin.ModelAdmin[WithdrawalPolicy]):
    list_display = (
        "asset",
        "withdrawals_enabled",
        "auto_approve_up_to",
        "second_approval_above",
        "new_address_up_to",
    )
    list_editable = ("withdrawals_enabled",)
    formfield_overrides = AMOUNT_FORMFIELD_OVERRIDES


@admin.register(WithdrawalLimit)
class WithdrawalLimitAdmin(admin.ModelAdmin[WithdrawalLimit]):
    list_display = ("kyc_level", "asset", "per_day", "per_30_days")
    list_filter = ("kyc_level",)


@admin.register(WalletControl)
class WalletControlAdmin(admin.ModelAdmin[WalletControl]):
    """One switch: the changelist leads straight to it."""

    list_display = ("__str__", "message", "changed_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not WalletControl.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
