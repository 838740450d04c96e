"""Cases in the admin: read-only, each linking to its page in the console, where staff work it
through the services."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import Case


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin[Case]):
    list_display = ["id", "user", "status", "priority", "assignee", "due_at", "console"]
    list_filter = ["status", "priority", "resolution"]
    search_fields = ["user__email"]
    list_select_related = ["user", "assignee"]

    @admin.display(description=_("Console"))
    def console(self, case: Case) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>', reverse("console:case", args=[case.pk]), _("Open")
        )
