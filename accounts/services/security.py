"""The security record, restrictions, and the cool-down after sensitive changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.config import config_value
from core.errors import DomainError
from core.locks import LockKind, lock_one

from ..devices import device_id_from
from ..models import LoginRecord, Restriction, SecurityEvent, User
from ..models.security import RestrictionKind, RestrictionSource, SecurityEventKind
from .activity import close_user_sockets

# What a cool-down blocks: new selling and withdrawals. Releasing crypto on an order already
# paid stays possible, so a buyer is never hurt by the seller's password change.
COOLDOWN_KINDS = (RestrictionKind.SELL, RestrictionKind.WITHDRAW)

# Changes after which the account cools down.
COOLING_EVENTS = {
    SecurityEventKind.PASSWORD_CHANGED,
    SecurityEventKind.PASSWORD_RESET,
    SecurityEventKind.EMAIL_CHANGED,
    SecurityEventKind.MFA_REMOVED,
    SecurityEventKind.FUND_PASSWORD_RESET,
}


class RestrictionError(DomainError):
    code = "restriction"


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # allauth's adapter honours ALLAUTH_TRUSTED_PROXY_COUNT behind a proxy
    from allauth.account.adapter import get_adapter

    ip = get_adapter().get_client_ip(request)
    return str(ip) if ip else None


def _agent(request: HttpRequest | None) -> str:
    return (request.META.get("HTTP_USER_AGENT", "") if request else "")[:300]


def record_event(
    *, user: User, kind: str, request: HttpRequest | None = None, detail: str = ""
) -> SecurityEvent:
    """Write the event to the account's record; a cooling change also starts the cool-down."""
    with transaction.atomic(savepoint=False):  # part of the change it records
        event = SecurityEvent.objects.create(
            user=user,
            kind=kind,
            ip=client_ip(request),
            user_agent=_agent(request),
            detail=detail[:300],
        )
        if kind in COOLING_EVENTS:
            start_cooldown(user=user, cause=str(SecurityEventKind(kind).label))
    return event


def start_cooldown(*, user: User, cause: str) -> list[Restriction]:
    hours = config_value("SECURITY_COOLDOWN_HOURS")
    if hours <= 0:
        return []
    until = timezone.now() + timedelta(hours=hours)
    reason = _("Security cool-down for %(hours)d hours after: %(cause)s.") % {
        "hours": hours,
        "cause": cause.lower(),
    }
    restrictions = [
        Restriction.objects.create(
            user=user, kind=kind, source=RestrictionSource.COOLDOWN, reason=reason, until=until
        )
        for kind in COOLDOWN_KINDS
    ]
    SecurityEvent.objects.create(user=user, kind=SecurityEventKind.COOLDOWN_STARTED, detail=reason)
    return restrictions


def validate_restriction(*, kind: str, reason: str, until: datetime | None) -> None:
    """Refuse a restriction that may not be set. `kind` may be raw input (the admin form's):
    anything but a RestrictionKind value is refused."""
    if kind not in RestrictionKind.values:
        raise RestrictionError(_("Unknown restriction kind %(kind)r.") % {"kind": kind})
    if not (reason or "").strip():
        raise RestrictionError(_("Give the reason the user will see."))
    if until is not None and until <= timezone.now():
        raise RestrictionError(_("The end of a restriction must be in the future."))


def restrict(
    *,
    user: User,
    kind: RestrictionKind,
    reason: str,
    until: datetime | None = None,
    actor: User | None = None,
    source: str = RestrictionSource.STAFF,
) -> Restriction:
    """Block `user` from one kind of action. Staff restrictions need a reason the user sees."""
    validate_restriction(kind=kind, reason=reason, until=until)
    if actor is not None and not actor.is_staff:
        raise RestrictionError(_("Only staff may restrict accounts."))
    return Restriction.objects.create(
        user=user, kind=kind, reason=reason.strip(), until=until, created_by=actor, source=source
    )


def lift(*, restriction: Restriction, actor: User) -> Restriction:
    if not actor.is_staff:
        raise RestrictionError(_("Only staff may lift restrictions."))
    with transaction.atomic(durable=True):
        locked = lock_one(LockKind.USER_RECORD, Restriction.objects.filter(pk=restriction.pk))
        assert locked is not None
        if locked.lifted_at is None:
            locked.lifted_at, locked.lifted_by = timezone.now(), actor
            locked.save(update_fields=["lifted_at", "lifted_by"])
    return locked


def record_login(
    *, request: HttpRequest | None, user: User | None, email: str, success: bool
) -> LoginRecord:
    return LoginRecord.objects.create(
        user=user,
        email_tried=email[:254],
        ip=client_ip(request),
        user_agent=_agent(request),
        device_id=device_id_from(request),
        success=success,
    )


def end_other_sessions(*, request: HttpRequest, actor: User) -> None:
    """Sign the user out everywhere but this browser."""
    from allauth.usersessions.internal.flows.sessions import end_other_sessions as end_others

    end_others(request, actor)
    record_event(user=actor, kind=SecurityEventKind.SESSION_REVOKED, request=request)
    # the ended sessions' open pages lose their sockets; this browser's pages reconnect
    close_user_sockets(user=actor, reason="sessions_ended")
