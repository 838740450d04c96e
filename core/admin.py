from django.contrib import admin

from .models import FiatCurrency


@admin.register(FiatCurrency)
class FiatCurrencyAdmin(admin.ModelAdmin[FiatCurrency]):
    list_display = ("code", "name", "symbol", "minor_units", "enabled")
    list_editable = ("enabled",)
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
