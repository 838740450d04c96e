"""The blacklist's one question, asked where an address or a payment method is added, an order
placed and a withdrawal requested: is this value on it? The person is told it cannot be done,
never which list or why. Each kind has one spelling (`normalise`), so a match does not depend
on how the value was typed; `blacklist_add` is how other apps (a case in the console) list one.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.fingerprints import fingerprint_of, is_fingerprint
from accounts.models import User
from core.errors import DomainError

from .models import BlacklistEntry, BlacklistKind


class Blacklisted(DomainError):
    code = "blacklisted"


class BadBlacklistValue(DomainError):
    code = "blacklist_value"


_NAME_NOISE = re.compile(r"[^\w\s]", re.UNICODE)


def normalise_legal_name(value: str) -> str:
    """Case, accents, punctuation, spacing and the order of the names do not count:
    "CHAN, Tai Man" and "tai man chan" are one name."""
    text = unicodedata.normalize("NFKD", value or "")
    text = "".join(char for char in text if not unicodedata.combining(char))
    words = _NAME_NOISE.sub(" ", text).casefold().split()
    return " ".join(sorted(words))


def _payment_account(value: str) -> str:
    """A fingerprint as stored, or `<type code>:<account>` made into one."""
    text = value.strip()
    if is_fingerprint(text.lower()):
        return text.lower()
    code, colon, account = text.partition(":")
    code = code.strip().lower()
    if not colon or not code or not account.strip() or not re.match(r"^[a-z0-9_-]+$", code):
        raise BadBlacklistValue(
            _(
                "Give the payment type's code and the account, such as fps:91234567, or a "
                "payment fingerprint."
            ),
            field="value",
        )
    return fingerprint_of(code, account)


def _ip_range(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError as error:
        raise BadBlacklistValue(
            _("Give an IP address or a range such as 203.0.113.0/24."), field="value"
        ) from error


def normalise(kind: str, value: str) -> str:
    """One spelling per value, or BadBlacklistValue saying what is expected. Addresses:
    trimmed; hexadecimal (EVM) addresses are case-insensitive, others (base58, bech32 in mixed
    case) are kept as they are."""
    value = (value or "").strip()
    if kind == BlacklistKind.CRYPTO_ADDRESS:
        return value.lower() if value.lower().startswith("0x") else value
    if kind == BlacklistKind.PAYMENT_ACCOUNT:
        return _payment_account(value)
    if kind == BlacklistKind.IP_RANGE:
        return _ip_range(value)
    if kind == BlacklistKind.LEGAL_NAME:
        return normalise_legal_name(value)
    return value


def _in_force() -> QuerySet[BlacklistEntry]:
    return BlacklistEntry.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=Now()))


def listed(*, kind: str, value: str) -> BlacklistEntry | None:
    """The entry in force for `value`, if any (an IP: the range holding it)."""
    if kind == BlacklistKind.IP_RANGE:
        return _range_holding(value)
    try:
        spelled = normalise(kind, value)
    except BadBlacklistValue:
        return None
    if not spelled:
        return None
    return _in_force().filter(kind=kind, value=spelled).first()


def _range_holding(ip: str) -> BlacklistEntry | None:
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return None
    # ranges are few; matched here, since a cast to inet in SQL might meet other kinds' values
    for entry in _in_force().filter(kind=BlacklistKind.IP_RANGE).order_by("pk"):
        try:
            network = ipaddress.ip_network(entry.value, strict=False)
        except ValueError:
            continue
        if address.version == network.version and address in network:
            return entry
    return None


def first_listed(pairs: Iterable[tuple[str, str]]) -> BlacklistEntry | None:
    """The first entry in force among (kind, value) pairs, in two queries at most: the exact
    kinds together, then the IP ranges. Blank and unspellable values are skipped."""
    exact = Q(pk__in=[])
    ips: list[str] = []
    for kind, value in pairs:
        if not value:
            continue
        if kind == BlacklistKind.IP_RANGE:
            ips.append(value)
            continue
        try:
            spelled = normalise(kind, value)
        except BadBlacklistValue:
            continue
        if spelled:
            exact |= Q(kind=kind, value=spelled)
    found = _in_force().filter(exact).order_by("pk").first()
    if found is not None:
        return found
    for ip in ips:
        entry = _range_holding(ip)
        if entry is not None:
            return entry
    return None


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
    """List `value` as `kind`. Staff with the right to add entries only; the value is checked
    and spelled per kind. Joins the caller's transaction (a case's decision, an admin save)."""
    if not actor.has_perm("risk.add_blacklistentry"):
        raise BadBlacklistValue(_("You may not add blacklist entries."))
    if kind not in BlacklistKind.values:
        raise BadBlacklistValue(_("Choose what kind of value this is."), field="kind")
    spelled = normalise(kind, value)
    if not spelled:
        raise BadBlacklistValue(_("Give the value to list."), field="value")
    if not (reason or "").strip():
        raise BadBlacklistValue(_("Say why it is listed."), field="reason")
    if expires_at is not None and expires_at <= timezone.now():
        raise BadBlacklistValue(_("The expiry must be in the future."), field="expires_at")
    # refused before the write: inside the caller's transaction a raise would spoil it
    if BlacklistEntry.objects.filter(kind=kind, value=spelled).exists():
        raise BadBlacklistValue(_("This value is already on the blacklist."), field="value")
    with transaction.atomic(savepoint=False):
        return BlacklistEntry.objects.create(
            kind=kind,
            value=spelled,
            reason=reason.strip()[:300],
            source=(source or "").strip()[:120],
            expires_at=expires_at,
            created_by=actor,
        )
