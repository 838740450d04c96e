"""Demo data for `make run`: reference data, a staff account, merchants and users with funds."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import User
from escrow import services as ledger
from escrow.models import Asset

from .models import FiatCurrency

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for people trying the demo

ASSETS = [("USDT", "Tether USD", 6), ("BTC", "Bitcoin", 8), ("ETH", "Ether", 18)]
FIATS = [
    ("HKD", "Hong Kong dollar", "HK$", 2),
    ("CNY", "Chinese yuan", "¥", 2),
    ("USD", "US dollar", "$", 2),
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    role: str
    balances: dict[str, str]
    staff: bool = False


PEOPLE = [
    DemoPerson("admin@demo.local", "staff (superuser)", {}, staff=True),
    DemoPerson(
        "merchant.alpha@demo.local", "merchant", {"USDT": "250000", "BTC": "3", "ETH": "40"}
    ),
    DemoPerson("merchant.beta@demo.local", "merchant", {"USDT": "180000", "BTC": "2", "ETH": "25"}),
    DemoPerson("alice@demo.local", "user", {"USDT": "5000", "BTC": "0.25"}),
    DemoPerson("bob@demo.local", "user", {"USDT": "1200", "ETH": "1.5"}),
]


def _person(spec: DemoPerson) -> User:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        username = spec.email.split("@")[0].replace(".", "_")
        user = User(email=spec.email, username=username)
        user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = spec.staff
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=spec.email, defaults={"verified": True, "primary": True}
    )
    return user


def seed() -> list[DemoPerson]:
    """Create what is missing; running it again changes nothing (deposits replay their keys)."""
    with transaction.atomic():
        assets = {}
        for symbol, name, precision in ASSETS:
            assets[symbol], _ = Asset.objects.get_or_create(
                symbol=symbol, defaults={"name": name, "precision": precision}
            )
        for code, name, sign, minor in FIATS:
            FiatCurrency.objects.get_or_create(
                code=code, defaults={"name": name, "symbol": sign, "minor_units": minor}
            )
        for spec in PEOPLE:
            user = _person(spec)
            for symbol, amount in spec.balances.items():
                ledger.deposit(
                    owner=user,
                    asset=assets[symbol],
                    amount=Decimal(amount),
                    ref=f"demo:{spec.email}",
                    idempotency_key=f"demo-deposit:{spec.email}:{symbol}",
                )
    return PEOPLE
