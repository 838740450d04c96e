"""Small builders for test data; each call makes distinct, valid objects."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth.models import Permission

from accounts.models import User
from escrow import services
from escrow.models import AccountKind, Asset, LedgerAccount

if TYPE_CHECKING:
    from allauth.mfa.models import Authenticator

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter)}"


def make_user(
    *,
    email: str | None = None,
    staff: bool = False,
    superuser: bool = False,
    mfa: bool = True,
    perms: Iterable[str] = (),
) -> User:
    """A user whose email is verified (so they can log in); staff get an authenticator app
    unless `mfa=False`, since the admin requires one. `perms`: "app_label.codename" granted."""
    from allauth.account.models import EmailAddress

    email = email or f"{unique('user')}@example.test"
    user = User.objects.create_user(
        username=email.split("@")[0], email=email, password="a-long-test-password"
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if staff or superuser:
        user.is_staff, user.is_superuser = True, superuser
        user.save(update_fields=["is_staff", "is_superuser"])
        if mfa:
            give_totp(user)
    for name in perms:
        app_label, codename = name.split(".", 1)
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
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


TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def give_totp(user: User, secret: str = TOTP_SECRET) -> Authenticator:
    """Turn on an authenticator app for `user` (staff need one to reach the admin)."""
    from allauth.mfa.totp.internal.auth import TOTP

    return TOTP.activate(user, secret).instance


def totp_code(secret: str = TOTP_SECRET) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    # the server accepts only the current 30-second code: never hand out one about to expire
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
