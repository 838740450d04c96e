"""Staff screens: assets are editable; accounts, entries and transfers are read-only records.

Balances change only through the ledger services; the one staff write is the adjustment form
on an account, which calls `services.adjustment_request` (reason required, recorded with who
and when): within the asset's adjustment threshold it posts at once, above it (or with no
threshold) it becomes a proposal another staff member approves (four eyes, core/four_eyes.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import AmountFormField, ReadOnlyAdmin, crypto_cell
from core.review_admin import ProposalAdmin

from .. import services
from ..models import AdjustmentProposal, AdjustmentThreshold, Asset, LedgerAccount
from ..models.transfers import Entry, Transfer


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin[Asset]):
    list_display = ("symbol", "name", "precision", "enabled")
    list_editable = ("enabled",)
    search_fields = ("symbol", "name")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Amounts already stored were validated against this precision: keep it fixed.
        return ("symbol", "precision") if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AdjustmentForm(forms.Form):
    amount = AmountFormField(
        label=gettext_lazy("Amount"),
        help_text=gettext_lazy("Positive credits the account, negative debits it."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), min_length=10
    )
    request_key = forms.CharField(widget=forms.HiddenInput)


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    # five narrow columns: a 1366 px screen shows them beside the filters, amounts unwrapped
    list_display = ("id", "owner_name", "kind", "shown_balance", "shown_frozen")
    list_filter = ("asset", "kind")
    search_fields = ("owner__email", "owner__username")
    list_select_related = ("owner", "asset")
    readonly_fields = (
        "owner",
        "asset",
        "kind",
        "posted_debits",
        "posted_credits",
        "pending_debits",
        "pending_credits",
        "created_at",
        "adjust_link",
    )

    @admin.display(description=gettext_lazy("balance"))
    def shown_balance(self, account: LedgerAccount) -> str:
        return crypto_cell(account.balance, account.asset)

    @admin.display(description=gettext_lazy("owner"), ordering="owner__username")
    def owner_name(self, account: LedgerAccount) -> str:
        # the username, not the (long) email: the amounts keep their room on a laptop screen
        return account.owner.username if account.owner else _("platform")

    @admin.display(description=gettext_lazy("frozen"))
    def shown_frozen(self, account: LedgerAccount) -> str:
        return crypto_cell(account.pending_debits, account.asset)

    @admin.display(description=gettext_lazy("correction"))
    def adjust_link(self, account: LedgerAccount) -> str:
        url = reverse("admin:escrow_ledgeraccount_adjust", args=[account.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Adjust balance…"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "<int:account_id>/adjust/",
                self.admin_site.admin_view(self.adjust_view),
                name="escrow_ledgeraccount_adjust",
            )
        ]
        return custom + super().get_urls()

    def adjust_view(self, request: HttpRequest, account_id: int) -> HttpResponse:
        if not request.user.has_perm("escrow.adjust_balance"):
            raise PermissionDenied
        account = get_object_or_404(LedgerAccount.objects.select_related("asset"), pk=account_id)
        form = AdjustmentForm(request.POST or None, initial={"request_key": uuid.uuid4().hex})
        if request.method == "POST" and form.is_valid():
            try:
                done = services.adjustment_request(
                    actor=request.user,  # type: ignore[arg-type]
                    account=account,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    request_key=form.cleaned_data["request_key"],
                )
            except services.LedgerError as error:
                form.add_error(None, error.message)
            else:
                if isinstance(done, AdjustmentProposal):
                    messages.warning(
                        request,
                        _(
                            "The adjustment of %(account)s waits for another staff member's "
                            "approval."
                        )
                        % {"account": account},
                    )
                    return HttpResponseRedirect(
                        reverse("admin:escrow_adjustmentproposal_change", args=[done.pk])
                    )
                messages.success(request, _("Adjusted %(account)s.") % {"account": account})
                return HttpResponseRedirect(
                    reverse("admin:escrow_ledgeraccount_change", args=[account.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Adjust %(account)s") % {"account": account},
            "account": account,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/escrow/adjust.html", context)


@admin.register(AdjustmentThreshold)
class AdjustmentThresholdAdmin(admin.ModelAdmin[AdjustmentThreshold]):
    list_display = ("asset", "amount")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # without a row every adjustment needs approval: lower it instead


@admin.register(AdjustmentProposal)
class AdjustmentProposalAdmin(ProposalAdmin[AdjustmentProposal]):
    approve_permission = services.adjustments.APPROVE
    list_display = ("id", "proposed_at", "account", "shown_amount", "proposed_by", "status")
    list_select_related = ("account__asset", "account__owner", "proposed_by")
    readonly_fields = (
        "account",
        "shown_amount",
        "reason",
        "status",
        "proposed_by",
        "proposed_at",
        "decided_by",
        "decided_at",
        "decision_reason",
        "transfer",
        "decide",
    )
    fields = readonly_fields

    @admin.display(description=gettext_lazy("amount"))
    def shown_amount(self, proposal: AdjustmentProposal) -> str:
        return crypto_cell(proposal.amount, proposal.account.asset)

    def summary_rows(self, obj: AdjustmentProposal) -> list[tuple[Any, Any]]:
        return [(gettext_lazy("account"), obj.account), (gettext_lazy("amount"), obj.amount)]

    def approve_object(self, request: HttpRequest, obj: AdjustmentProposal) -> None:
        services.adjustment_approve(actor=request.user, proposal_id=obj.pk)  # type: ignore[arg-type]

    def reject_object(self, request: HttpRequest, obj: AdjustmentProposal, reason: str) -> None:
        services.adjustment_reject(actor=request.user, proposal_id=obj.pk, reason=reason)  # type: ignore[arg-type]


class TransferInline(admin.TabularInline[Transfer, Entry]):
    model = Transfer
    fk_name = "entry"
    fields = ("id", "kind", "phase", "status", "debit_account", "credit_account", "shown_amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=gettext_lazy("amount"))
    def shown_amount(self, transfer: Transfer) -> str:
        return crypto_cell(transfer.amount, transfer.asset)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Transfer]:
        return (
            super()
            .get_queryset(request)
            .select_related("asset", "debit_account__owner", "debit_account__asset")
            .select_related("credit_account__owner", "credit_account__asset")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    # the idempotency key (long) is on the change page and searchable, not a column
    list_display = ("id", "action", "ref", "actor", "created_at")
    list_filter = ("action",)
    search_fields = ("ref", "idempotency_key", "reason")
    inlines = [TransferInline]
    list_select_related = ("actor",)


def _account_label(account: LedgerAccount) -> str:
    # the platform's kinds already say whose they are ("Platform fee income")
    if account.owner is None:
        return str(account.get_kind_display())
    return f"{account.owner.username} · {account.get_kind_display()}"


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    # Seven columns that fit a 1366 px screen beside the filters: the amount (with its symbol,
    # rounded to the asset's precision) comes first after the time, so it never scrolls away;
    # phase and status share one cell, the two accounts another.
    list_display = ("id", "when", "shown_amount", "kind", "shown_state", "movement", "ref")
    list_display_links = ("id", "when")
    list_filter = ("asset", "kind", "phase", "status")
    search_fields = ("ref",)
    date_hierarchy = "created_at"
    list_select_related = (
        "asset",
        "debit_account__owner",
        "debit_account__asset",
        "credit_account__owner",
        "credit_account__asset",
    )
    fields = (
        "id",
        "created_at",
        "resolved_at",
        "entry",
        "shown_amount",
        "kind",
        "phase",
        "status",
        "pending",
        "debit_account",
        "credit_account",
        "ref",
    )
    readonly_fields = fields

    @admin.display(description=gettext_lazy("amount"), ordering="amount")
    def shown_amount(self, transfer: Transfer) -> str:
        return crypto_cell(transfer.amount, transfer.asset)

    @admin.display(description=gettext_lazy("time"), ordering="created_at")
    def when(self, transfer: Transfer) -> str:
        # one short line, so the amount keeps its room on a laptop screen
        return f"{timezone.localtime(transfer.created_at):%Y-%m-%d %H:%M}"

    @admin.display(description=gettext_lazy("state"), ordering="status")
    def shown_state(self, transfer: Transfer) -> str:
        if transfer.phase == Transfer.Phase.SINGLE:
            return transfer.get_status_display()
        return f"{transfer.get_phase_display()} · {transfer.get_status_display()}"

    @admin.display(description=gettext_lazy("from → to"))
    def movement(self, transfer: Transfer) -> str:
        return format_html(
            "{}<br>→ {}",
            _account_label(transfer.debit_account),
            _account_label(transfer.credit_account),
        )
