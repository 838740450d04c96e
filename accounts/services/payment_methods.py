"""Saved payment methods: the accounts a user gets paid fiat into, and the catalogue of types.

A method is always in the user's own name: the holder must match the legal name of the
approved identity check (KYC level 1), so a buyer never pays a stranger's account. A refused
call changes nothing: the checks run before any write, and a QR image written to storage is
removed again when the transaction does not commit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import FileField

from core.errors import DomainError
from core.locks import LockKind, lock_one
from core.models import FiatCurrency
from core.uploads import CleanImage, clean_image

from ..models import PaymentMethodType, User, UserPaymentMethod
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

    def __init__(self, message: str = "That payment method was not found.") -> None:
        super().__init__(message)


# --- Helpers ---------------------------------------------------------------------------------


def collapse_spaces(value: str) -> str:
    return " ".join((value or "").split())


def _same_name(a: str, b: str) -> bool:
    return collapse_spaces(a).casefold() == collapse_spaces(b).casefold()


def _require_identity(user: User) -> str:
    """The verified legal name, or a refusal when the user is below KYC level 1."""
    legal_name = kyc_legal_name(user=user)
    if kyc_level(user=user) < KycLevel.IDENTITY or not legal_name:
        raise PaymentMethodError(
            "Verify your identity (KYC level 1) before saving a payment method: "
            "every payment account must be in your own verified name."
        )
    return legal_name


def _clean_holder(holder_name: str, legal_name: str) -> str:
    holder = collapse_spaces(holder_name if isinstance(holder_name, str) else "")
    if not holder or len(holder) > HOLDER_MAX_LENGTH or not _same_name(holder, legal_name):
        raise PaymentMethodError(
            f"The account holder must be you: use your verified name, {legal_name}.",
            field="holder_name",
        )
    return holder


def _require_enabled(method_type: PaymentMethodType) -> None:
    if not method_type.enabled:
        raise PaymentMethodError(f"{method_type.name} is not accepted any more.")


def clean_details(*, method_type: PaymentMethodType, details: Mapping[str, Any]) -> dict[str, str]:
    """The details keyed exactly by the type's fields, each stripped; refuses unknown fields,
    blank required ones, values that are not one line of text, and values over 120 characters.
    A missing optional field is stored blank."""
    if not isinstance(details, Mapping):
        raise PaymentMethodError("The account details are missing.")
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


def _lock_owner(user: User) -> None:
    """Serialise every change to one user's methods: counting happens under this lock."""
    lock_one(LockKind.USER, User.objects.only("pk").filter(pk=user.pk))


def _storage() -> Storage:
    field = UserPaymentMethod._meta.get_field("qr_image")
    assert isinstance(field, FileField)
    return field.storage


def _delete_file_on_commit(name: str) -> None:
    if name:
        storage = _storage()
        transaction.on_commit(lambda: storage.delete(name))


class _StoredFiles:
    """Files written inside a transaction; removed again if it does not commit."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def discard(self) -> None:
        storage = _storage()
        for name in self.names:
            storage.delete(name)


def _store_qr(method: UserPaymentMethod, image: CleanImage, written: _StoredFiles) -> None:
    # the name comes from the field's upload_to (random); the person's file name is never used
    method.qr_image.save(f"qr.{image.extension}", image.content, save=False)
    written.names.append(method.qr_image.name or "")


# --- Services ----------------------------------------------------------------------------------


def payment_method_add(
    *,
    user: User,
    method_type: PaymentMethodType,
    holder_name: str,
    details: Mapping[str, Any],
    qr_upload: UploadedFile | None = None,
) -> UserPaymentMethod:
    """Save a new way for `user` to get paid, in their own verified name."""
    legal_name = _require_identity(user)
    holder = _clean_holder(holder_name, legal_name)
    _require_enabled(method_type)
    cleaned = clean_details(method_type=method_type, details=details)
    image = _clean_qr(method_type, qr_upload)
    written = _StoredFiles()
    try:
        with transaction.atomic(durable=True):
            _lock_owner(user)
            method_type = PaymentMethodType.objects.get(pk=method_type.pk)
            _require_enabled(method_type)  # staff may have just switched it off
            if image is not None:
                _require_accepts_qr(method_type)
            limit = settings.PAYMENT_METHODS_MAX
            if UserPaymentMethod.objects.filter(user=user).count() >= limit:
                raise PaymentMethodError(
                    f"You can save at most {limit} payment methods: delete one you no longer "
                    "use first."
                )
            method = UserPaymentMethod(
                user=user, method_type=method_type, holder_name=holder, details=cleaned
            )
            if image is not None:
                _store_qr(method, image, written)
            method.save()
    except BaseException:
        written.discard()
        raise
    return method


def payment_method_update(
    *,
    user: User,
    method: UserPaymentMethod,
    holder_name: str,
    details: Mapping[str, Any],
    qr_upload: UploadedFile | None = None,
    remove_qr: bool = False,
) -> UserPaymentMethod:
    """Change one of the user's own methods; a new QR image replaces the old one, and the old
    file is deleted once the change commits."""
    if method.user_id != user.pk:
        raise PaymentMethodNotFound()
    legal_name = _require_identity(user)
    holder = _clean_holder(holder_name, legal_name)
    _require_enabled(method.method_type)
    cleaned = clean_details(method_type=method.method_type, details=details)
    image = _clean_qr(method.method_type, qr_upload)
    written = _StoredFiles()
    try:
        with transaction.atomic(durable=True):
            _lock_owner(user)
            locked = lock_one(
                LockKind.USER_RECORD,
                UserPaymentMethod.objects.select_related("method_type").filter(
                    pk=method.pk, user=user
                ),
            )
            if locked is None:
                raise PaymentMethodNotFound()
            # staff may have changed the type since the form was shown: check again
            _require_enabled(locked.method_type)
            cleaned = clean_details(method_type=locked.method_type, details=cleaned)
            if image is not None:
                _require_accepts_qr(locked.method_type)
            old_file = locked.qr_image.name or ""
            locked.holder_name, locked.details = holder, cleaned
            if image is not None:
                _store_qr(locked, image, written)
            elif remove_qr:
                locked.qr_image.name = ""
            locked.save()
            if old_file and old_file != (locked.qr_image.name or ""):
                _delete_file_on_commit(old_file)
    except BaseException:
        written.discard()
        raise
    return locked


def payment_method_delete(*, user: User, method: UserPaymentMethod) -> None:
    """Delete one of the user's own methods and, once that commits, its QR image."""
    with transaction.atomic(durable=True):
        _lock_owner(user)
        found = lock_one(
            LockKind.USER_RECORD, UserPaymentMethod.objects.filter(pk=method.pk, user=user)
        )
        if found is None:
            raise PaymentMethodNotFound()
        old_file = found.qr_image.name or ""
        found.delete()
        _delete_file_on_commit(old_file)


# --- The catalogue of types ------------------------------------------------------------------


class FieldSpecError(DomainError):
    code = "payment_method_fields"


FIELD_SPEC_KEYS = {"key", "label", "required"}


def clean_field_spec(value: object) -> list[dict[str, Any]]:
    """Check a type's `fields`: a list of {"key": slug, "label": text, "required": bool} with
    unique keys. Returns it normalised (labels stripped)."""
    if not isinstance(value, list):
        raise FieldSpecError("Fields must be a list of objects.")
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, item in enumerate(value, start=1):
        where = f"Field {position}"
        if not isinstance(item, dict):
            raise FieldSpecError(f"{where} must be an object with key, label and required.")
        missing = FIELD_SPEC_KEYS - set(item)
        extra = set(item) - FIELD_SPEC_KEYS
        if missing:
            raise FieldSpecError(f"{where} lacks {', '.join(sorted(missing))}.")
        if extra:
            raise FieldSpecError(f"{where} has unknown entries: {', '.join(sorted(extra))}.")
        key, label, required = item["key"], item["label"], item["required"]
        if not isinstance(key, str) or not key:
            raise FieldSpecError(f"{where}: the key must be text.")
        try:
            validate_slug(key)
        except ValidationError as exc:
            raise FieldSpecError(
                f"{where}: the key {key!r} may hold only letters, digits, underscores and hyphens."
            ) from exc
        if len(key) > 40:
            raise FieldSpecError(f"{where}: the key {key!r} is longer than 40 characters.")
        if key in seen:
            raise FieldSpecError(f"{where}: the key {key!r} appears twice.")
        if not isinstance(label, str) or not label.strip():
            raise FieldSpecError(f"{where}: the label must be non-blank text.")
        if not isinstance(required, bool):
            raise FieldSpecError(f"{where}: required must be true or false.")
        seen.add(key)
        cleaned.append({"key": key, "label": label.strip(), "required": required})
    return cleaned


DEFAULT_FIATS = [
    ("HKD", "Hong Kong dollar", "HK$", 2),
    ("CNY", "Chinese yuan", "¥", 2),
    ("USD", "US dollar", "$", 2),
]


def _field(key: str, label: str, required: bool = True) -> dict[str, Any]:
    return {"key": key, "label": label, "required": required}


def default_payment_method_types() -> list[dict[str, Any]]:
    """The catalogue a new installation starts with; staff edit it in the admin."""
    return [
        {
            "code": "bank",
            "name": "Bank transfer",
            "fields": [
                _field("bank_name", "Bank"),
                _field("account_number", "Account number"),
                _field("branch", "Branch", required=False),
            ],
            "accepts_qr_image": False,
            "fiats": ["HKD", "CNY", "USD"],
            "sort_order": 10,
        },
        {
            "code": "fps",
            "name": "FPS",
            "fields": [_field("fps_id", "FPS ID (phone, email or FPS number)")],
            "accepts_qr_image": False,
            "fiats": ["HKD"],
            "sort_order": 20,
        },
        {
            "code": "alipay",
            "name": "Alipay",
            "fields": [_field("account", "Alipay account (phone or email)")],
            "accepts_qr_image": True,
            "fiats": ["CNY"],
            "sort_order": 30,
        },
        {
            "code": "wechat-pay",
            "name": "WeChat Pay",
            "fields": [_field("account", "WeChat ID")],
            "accepts_qr_image": True,
            "fiats": ["CNY"],
            "sort_order": 40,
        },
        {
            "code": "paypal",
            "name": "PayPal",
            "fields": [_field("email", "PayPal email")],
            "accepts_qr_image": False,
            "fiats": ["USD", "HKD"],
            "sort_order": 50,
        },
        {
            "code": "revolut",
            "name": "Revolut",
            "fields": [_field("revtag", "Revtag or phone number")],
            "accepts_qr_image": False,
            "fiats": ["USD"],
            "sort_order": 60,
        },
        {
            "code": "cash",
            "name": "Cash in person",
            "fields": [_field("meeting_area", "Meeting area")],
            "accepts_qr_image": False,
            "fiats": ["HKD", "CNY", "USD"],
            "sort_order": 70,
        },
    ]


def ensure_default_payment_method_types() -> None:
    """Create the default types (and HKD/CNY/USD) that are missing. Types that exist are left
    as staff set them, so running it again changes nothing."""
    with transaction.atomic(savepoint=True):
        fiats: dict[str, FiatCurrency] = {}
        for code, name, symbol, minor in DEFAULT_FIATS:
            fiats[code], _ = FiatCurrency.objects.get_or_create(
                code=code, defaults={"name": name, "symbol": symbol, "minor_units": minor}
            )
        for spec in default_payment_method_types():
            method_type, created = PaymentMethodType.objects.get_or_create(
                code=spec["code"],
                defaults={
                    "name": spec["name"],
                    "fields": clean_field_spec(spec["fields"]),
                    "accepts_qr_image": spec["accepts_qr_image"],
                    "sort_order": spec["sort_order"],
                },
            )
            if created:
                method_type.fiats.set([fiats[code] for code in spec["fiats"]])
