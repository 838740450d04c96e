"""An announcement and who has dismissed it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    MERCHANTS = "merchants", _("Merchants")
    LANGUAGE = "language", _("People using one language")
    COUNTRY = "country", _("People verified in one country")


class Placement(models.TextChoices):
    BANNER = "banner", _("Banner on every page, and the list")
    LIST = "list", _("The announcements list only")


class Announcement(models.Model):
    """Shown from `starts_at` until `ends_at` (or until staff end it) to its audience. An
    important one also reaches each person in the audience as a notification once it starts."""

    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("Markdown: **bold**, *italic*, lists and links. HTML is shown as text."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.EVERYONE
    )
    audience_value = models.CharField(
        _("language or country"),
        max_length=10,
        blank=True,
        help_text=_("A language code (en, zh-hans, zh-hant) or a two-letter country code."),
        validators=[RegexValidator(r"^[A-Za-z-]*$", _("Letters and dashes only."))],
    )
    placement = models.CharField(
        _("placement"), max_length=10, choices=Placement.choices, default=Placement.BANNER
    )
    dismissible = models.BooleanField(_("people may dismiss it"), default=True)
    important = models.BooleanField(
        _("important"), default=False, help_text=_("Also sent as a notification when it starts.")
    )
    notified_at = models.DateTimeField(_("notifications sent"), null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written at"), db_default=Now(), editable=False)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="ops_announce_window")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="ops_announcement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(audience__in=["everyone", "merchants"], audience_value="")
                | (Q(audience__in=["language", "country"]) & ~Q(audience_value="")),
                name="ops_announcement_audience_value",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AnnouncementDismissal(models.Model):
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="dismissals"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "user"], name="ops_dismissed_once")
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id} dismissed by {self.user_id}"
