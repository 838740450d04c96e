from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person on the platform. Email is the login; the username is an internal handle."""

    email = models.EmailField("email address", unique=True)

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.email or self.username
