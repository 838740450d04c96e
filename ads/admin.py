"""Staff screens: ads are looked at, never edited (their status and quantities move the ledger,
so they change only through `ads.services`). Price indexes are edited in escrow's admin."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Ad


@admin.register(Ad)
class AdAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "merchant",
        "side",
        "asset",
        "fiat",
        "price_type",
        "fixed_price",
        "margin_percent",
        "remaining_quantity",
        "min_order_fiat",
        "max_order_fiat",
        "status",
        "created_at",
    )
    list_filter = ("status", "side", "asset", "fiat", "price_type")
    search_fields = ("public_id", "merchant__display_name")
    list_select_related = ("merchant", "asset", "fiat")
