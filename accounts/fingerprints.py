"""The fingerprint of a saved payment account: one spelling of the account's identifier
(account number, FPS id, phone, email, wallet address), hashed, with the type's code in front.
Two people who save the same account get the same fingerprint however they typed it, and the
identifier itself is never stored a second time. Pure functions: the data migration uses them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

# the detail that names the account, by field key, in order of preference
IDENTIFIER_KEYS = (
    "account_number",
    "iban",
    "fps_id",
    "wallet_address",
    "address",
    "account",
    "email",
    "phone",
    "revtag",
)
_PHONE = re.compile(r"^\+?[\d\s\-().]{6,}$")
_SEPARATORS = re.compile(r"[\s\-]+")
_FINGERPRINT = re.compile(r"^[a-z0-9_-]{1,40}:[0-9a-f]{64}$")


def normalise_identifier(value: str) -> str:
    """Spaces, dashes and case do not count; a phone number is its digits only."""
    text = (value or "").strip()
    if _PHONE.match(text):
        return re.sub(r"\D", "", text)
    return _SEPARATORS.sub("", text).casefold()


def fingerprint_of(type_code: str, identifier: str) -> str:
    """`<type code>:<sha256 of the code and the normalised identifier>`; blank without one."""
    normal = normalise_identifier(identifier)
    if not normal:
        return ""
    digest = hashlib.sha256(f"{type_code}:{normal}".encode()).hexdigest()
    return f"{type_code}:{digest}"


def identifier_in(fields: Iterable[Mapping[str, Any]], details: Mapping[str, Any]) -> str:
    """The value of the type's identifying field in `details`; blank when the type has none
    (cash meetings name a place, not an account)."""
    keys = [str(field.get("key", "")) for field in fields]
    for wanted in IDENTIFIER_KEYS:
        if wanted in keys:
            value = details.get(wanted)
            return value if isinstance(value, str) else ""
    return ""


def method_fingerprint(
    *, type_code: str, fields: Iterable[Mapping[str, Any]], details: Mapping[str, Any]
) -> str:
    return fingerprint_of(type_code, identifier_in(fields, details))


def is_fingerprint(value: str) -> bool:
    return bool(_FINGERPRINT.match(value))
