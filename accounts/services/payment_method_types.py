"""The catalogue of payment method types: the check of a type's fields (the admin uses it) and
the default types a new installation starts with."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext_noop

from core.errors import DomainError
from core.models import FiatCurrency

from ..models import PaymentMethodType


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
    """The catalogue a new installation starts with; staff edit it in the admin. Names and
    labels are stored in English and marked for the catalogue, so pages show them in the
    viewer's language (PaymentMethodType.display_name); what staff type is shown as typed."""
    return [
        {
            "code": "bank",
            "name": gettext_noop("Bank transfer"),
            "fields": [
                _field("bank_name", gettext_noop("Bank")),
                _field("account_number", gettext_noop("Account number")),
                _field("branch", gettext_noop("Branch"), required=False),
            ],
            "accepts_qr_image": False,
            "fiats": ["HKD", "CNY", "USD"],
            "sort_order": 10,
        },
        {
            "code": "fps",
            "name": gettext_noop("FPS"),
            "fields": [_field("fps_id", gettext_noop("FPS ID (phone, email or FPS number)"))],
            "accepts_qr_image": False,
            "fiats": ["HKD"],
            "sort_order": 20,
        },
        {
            "code": "alipay",
            "name": gettext_noop("Alipay"),
            "fields": [_field("account", gettext_noop("Alipay account (phone or email)"))],
            "accepts_qr_image": True,
            "fiats": ["CNY"],
            "sort_order": 30,
        },
        {
            "code": "wechat-pay",
            "name": gettext_noop("WeChat Pay"),
            "fields": [_field("account", gettext_noop("WeChat ID"))],
            "accepts_qr_image": True,
            "fiats": ["CNY"],
            "sort_order": 40,
        },
        {
            "code": "paypal",
            "name": gettext_noop("PayPal"),
            "fields": [_field("email", gettext_noop("PayPal email"))],
            "accepts_qr_image": False,
            "fiats": ["USD", "HKD"],
            "sort_order": 50,
        },
        {
            "code": "revolut",
            "name": gettext_noop("Revolut"),
            "fields": [_field("revtag", gettext_noop("Revtag or phone number"))],
            "accepts_qr_image": False,
            "fiats": ["USD"],
            "sort_order": 60,
        },
        {
            "code": "cash",
            "name": gettext_noop("Cash in person"),
            "fields": [_field("meeting_area", gettext_noop("Meeting area"))],
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
            fiats[code], _created = FiatCurrency.objects.get_or_create(
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
