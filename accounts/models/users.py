from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person on the platform. Email is the login; the nickname is the public name."""

    email = models.EmailField(_("email address"), unique=True)
    nickname = models.CharField(
        max_length=24,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Public name shown on ads, orders and the profile page."),
    )
    nickname_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What mail, notifications and pages use for this person; blank: the browser's language
    # and the platform's time zone (UTC).
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, default="")

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.email or self.username

    @property
    def public_name(self) -> str:
        return self.nickname or f"user-{self.pk}"


class Block(models.Model):
    """`blocker` does not trade with `blocked`: neither may open an order on the other's ads."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="accounts_block_once"),
            models.CheckConstraint(
                condition=~Q(blocker=F("blocked")), name="accounts_block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker} blocks {self.blocked}"
