"""Orders for staff: read-only records, and the review of orders held by the risk rule."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.admin import ReadOnlyAdmin

from . import services
from .models import Order, OrderEvent


class OrderEventInline(admin.TabularInline[OrderEvent, Order]):
    model = OrderEvent
    fields = ("at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PaymentCheckFilter(admin.SimpleListFilter):
    title = gettext_lazy("payment being checked")
    parameter_name = "payment_check"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", gettext_lazy("Payment being checked")), ("no", gettext_lazy("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        if self.value() == "yes":
            return queryset.exclude(payment_check="")
        if self.value() == "no":
            return queryset.filter(payment_check="")
        return queryset


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "created_at",
        "status",
        "asset",
        "amount",
        "fiat",
        "fiat_total",
        "buyer",
        "seller",
        "review_reason",
        "payment_being_checked",
    )
    list_filter = ("status", PaymentCheckFilter, "asset", "fiat")
    search_fields = ("public_id", "buyer__email", "seller__email")
    list_select_related = ("asset", "fiat", "buyer", "seller")
    date_hierarchy = "created_at"
    inlines = [OrderEventInline]
    actions = ["approve_held", "reject_held", "confirm_payment"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("Payment being checked"), boolean=True)
    def payment_being_checked(self, obj: Order) -> bool:
        return bool(obj.payment_check)

    def has_review_held_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("orders.review_held_order")

    def _each(self, request: HttpRequest, queryset: QuerySet[Order], approve: bool) -> None:
        assert isinstance(request.user, User)
        done = 0
        for order in queryset:
            try:
                if approve:
                    services.order_review_approve(actor=request.user, public_id=order.public_id)
                else:
                    services.order_review_reject(
                        actor=request.user, public_id=order.public_id, reason=_("Risk review")
                    )
            except services.OrderError as error:
                messages.error(request, f"{order.public_id}: {error.message}")
            else:
                done += 1
        if done:
            text = (
                _("%(n)s held order(s) approved.")
                if approve
                else _("%(n)s held order(s) rejected.")
            )
            messages.success(request, text % {"n": done})

    @admin.action(
        description=gettext_lazy("Approve held orders (freeze the escrow)"),
        permissions=["review_held"],
    )
    def approve_held(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(request, queryset, approve=True)

    @admin.action(description=gettext_lazy("Reject held orders"), permissions=["review_held"])
    def reject_held(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(request, queryset, approve=False)

    @admin.action(
        description=gettext_lazy("Payment confirmed: tell the seller they may release"),
        permissions=["review_held"],
    )
    def confirm_payment(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        assert isinstance(request.user, User)
        done = 0
        for order in queryset:
            try:
                services.order_payment_check_clear(actor=request.user, public_id=order.public_id)
            except services.OrderError as error:
                messages.error(request, f"{order.public_id}: {error.message}")
            else:
                done += 1
        if done:
            messages.success(request, _("%(n)s payment(s) confirmed.") % {"n": done})
