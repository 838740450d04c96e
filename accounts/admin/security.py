"""Restrictions (staff create and lift them), and the read-only security record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from core.admin import ReadOnlyAdmin

from ..models import LoginRecord, Restriction, SecurityEvent, User
from ..models.security import RestrictionKind
from ..services import security as security_services


class RestrictionForm(forms.ModelForm[Restriction]):
    class Meta:
        model = Restriction
        fields = ["user", "kind", "reason", "until"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        user, kind = cleaned.get("user"), cleaned.get("kind")
        reason, until = cleaned.get("reason", ""), cleaned.get("until")
        if user is not None and kind:
            try:
                # validate through the service's own rules without writing yet
                security_services.validate_restriction(kind=kind, reason=reason, until=until)
            except security_services.RestrictionError as error:
                raise forms.ValidationError(error.message) from error
        return cleaned


@admin.register(Restriction)
class RestrictionAdmin(admin.ModelAdmin[Restriction]):
    form = RestrictionForm
    list_display = ("user", "kind", "source", "starts_at", "until", "lifted_at", "created_by")
    list_filter = ("kind", "source", ("lifted_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "reason")
    autocomplete_fields = ("user",)
    actions = ["lift_selected"]
    list_select_related = ("user", "created_by")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return (
            "user",
            "kind",
            "source",
            "reason",
            "starts_at",
            "until",
            "created_by",
            "lifted_at",
            "lifted_by",
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # lifting keeps the record

    def save_model(self, request: HttpRequest, obj: Restriction, form: Any, change: bool) -> None:
        if change:
            return
        assert isinstance(request.user, User)
        created = security_services.restrict(
            user=obj.user,
            kind=RestrictionKind(obj.kind),
            reason=obj.reason,
            until=obj.until,
            actor=request.user,
        )
        obj.pk = created.pk

    @admin.action(description=gettext_lazy("Lift the selected restrictions"))
    def lift_selected(self, request: HttpRequest, queryset: QuerySet[Restriction]) -> None:
        assert isinstance(request.user, User)
        for restriction in queryset:
            security_services.lift(restriction=restriction, actor=request.user)
        count = queryset.count()
        messages.success(
            request,
            ngettext("Lifted %(n)s restriction.", "Lifted %(n)s restrictions.", count)
            % {"n": count},
        )


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "kind", "ip", "detail")
    list_filter = ("kind",)
    search_fields = ("user__email", "ip")
    list_select_related = ("user",)


@admin.register(LoginRecord)
class LoginRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "email_tried", "user", "success", "ip", "device_id", "user_agent")
    list_filter = ("success",)
    # a device id or an IP finds every account that logged in from it
    search_fields = ("email_tried", "ip", "device_id")
    list_select_related = ("user",)
