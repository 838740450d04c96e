"""What staff read about one person on the console's user page: logins with their addresses
and devices, open sessions, the security record, payment methods with their details masked."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.usersessions.models import UserSession

from ..models import LoginRecord, SecurityEvent, User, UserPaymentMethod

STAFF_ROWS = 20


def login_history(*, user: User, limit: int = STAFF_ROWS) -> list[LoginRecord]:
    return list(LoginRecord.objects.filter(user=user)[:limit])


def security_record(*, user: User, limit: int = STAFF_ROWS) -> list[SecurityEvent]:
    return list(SecurityEvent.objects.filter(user=user)[:limit])


def open_sessions(*, user: User) -> list[UserSession]:
    """The sessions allauth tracks for `user`, the latest seen first."""
    return list(UserSession.objects.filter(user=user).order_by("-last_seen_at"))


def mask(value: object) -> str:
    """`****6789`: enough for staff to tell two apart, not enough to pay into."""
    text = str(value or "")
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * min(len(text) - 4, 8) + text[-4:]


@dataclass(frozen=True)
class MaskedMethod:
    type_name: str
    holder_name: str
    details: list[tuple[str, str]]


def payment_methods_masked(*, user: User) -> list[MaskedMethod]:
    methods = UserPaymentMethod.objects.filter(user=user).select_related("method_type")
    return [
        MaskedMethod(
            type_name=str(method.method_type),
            holder_name=method.holder_name,
            details=[(str(key), mask(value)) for key, value in sorted(method.details.items())],
        )
        for method in methods.order_by("-created_at")
    ]
