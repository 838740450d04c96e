"""Staff set each person's risk level and, per level, the T+N withdrawal lock on crypto bought
in P2P orders. A level change names who made it and why."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import User

from .models import UserRiskLevel, WithdrawalLockPolicy


@admin.register(WithdrawalLockPolicy)
class WithdrawalLockPolicyAdmin(admin.ModelAdmin[WithdrawalLockPolicy]):
    """Per risk level: days before bought crypto may be withdrawn. A level without a row uses
    the setting WITHDRAWAL_LOCK_DAYS (1 day unless the deployment says otherwise)."""

    list_display = ("level", "days")
    fields = ("level", "days")


@admin.register(UserRiskLevel)
class UserRiskLevelAdmin(admin.ModelAdmin[UserRiskLevel]):
    """People whose level staff set; everyone else is at the normal level."""

    list_display = ("user", "level", "set_by", "set_at")
    list_filter = ("level",)
    search_fields = ("user__email", "user__nickname")
    list_select_related = ("user", "set_by")
    autocomplete_fields = ("user",)
    fields = ("user", "level", "reason", "set_by", "set_at")
    readonly_fields = ("set_by", "set_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # a level belongs to one person: change it, never move it to someone else
        fixed = ("user",) if obj is not None else ()
        return (*fixed, *self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: UserRiskLevel, form: Any, change: bool) -> None:
        actor = request.user
        obj.set_by = actor if isinstance(actor, User) else None
        super().save_model(request, obj, form, change)
