"""Accounts that share something with a person: a saved payment account (same fingerprint),
a browser (same device cookie at login) or a login IP. For staff, and for the risk facts of
an action: what the person's identity is made of (legal name aside) and who else shares it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from ..fingerprints import identifier_in
from ..models import LoginRecord, User, UserPaymentMethod

# the longest window any reader uses; rules narrow it with their own parameter
LINK_LOOKBACK_DAYS = 90


@dataclass(frozen=True)
class Link:
    other_id: int
    other_email: str
    how: str  # "payment_account" | "device" | "ip"
    value: str  # masked for display
    last_seen: datetime | None


def mask_identifier(value: str) -> str:
    """The last four characters, the rest dotted: enough to tell accounts apart."""
    text = "".join(value.split())
    return f"•••• {text[-4:]}" if len(text) > 4 else "••••"


def mask_device(device_id: str) -> str:
    return f"{device_id[:6]}…" if device_id else ""


def mask_ip(ip: str) -> str:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if address.version == 4:
        return ".".join([*ip.split(".")[:3], "*"])
    return ":".join(address.exploded.split(":")[:3]) + ":*"


def _logins_since(days: int) -> Q:
    return Q(success=True, at__gte=timezone.now() - timedelta(days=days))


def device_ids_of(*, user_id: int, days: int = LINK_LOOKBACK_DAYS) -> list[str]:
    """The browsers the person logged in from in the last `days` days."""
    rows = LoginRecord.objects.filter(_logins_since(days), user_id=user_id).exclude(device_id="")
    return sorted(set(rows.values_list("device_id", flat=True)))


def login_ips_of(*, user_id: int, days: int = LINK_LOOKBACK_DAYS) -> list[str]:
    rows = LoginRecord.objects.filter(_logins_since(days), user_id=user_id, ip__isnull=False)
    return sorted({str(ip) for ip in rows.values_list("ip", flat=True)})


def last_login_ip(*, user_id: int) -> str | None:
    ip = (
        LoginRecord.objects.filter(user_id=user_id, success=True, ip__isnull=False)
        .order_by("-at", "-id")
        .values_list("ip", flat=True)
        .first()
    )
    return str(ip) if ip else None


def payment_fingerprints_of(*, user_id: int) -> list[str]:
    rows = UserPaymentMethod.objects.filter(user_id=user_id).exclude(fingerprint="")
    return sorted(set(rows.values_list("fingerprint", flat=True)))


def users_with_fingerprint(*, fingerprint: str, exclude_user_id: int) -> list[int]:
    """Everyone else who saved the account with this fingerprint."""
    if not fingerprint:
        return []
    rows = UserPaymentMethod.objects.filter(fingerprint=fingerprint).exclude(
        user_id=exclude_user_id
    )
    return sorted(set(rows.values_list("user_id", flat=True)))


def device_or_ip_neighbours(
    *, user_id: int, days: int = LINK_LOOKBACK_DAYS
) -> list[tuple[int, datetime]]:
    """Other accounts that logged in from one of the person's browsers or IPs in the last
    `days` days, each with the last time it did."""
    devices = device_ids_of(user_id=user_id, days=days)
    ips = login_ips_of(user_id=user_id, days=days)
    if not devices and not ips:
        return []
    rows = (
        LoginRecord.objects.filter(_logins_since(days), user__isnull=False)
        .filter(Q(device_id__in=devices) | Q(ip__in=ips))
        .exclude(user_id=user_id)
        .values("user_id")
        .annotate(last=Max("at"))
        .order_by("user_id")
    )
    return [(row["user_id"], row["last"]) for row in rows]


def _emails(ids: Iterable[int]) -> dict[int, str]:
    return dict(User.objects.filter(pk__in=set(ids)).values_list("pk", "email"))


def _payment_links(user: User) -> list[tuple[int, str, str, datetime | None]]:
    own = {
        method.fingerprint: method
        for method in UserPaymentMethod.objects.filter(user=user)
        .exclude(fingerprint="")
        .select_related("method_type")
    }
    if not own:
        return []
    links: list[tuple[int, str, str, datetime | None]] = []
    others = UserPaymentMethod.objects.filter(fingerprint__in=list(own)).exclude(user=user)
    for other in others.order_by("pk"):
        mine = own[other.fingerprint]
        identifier = identifier_in(mine.method_type.fields or [], mine.details or {})
        shown = f"{mine.method_type.name} {mask_identifier(identifier)}"
        links.append((other.user_id, "payment_account", shown, other.updated_at))
    return links


def _login_links(user: User, days: int) -> list[tuple[int, str, str, datetime | None]]:
    devices = device_ids_of(user_id=user.pk, days=days)
    ips = login_ips_of(user_id=user.pk, days=days)
    if not devices and not ips:
        return []
    seen = LoginRecord.objects.filter(_logins_since(days), user__isnull=False).exclude(user=user)
    links: list[tuple[int, str, str, datetime | None]] = []
    by_device = (
        seen.filter(device_id__in=devices)
        .values("user_id", "device_id")
        .annotate(last=Max("at"))
        .order_by()
    )
    links += [(r["user_id"], "device", mask_device(r["device_id"]), r["last"]) for r in by_device]
    by_ip = seen.filter(ip__in=ips).values("user_id", "ip").annotate(last=Max("at")).order_by()
    links += [(r["user_id"], "ip", mask_ip(str(r["ip"])), r["last"]) for r in by_ip]
    return links


def linked_accounts(*, user: User, days: int = 90) -> list[Link]:
    """Who shares a payment account with `user` (ever), or a browser or login IP (in the last
    `days` days); one row per account, way and shared value, the most recent first."""
    raw = [*_payment_links(user), *_login_links(user, days)]
    emails = _emails(other for other, *_rest in raw)
    links = {
        (other, how, value): Link(other, emails.get(other, ""), how, value, last)
        for other, how, value, last in raw
    }

    def newest_first(link: Link) -> tuple[float, int, str]:
        seen = link.last_seen.timestamp() if link.last_seen else float("-inf")
        return (-seen, link.other_id, link.how)

    return sorted(links.values(), key=newest_first)


@dataclass(frozen=True)
class SharedValue:
    """One value several accounts share: a scan reports it once per account."""

    how: str  # "payment_account" | "device"
    value: str  # the fingerprint or device id, as stored
    user_ids: tuple[int, ...]


def shared_payment_accounts() -> list[SharedValue]:
    rows = (
        UserPaymentMethod.objects.exclude(fingerprint="")
        .values("fingerprint")
        .annotate(users=Count("user_id", distinct=True))
        .filter(users__gt=1)
        .order_by("fingerprint")
    )
    shared = [row["fingerprint"] for row in rows]
    owners: dict[str, set[int]] = {}
    for fingerprint, owner in UserPaymentMethod.objects.filter(fingerprint__in=shared).values_list(
        "fingerprint", "user_id"
    ):
        owners.setdefault(fingerprint, set()).add(owner)
    return [SharedValue("payment_account", f, tuple(sorted(owners[f]))) for f in shared]


def shared_devices(*, days: int = 30) -> list[SharedValue]:
    recent = LoginRecord.objects.filter(_logins_since(days), user__isnull=False).exclude(
        device_id=""
    )
    rows = (
        recent.values("device_id")
        .annotate(users=Count("user_id", distinct=True))
        .filter(users__gt=1)
        .order_by("device_id")
    )
    shared = [row["device_id"] for row in rows]
    owners: dict[str, set[int]] = {}
    for device, owner in recent.filter(device_id__in=shared).values_list("device_id", "user_id"):
        owners.setdefault(device, set()).add(owner)
    return [SharedValue("device", d, tuple(sorted(owners[d]))) for d in shared]
