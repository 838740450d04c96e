"""The blacklist's one question, asked where an address is added and a withdrawal requested:
is this value on it? The person is told it is refused, never which list or why."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError

from .models import BlacklistEntry, BlacklistKind


class Blacklisted(DomainError):
    code = "blacklisted"


def normalise(kind: str, value: str) -> str:
    """One spelling per value. Addresses: trimmed; hexadecimal (EVM) addresses are
    case-insensitive, others (base58, bech32 in mixed case) are kept as they are."""
    value = value.strip()
    if kind == BlacklistKind.CRYPTO_ADDRESS and value.lower().startswith("0x"):
        return value.lower()
    return value


def listed(*, kind: str, value: str) -> BlacklistEntry | None:
    """The entry in force for `value`, if any."""
    return (
        BlacklistEntry.objects.filter(kind=kind, value=normalise(kind, value))
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=Now()))
        .first()
    )


def require_address_not_listed(address: str) -> None:
    if listed(kind=BlacklistKind.CRYPTO_ADDRESS, value=address) is not None:
        raise Blacklisted(_("This address cannot be used on the platform."))


def blacklist_add(
    *,
    actor: User,
    kind: str,
    value: str,
    reason: str,
    source: str,
    expires_at: datetime | None = None,
) -> BlacklistEntry:
    """Put `value` on the blacklist (spelled as `normalise` spells it). Staff with the
    blacklist permission only; a value already listed is refused. Not durable: the case
    console records the action in the same transaction."""
    if not (actor.is_active and actor.is_staff and actor.has_perm("risk.add_blacklistentry")):
        raise PermissionDenied(_("Only staff who keep the blacklist may add to it."))
    if kind not in BlacklistKind.values:
        raise ValidationError(_("Choose what kind of value this is."))
    value = normalise(kind, value or "")
    reason, source = (reason or "").strip(), (source or "").strip()
    if not value:
        raise ValidationError(_("Give the value to list."))
    if not reason:
        raise ValidationError(_("Give the reason."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("An expiry must be in the future."))
    with transaction.atomic(savepoint=False):
        if BlacklistEntry.objects.filter(kind=kind, value=value).exists():
            raise ValidationError(_("This value is on the blacklist already."))
        return BlacklistEntry.objects.create(
            kind=kind,
            value=value,
            reason=reason[:300],
            source=source[:120],
            expires_at=expires_at,
            created_by=actor,
        )
