"""Fund passwords in the admin: read-only records (the hash is never shown); the one staff write
is the "Unlock" action, which calls services.fund_password.fund_password_unlock."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from core.admin import ReadOnlyAdmin

from ..models import FundPassword, FundPasswordAttempt, User
from ..services.fund_password import FundPasswordError, fund_password_unlock


@admin.register(FundPasswordAttempt)
class FundPasswordAttemptAdmin(ReadOnlyAdmin):
    list_display = ("user", "at", "success", "purpose", "ip")
    list_filter = ("success", "purpose")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    date_hierarchy = "at"
    readonly_fields = ("user", "at", "success", "purpose", "ip")


@admin.register(FundPassword)
class FundPasswordAdmin(ReadOnlyAdmin):
    list_display = ("user", "set_at", "failed_attempts", "locked_until")
    list_filter = (("locked_until", admin.EmptyFieldListFilter),)
    search_fields = ("user__email",)
    list_select_related = ("user",)
    exclude = ("password_hash",)
    readonly_fields = ("user", "set_at", "failed_attempts", "locked_until")
    actions = ("unlock",)

    def has_unlock_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_staff) and request.user.has_perm("accounts.change_fundpassword")

    @admin.action(
        description=gettext_lazy("Unlock (clear the lock and the count of wrong tries)"),
        permissions=["unlock"],
    )
    def unlock(self, request: HttpRequest, queryset: QuerySet[FundPassword]) -> None:
        staff = request.user
        assert isinstance(staff, User)
        done = 0
        for row in queryset.select_related("user"):
            try:
                fund_password_unlock(user=row.user, actor=staff)
            except FundPasswordError as error:
                self.message_user(request, f"{row.user}: {error.message}", messages.ERROR)
                continue
            self.log_change(request, row, "Unlocked the fund password.")
            done += 1
        if done:
            self.message_user(
                request,
                ngettext("Unlocked %(n)s fund password.", "Unlocked %(n)s fund passwords.", done)
                % {"n": done},
                messages.SUCCESS,
            )
