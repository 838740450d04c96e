"""The program's requirements (one row, edited in place) and its tiers with their limits per
fiat currency."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.admin import AMOUNT_FORMFIELD_OVERRIDES, crypto_cell

from ..models import MerchantProgram, MerchantTier, TierLimit
from .common import badge


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
    formfield_overrides = AMOUNT_FORMFIELD_OVERRIDES


@admin.register(MerchantTier)
class MerchantTierAdmin(admin.ModelAdmin[MerchantTier]):
    list_display = ("name", "code", "badge", "collateral", "sort_order", "enabled")
    list_editable = ("sort_order", "enabled")
    list_select_related = ("collateral_asset",)
    prepopulated_fields = {"code": ("name",)}
    inlines = [TierLimitInline]
    formfield_overrides = AMOUNT_FORMFIELD_OVERRIDES

    @admin.display(description=gettext_lazy("badge"))
    def badge(self, tier: MerchantTier) -> str:
        return badge(tier.badge_label, tier.badge_color)

    @admin.display(description=gettext_lazy("collateral"))
    def collateral(self, tier: MerchantTier) -> str:
        return crypto_cell(tier.collateral_amount, tier.collateral_asset)
