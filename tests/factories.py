"""Small builders for test data; each call makes distinct, valid objects."""

from __future__ import annotations

import itertools
from decimal import Decimal

from accounts.models import User
from escrow import services
from escrow.models import AccountKind, Asset, LedgerAccount

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}"


def make_user(*, email: str | None = None, staff: bool = False, superuser: bool = False) -> User:
    email = email or f"{unique('user')}@example.test"
    user = User.objects.create_user(
        username=email.split("@")[0], email=email, password="a-long-test-password"
    )
    if staff or superuser:
        user.is_staff, user.is_superuser = True, superuser
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def make_asset(*, symbol: str | None = None, precision: int = 6) -> Asset:
    symbol = symbol or unique("T").upper().replace("_", "")
    return Asset.objects.create(symbol=symbol, name=f"Test {symbol}", precision=precision)


def funded_account(user: User, asset: Asset, amount: str | Decimal) -> LedgerAccount:
    """The user's available account for `asset` after a deposit of `amount`."""
    services.deposit(
        owner=user, asset=asset, amount=amount, ref="test", idempotency_key=unique("deposit-")
    )
    return services.account_for(owner=user, asset=asset, kind=AccountKind.AVAILABLE)


def fee_account(asset: Asset) -> LedgerAccount:
    return services.platform_account(asset=asset, kind=AccountKind.FEE_INCOME)
