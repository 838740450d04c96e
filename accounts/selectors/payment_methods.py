"""Reads of payment method types and a user's saved methods (accounts/services/payment_methods
writes them)."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import User
from ..models.payments import PaymentMethodType, UserPaymentMethod, field_label


def payment_method_types_enabled() -> QuerySet[PaymentMethodType]:
    """The types a user may add now, in the staff's order."""
    return PaymentMethodType.objects.filter(enabled=True).prefetch_related("fiats")


def payment_method_type_enabled(*, code: str) -> PaymentMethodType | None:
    return PaymentMethodType.objects.filter(enabled=True, code=code).first()


def payment_methods_for_user(*, user: User) -> QuerySet[UserPaymentMethod]:
    """The user's own saved methods."""
    return UserPaymentMethod.objects.filter(user=user).select_related("method_type")


def payment_method_for_owner(*, user: User, pk: int) -> UserPaymentMethod | None:
    """One of the user's own methods, or None for anyone else's (callers answer 404).

    The orders app will add its own read for the counterparty of an order."""
    if not getattr(user, "is_authenticated", False):
        return None
    return payment_methods_for_user(user=user).filter(pk=pk).first()


def payment_method_detail_lines(*, method: UserPaymentMethod) -> list[tuple[str, str]]:
    """(label, value) for each filled detail, in the type's order; a detail whose field staff
    have since removed from the type is still shown, under its key."""
    spec = method.method_type.fields or []
    details = method.details if isinstance(method.details, dict) else {}
    lines: list[tuple[str, str]] = []
    for field in spec:
        value = str(details.get(field["key"], "") or "")
        if value:
            lines.append((field_label(field), value))
    known = {field["key"] for field in spec}
    lines += [(str(k), str(v)) for k, v in details.items() if k not in known and v]
    return lines
