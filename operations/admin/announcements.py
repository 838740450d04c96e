"""Staff write announcements here: the form checks the audience and dates with messages, the
preview shows the body as users will see it, and the save goes through the service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from ..announcements.models import Announcement
from ..announcements.services import announcement_check, announcement_save
from ..announcements.text import render_body

EDITABLE = [
    "title",
    "body",
    "starts_at",
    "ends_at",
    "audience",
    "audience_value",
    "placement",
    "dismissible",
    "important",
]


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = EDITABLE

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        candidate = Announcement(**{name: data.get(name) for name in EDITABLE})
        candidate.audience_value = candidate.audience_value or ""
        try:
            announcement_check(candidate)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    form = AnnouncementForm
    list_display = ("title", "starts_at", "ends_at", "audience", "placement", "important", "state")
    list_filter = ("audience", "placement", "important")
    search_fields = ("title", "body")
    readonly_fields = ("preview", "notified_at", "created_by", "created_at")
    fieldsets = (
        (None, {"fields": ("title", "body", "preview")}),
        (gettext_lazy("When"), {"fields": ("starts_at", "ends_at")}),
        (
            gettext_lazy("Who and where"),
            {"fields": ("audience", "audience_value", "placement", "dismissible", "important")},
        ),
        (gettext_lazy("Record"), {"fields": ("notified_at", "created_by", "created_at")}),
    )

    @admin.display(description=gettext_lazy("As users see it"))
    def preview(self, announcement: Announcement) -> SafeString:
        return render_body(announcement.body)

    @admin.display(description=gettext_lazy("State"))
    def state(self, announcement: Announcement) -> str:
        now = timezone.now()
        if announcement.starts_at > now:
            return str(gettext_lazy("Scheduled"))
        if announcement.ends_at and announcement.ends_at <= now:
            return str(gettext_lazy("Ended"))
        return str(gettext_lazy("Showing"))

    def save_model(self, request: HttpRequest, obj: Announcement, form: Any, change: bool) -> None:
        announcement_save(actor=request.user, announcement=obj)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # end an announcement instead: what users were told stays on record
