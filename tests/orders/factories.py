"""A merchant with an online ad, and people to trade on it."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from accounts.services.fund_password import fund_password_set
from ads import services as ad_services
from ads.models import Ad, Side
from escrow.models import AccountKind, LedgerAccount
from orders import services
from orders.models import Order
from tests.ads.factories import Setup
from tests.factories import make_user

FUND_PASSWORD = "Fund-Secret-2026"
_keys = itertools.count(1)


def key() -> str:
    return f"form-key-{next(_keys):06d}"


class Market(Setup):
    """One merchant (the seller on sell ads) with 1000 of the asset, and a way to make buyers."""

    def online_ad(self, side: str = Side.SELL, **overrides: Any) -> Ad:
        ad = self.ad(side, **overrides)
        return ad_services.ad_go_online(actor=self.user, ad_id=ad.pk)

    def buyer(self) -> User:
        user = make_user()
        User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
        user.refresh_from_db()
        return user

    def seller_with_fund_password(self) -> User:
        fund_password_set(actor=self.user, raw=FUND_PASSWORD)
        return self.user


def place(user: User, ad: Ad, fiat: str = "780", **kwargs: Any) -> Order:
    return services.order_place(
        actor=user,
        ad_public_id=ad.public_id,
        idempotency_key=kwargs.pop("key", key()),
        fiat_amount=fiat,
        **kwargs,
    )


def spendable(user: User, asset: Any, kind: str = AccountKind.AVAILABLE) -> Decimal:
    account = LedgerAccount.objects.filter(owner=user, asset=asset, kind=kind).first()
    return account.spendable if account else Decimal(0)


def balance(user: User, asset: Any, kind: str = AccountKind.AVAILABLE) -> Decimal:
    account = LedgerAccount.objects.filter(owner=user, asset=asset, kind=kind).first()
    return account.balance if account else Decimal(0)
