"""What a saved payment method must be: in the user's own verified name, of a type staff still
accept, with exactly the details that type asks for, and a QR image only where the type takes
one. Every check here runs before a write (accounts/services/payment_methods.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.uploads import CleanImage, clean_image

from ..models import PaymentMethodType, User
from ..models.kyc import KycLevel
from ..selectors import kyc_legal_name, kyc_level

DETAIL_MAX_LENGTH = 120
HOLDER_MAX_LENGTH = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class PaymentMethodError(DomainError):
    code = "payment_method"


class PaymentMethodNotFound(PaymentMethodError):
    """Someone else's method, or one that no longer exists: the same answer for both."""

    code = "payment_method_not_found"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("That payment method was not found."))


def collapse_spaces(value: str) -> str:
    return " ".join((value or "").split())


def _same_name(a: str, b: str) -> bool:
    return collapse_spaces(a).casefold() == collapse_spaces(b).casefold()


def _require_identity(user: User) -> str:
    """The verified legal name, or a refusal when the user is below KYC level 1."""
    legal_name = kyc_legal_name(user=user)
    if kyc_level(user=user) < KycLevel.IDENTITY or not legal_name:
        raise PaymentMethodError(
            _(
                "Verify your identity (KYC level 1) before saving a payment method: "
                "every payment account must be in your own verified name."
            )
        )
    return legal_name


def _clean_holder(holder_name: str, legal_name: str) -> str:
    holder = collapse_spaces(holder_name if isinstance(holder_name, str) else "")
    if not holder or len(holder) > HOLDER_MAX_LENGTH or not _same_name(holder, legal_name):
        raise PaymentMethodError(
            _("The account holder must be you: use your verified name, %(name)s.")
            % {"name": legal_name},
            field="holder_name",
        )
    return holder


def _require_enabled(method_type: PaymentMethodType) -> None:
    if not method_type.enabled:
        raise PaymentMethodError(
            _("%(name)s is not accepted any more.") % {"name": method_type.display_name}
        )


def clean_details(*, method_type: PaymentMethodType, details: Mapping[str, Any]) -> dict[str, str]:
    """The details keyed exactly by the type's fields, each stripped; refuses unknown fields,
    blank required ones, values that are not one line of text, and values over 120 characters.
    A missing optional field is stored blank."""
    if not isinstance(details, Mapping):
        raise PaymentMethodError(_("The account details are missing."))
    spec = method_type.fields or []
    known = [str(field["key"]) for field in spec]
    unknown = sorted(str(key) for key in details if key not in known)
    if unknown:
        raise PaymentMethodError(
            f"{method_type.name} has no field {', '.join(repr(k) for k in unknown)}."
        )
    cleaned: dict[str, str] = {}
    for field in spec:
        key, label = str(field["key"]), str(field.get("label") or field["key"])
        raw = details.get(key, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            raise PaymentMethodError(f"{label} must be text.")
        value = raw.strip()
        if field.get("required") and not value:
            raise PaymentMethodError(f"{label} is required.")
        if len(value) > DETAIL_MAX_LENGTH:
            raise PaymentMethodError(f"{label} must be at most {DETAIL_MAX_LENGTH} characters.")
        if _CONTROL.search(value):
            raise PaymentMethodError(f"{label} must be a single line of text.")
        cleaned[key] = value
    return cleaned


def _require_accepts_qr(method_type: PaymentMethodType) -> None:
    if not method_type.accepts_qr_image:
        raise PaymentMethodError(f"{method_type.name} does not take a QR code image.")


def _clean_qr(method_type: PaymentMethodType, qr_upload: UploadedFile | None) -> CleanImage | None:
    if qr_upload is None:
        return None
    _require_accepts_qr(method_type)
    return clean_image(qr_upload)  # raises UploadRejected with the reason


@dataclass(frozen=True)
class PaymentMethodCandidate:
    """A method about to be saved, after every check of its own: what a screen looks at."""

    user: User
    method_type: PaymentMethodType
    holder_name: str
    fingerprint: str


# Asked inside the add's transaction, before anything is written, by whoever composes the
# page (the project's URLs pass risk's screen): raising a DomainError refuses the method with
# nothing stored. Accounts knows no app above it, so the screen is handed in, not imported.
PaymentMethodScreen = Callable[[PaymentMethodCandidate], None]
