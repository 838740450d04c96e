"""The platform's reference data in the admin, and what every app's staff screens share."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import FiatCurrency

_M = TypeVar("_M", bound=Model)


class ReadOnlyAdmin(admin.ModelAdmin[_M]):
    """Records the system writes (ledger, security record, reviewed submissions, merchants,
    disputes): staff may look, and act only through the services, never edit."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FiatCurrency)
class FiatCurrencyAdmin(admin.ModelAdmin[FiatCurrency]):
    list_display = ("code", "name", "symbol", "minor_units", "enabled")
    list_editable = ("enabled",)
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
