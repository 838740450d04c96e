"""The blacklist's one question, asked where an address is added and a withdrawal requested:
is this value on it? The person is told it is refused, never which list or why."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext as _

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
