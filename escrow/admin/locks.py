"""Withdrawal locks for staff, read-only: who may not withdraw how much of what until when,
and the transfer each rests on. A lock ends by its time passing, never by an edit."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from core.admin import ReadOnlyAdmin

from ..models import WithdrawalLock


class StillLocked(admin.SimpleListFilter):
    title = gettext_lazy("still locked")
    parameter_name = "running"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", str(gettext_lazy("Yes"))), ("no", str(gettext_lazy("No")))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[WithdrawalLock]
    ) -> QuerySet[WithdrawalLock]:
        if self.value() == "yes":
            return queryset.filter(unlocks_at__gt=Now())
        if self.value() == "no":
            return queryset.filter(unlocks_at__lte=Now())
        return queryset


@admin.register(WithdrawalLock)
class WithdrawalLockAdmin(ReadOnlyAdmin[WithdrawalLock]):
    list_display = ("id", "owner", "amount", "unlocks_at", "ref", "transfer")
    list_filter = (StillLocked, "asset")
    search_fields = ("owner__email", "owner__username", "ref")
    list_select_related = ("owner", "asset", "transfer")
    date_hierarchy = "unlocks_at"
    fields = ("owner", "amount", "unlocks_at", "ref", "transfer", "created_at")
    readonly_fields = fields
