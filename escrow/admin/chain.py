"""Networks staff edit; deposit addresses and deposits staff read; and, on the simulated chain,
a form that sends crypto to a deposit address so a deposit can be watched end to end."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import AMOUNT_FORMFIELD_OVERRIDES, AmountFormField, ReadOnlyAdmin, crypto_cell

from ..models import Deposit, DepositAddress, Network
from ..services import LedgerError
from ..services.simulated_chain import simulate_deposit


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin[Network]):
    """Staff set each network's confirmations, bounds and fee, and pause it either way."""

    list_display = (
        "asset",
        "name",
        "code",
        "confirmations",
        "deposits_enabled",
        "withdrawals_enabled",
    )
    list_editable = ("deposits_enabled", "withdrawals_enabled")
    list_filter = ("asset", "deposits_enabled", "withdrawals_enabled")
    list_select_related = ("asset",)
    formfield_overrides = AMOUNT_FORMFIELD_OVERRIDES

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # addresses were issued and checked for this asset and chain: keep them fixed
        return ("asset", "code") if obj else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DepositAddress)
class DepositAddressAdmin(ReadOnlyAdmin[DepositAddress]):
    list_display = ("address", "network", "user", "provider", "created_at")
    list_select_related = ("network__asset", "user")
    search_fields = ("address", "user__email")
    list_filter = ("network",)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.simulate_view)
        own = [path("<int:pk>/simulate/", view, name="escrow_depositaddress_simulate")]
        return own + super().get_urls()

    @admin.display(description=gettext_lazy("Simulated chain"))
    def simulate_link(self, obj: DepositAddress) -> str:
        url = reverse("admin:escrow_depositaddress_simulate", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Send a test deposit"))

    def simulate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if settings.CUSTODY_PROVIDER != "simulated" or not request.user.is_staff:
            raise PermissionDenied
        address = get_object_or_404(DepositAddress.objects.select_related("network__asset"), pk=pk)
        form = SimulateDepositForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                simulate_deposit(
                    actor=request.user,
                    address_id=address.pk,
                    amount=form.cleaned_data["amount"],
                )
            except LedgerError as error:
                form.add_error("amount", error.message)
            else:
                self.message_user(
                    request,
                    _("Sent on the simulated chain; it is credited after %(n)s confirmations.")
                    % {"n": address.network.confirmations},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:escrow_deposit_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Send a test deposit"),
            "address": address,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/escrow/simulate_deposit.html", context)


class SimulateDepositForm(forms.Form):
    amount = AmountFormField(label=gettext_lazy("Amount"))


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdmin[Deposit]):
    list_display = ("txid", "network", "user", "amount_cell", "confirmations", "status")
    list_select_related = ("network__asset", "address__user")
    list_filter = ("status", "network")
    search_fields = ("txid", "address__address", "address__user__email")

    @admin.display(description=gettext_lazy("User"))
    def user(self, obj: Deposit) -> Any:
        return obj.address.user

    @admin.display(description=gettext_lazy("Amount"))
    def amount_cell(self, obj: Deposit) -> Any:
        return crypto_cell(obj.amount, obj.network.asset)
