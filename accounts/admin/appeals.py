"""Appeals against restrictions, read-only: staff answer them from the person's case."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from ..models import RestrictionAppeal


@admin.register(RestrictionAppeal)
class RestrictionAppealAdmin(ReadOnlyAdmin[RestrictionAppeal]):
    list_display = ["id", "user", "restriction", "status", "created_at", "answered_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "text"]
    list_select_related = ["user", "restriction"]
