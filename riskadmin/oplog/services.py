"""Writing staff actions: the recorder behind core.staff_actions, for every app."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from accounts.services.security import client_ip

from .records import StaffAction


def staff_action_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> StaffAction:
    """One insert: inside a caller's transaction it stands or falls with what it records."""
    return StaffAction.objects.create(
        actor=actor,
        action=action,
        target_model=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        reason=reason,
        ip=client_ip(request),
        path=request.path[:500] if request is not None else "",
    )


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None,
    reason: str,
    request: HttpRequest | None,
) -> None:
    staff_action_record(actor=actor, action=action, target=target, reason=reason, request=request)
