"""A person's identity as the linking rules see it: a verified legal name, logins from a
browser and an IP, saved payment accounts; and blacklist entries of each kind."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.fingerprints import fingerprint_of
from accounts.models import LoginRecord, PaymentMethodType, User, UserPaymentMethod
from accounts.models.kyc import KycSubmission
from risk.blacklist import normalise
from risk.models import BlacklistEntry, BlacklistKind

DEVICE = "dev-aaaaaaaaaaaaaaaaaaaaaaaa"
IP = "203.0.113.7"
FPS = "fps:9123 4567"


def verify(user: User, name: str = "Chan Tai Man") -> User:
    KycSubmission.objects.create(
        user=user,
        level=1,
        status="approved",
        legal_name=name,
        country="HK",
        id_type="passport",
        id_number="X1",
    )
    return user


def log_in(
    user: User, *, device: str = DEVICE, ip: str = IP, at: datetime | None = None
) -> LoginRecord:
    record = LoginRecord.objects.create(
        user=user, email_tried=user.email, ip=ip, device_id=device, success=True
    )
    if at is not None:
        LoginRecord.objects.filter(pk=record.pk).update(at=at)
    return record


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def fps_fingerprint(number: str = "91234567") -> str:
    return fingerprint_of("fps", number)


def blacklist(kind: str, value: str, **extra: Any) -> BlacklistEntry:
    return BlacklistEntry.objects.create(
        kind=kind,
        value=normalise(kind, value),
        reason=extra.pop("reason", "known mule"),
        source=extra.pop("source", "case 12"),
        **extra,
    )


# one value per kind that the identity built by `listed_person` carries
KIND_VALUES = {
    BlacklistKind.LEGAL_NAME: "MAN, Tai Chan",
    BlacklistKind.DEVICE: DEVICE,
    BlacklistKind.IP_RANGE: "203.0.113.0/24",
}


def listed_person(user: User) -> User:
    """`user` verified as Chan Tai Man, last logged in from DEVICE at IP."""
    verify(user)
    log_in(user)
    return user


def save_fps(user: User, number: str = "91234567") -> UserPaymentMethod:
    """An FPS account saved by `user`, fingerprinted as the add service does."""
    kind, _created = PaymentMethodType.objects.get_or_create(
        code="fps", defaults={"name": "FPS", "fields": [{"key": "fps_id", "label": "FPS ID"}]}
    )
    return UserPaymentMethod.objects.create(
        user=user,
        method_type=kind,
        holder_name="Chan Tai Man",
        details={"fps_id": number},
        fingerprint=fingerprint_of("fps", number),
    )
