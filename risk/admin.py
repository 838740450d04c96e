"""Staff keep the blacklist here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from .blacklist import normalise
from .models import BlacklistEntry


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(admin.ModelAdmin[BlacklistEntry]):
    list_display = ["kind", "value", "reason", "source", "expires_at", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "reason", "source"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(
        self, request: HttpRequest, obj: BlacklistEntry, form: ModelForm[Any], change: bool
    ) -> None:
        obj.value = normalise(obj.kind, obj.value)
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
