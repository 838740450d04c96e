"""Restrictions in force (other apps ask `active_restriction` before they let a user act), and
what the security page shows: second factors, fund password, restrictions, sessions, login
history and the security record. Every read is scoped to the one user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ..models import FundPassword, LoginRecord, Restriction, SecurityEvent, User
from ..models.security import RestrictionKind, SecurityEventKind
from .restriction_text import moment_text, restriction_summary

HISTORY_ROWS = 20


def active_restrictions(*, user: User) -> QuerySet[Restriction]:
    now = timezone.now()
    return Restriction.objects.filter(
        Q(until__isnull=True) | Q(until__gt=now),
        user=user,
        lifted_at__isnull=True,
        starts_at__lte=now,
    ).order_by("until")


def active_restriction(*, user: User, kind: RestrictionKind) -> Restriction | None:
    """The restriction of `kind` that blocks `user` longest, if any. A TRADE restriction also
    blocks selling, since a sell order is an order."""
    kinds = [kind, RestrictionKind.TRADE] if kind == RestrictionKind.SELL else [kind]
    found = list(active_restrictions(user=user).filter(kind__in=kinds))
    if not found:
        return None
    indefinite = [r for r in found if r.until is None]
    return indefinite[0] if indefinite else max(found, key=lambda r: r.until or timezone.now())


@dataclass
class SecurityOverview:
    totp: bool
    recovery_codes: bool
    passkeys: int
    fund_password_set: bool
    fund_password_locked_until: datetime | None
    restrictions: list[Restriction]
    sessions: list[UserSession]
    current_session_key: str | None
    logins: list[LoginRecord] = field(default_factory=list)
    events: list[SecurityEvent] = field(default_factory=list)

    @property
    def mfa_enabled(self) -> bool:
        return self.totp or self.passkeys > 0

    # read when the page renders, so in the viewer's language and time zone
    def restriction_lines(self) -> list[str]:
        return restriction_summary(self.restrictions)

    def fund_password_locked_text(self) -> str:
        locked = self.fund_password_locked_until
        return moment_text(locked) if locked else ""


def security_overview(*, request: HttpRequest, user: User) -> SecurityOverview:
    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    passkeys = Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).count()
    fund = FundPassword.objects.filter(user=user).first()
    sessions = sorted(
        UserSession.objects.purge_and_list(user), key=lambda s: s.last_seen_at, reverse=True
    )
    return SecurityOverview(
        totp=Authenticator.Type.TOTP in kinds,
        recovery_codes=Authenticator.Type.RECOVERY_CODES in kinds,
        passkeys=passkeys,
        fund_password_set=fund is not None,
        fund_password_locked_until=fund.locked_until if fund else None,
        restrictions=list(active_restrictions(user=user)),
        sessions=sessions,
        current_session_key=request.session.session_key,
        logins=list(LoginRecord.objects.filter(user=user)[:HISTORY_ROWS]),
        events=list(SecurityEvent.objects.filter(user=user)[:HISTORY_ROWS]),
    )


def user_has_mfa(*, user: User) -> bool:
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


# What makes an account safer is no reason to look twice at a withdrawal.
NOT_A_RISK = (SecurityEventKind.FUND_PASSWORD_SET, SecurityEventKind.MFA_ADDED)


def security_events_since(*, user: User, hours: int) -> QuerySet[SecurityEvent]:
    """The user's security record of the last `hours`, newest first (the review queue shows
    these)."""
    since = timezone.now() - timedelta(hours=hours)
    return SecurityEvent.objects.filter(user=user, at__gt=since).order_by("-at")


def security_changes_since(*, user: User, hours: int) -> QuerySet[SecurityEvent]:
    """Changes within `hours` that a thief would make (a password reset, 2FA removed, a new
    email): a withdrawal after one waits for a reviewer."""
    return security_events_since(user=user, hours=hours).exclude(kind__in=NOT_A_RISK)
