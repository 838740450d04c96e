"""Saved payment methods: the accounts a user gets paid fiat into, and the catalogue of types.

A method is always in the user's own name: the holder must match the legal name of the
approved identity check (KYC level 1), so a buyer never pays a stranger's account. A refused
call changes nothing: the checks run before any write, and a QR image written to storage is
removed again when the transaction does not commit.

This module adds, edits and deletes a user's methods; the checks on what they hold are in
``payment_method_rules`` and the catalogue of types in ``payment_method_types``. Their public
names are re-exported here, so ``from accounts.services.payment_methods import X`` reaches them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import FileField
from django.utils.translation import gettext as _

from core.locks import LockKind, lock_one
from core.uploads import CleanImage

from ..fingerprints import method_fingerprint
from ..models import PaymentMethodType, User, UserPaymentMethod
from .payment_method_rules import (
    DETAIL_MAX_LENGTH,
    HOLDER_MAX_LENGTH,
    PaymentMethodCandidate,
    PaymentMethodError,
    PaymentMethodNotFound,
    PaymentMethodScreen,
    _clean_holder,
    _clean_qr,
    _require_accepts_qr,
    _require_enabled,
    _require_identity,
    clean_details,
    collapse_spaces,
)
from .payment_method_types import (
    DEFAULT_FIATS,
    FIELD_SPEC_KEYS,
    FieldSpecError,
    clean_field_spec,
    default_payment_method_types,
    ensure_default_payment_method_types,
)

__all__ = [
    "DEFAULT_FIATS",
    "DETAIL_MAX_LENGTH",
    "FIELD_SPEC_KEYS",
    "HOLDER_MAX_LENGTH",
    "FieldSpecError",
    "PaymentMethodCandidate",
    "PaymentMethodError",
    "PaymentMethodNotFound",
    "PaymentMethodScreen",
    "clean_details",
    "clean_field_spec",
    "collapse_spaces",
    "default_payment_method_types",
    "ensure_default_payment_method_types",
    "payment_method_add",
    "payment_method_delete",
    "payment_method_update",
]


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


def fingerprint_for(method_type: PaymentMethodType, details: Mapping[str, Any]) -> str:
    return method_fingerprint(
        type_code=method_type.code, fields=method_type.fields or [], details=details
    )


def _store_qr(method: UserPaymentMethod, image: CleanImage, written: _StoredFiles) -> None:
    # the name comes from the field's upload_to (random); the person's file name is never used
    method.qr_image.save(f"qr.{image.extension}", image.content, save=False)
    written.names.append(method.qr_image.name or "")


def payment_method_add(
    *,
    actor: User,
    method_type: PaymentMethodType,
    holder_name: str,
    details: Mapping[str, Any],
    qr_upload: UploadedFile | None = None,
    screen: PaymentMethodScreen | None = None,
) -> UserPaymentMethod:
    """Save a new way for `actor` to get paid, in their own verified name. `screen`, when
    given, sees the method after its own checks and before the write, in the transaction: it
    refuses by raising, and whatever it records stands or falls with the method."""
    legal_name = _require_identity(actor)
    holder = _clean_holder(holder_name, legal_name)
    _require_enabled(method_type)
    cleaned = clean_details(method_type=method_type, details=details)
    image = _clean_qr(method_type, qr_upload)
    written = _StoredFiles()
    try:
        with transaction.atomic(durable=True):
            _lock_owner(actor)
            method_type = PaymentMethodType.objects.get(pk=method_type.pk)
            _require_enabled(method_type)  # staff may have just switched it off
            if image is not None:
                _require_accepts_qr(method_type)
            limit = settings.PAYMENT_METHODS_MAX
            if UserPaymentMethod.objects.filter(user=actor).count() >= limit:
                raise PaymentMethodError(
                    _(
                        "You can save at most %(limit)d payment methods: delete one you no "
                        "longer use first."
                    )
                    % {"limit": limit}
                )
            fingerprint = fingerprint_for(method_type, cleaned)
            if screen is not None:
                screen(PaymentMethodCandidate(actor, method_type, holder, fingerprint))
            method = UserPaymentMethod(
                user=actor,
                method_type=method_type,
                holder_name=holder,
                details=cleaned,
                fingerprint=fingerprint,
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
    actor: User,
    method: UserPaymentMethod,
    holder_name: str,
    details: Mapping[str, Any],
    qr_upload: UploadedFile | None = None,
    remove_qr: bool = False,
    screen: PaymentMethodScreen | None = None,
) -> UserPaymentMethod:
    """Change one of the user's own methods; a new QR image replaces the old one, and the old
    file is deleted once the change commits. A changed account passes `screen` as a new one
    would (an edit must not slip in what an add is refused)."""
    if method.user_id != actor.pk:
        raise PaymentMethodNotFound()
    legal_name = _require_identity(actor)
    holder = _clean_holder(holder_name, legal_name)
    _require_enabled(method.method_type)
    cleaned = clean_details(method_type=method.method_type, details=details)
    image = _clean_qr(method.method_type, qr_upload)
    written = _StoredFiles()
    try:
        with transaction.atomic(durable=True):
            _lock_owner(actor)
            locked = lock_one(
                LockKind.USER_RECORD,
                UserPaymentMethod.objects.select_related("method_type").filter(
                    pk=method.pk, user=actor
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
            fingerprint = fingerprint_for(locked.method_type, cleaned)
            if screen is not None and fingerprint != locked.fingerprint:
                screen(PaymentMethodCandidate(actor, locked.method_type, holder, fingerprint))
            locked.holder_name, locked.details = holder, cleaned
            locked.fingerprint = fingerprint
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


def payment_method_delete(*, actor: User, method: UserPaymentMethod) -> None:
    """Delete one of the user's own methods and, once that commits, its QR image."""
    with transaction.atomic(durable=True):
        _lock_owner(actor)
        found = lock_one(
            LockKind.USER_RECORD, UserPaymentMethod.objects.filter(pk=method.pk, user=actor)
        )
        if found is None:
            raise PaymentMethodNotFound()
        old_file = found.qr_image.name or ""
        found.delete()
        _delete_file_on_commit(old_file)
