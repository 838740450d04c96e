"""Builders for market tests: merchants and online ads made directly with the ORM (no ledger:
visibility does not look at balances), price indexes of any age, and a URL configuration that
serves the market until the site's root URLs include it."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import PaymentMethodType, UserPaymentMethod
from ads.models import Ad, AdStatus, PriceType, Side
from core.models import FiatCurrency
from escrow.models import Asset, PriceIndex
from merchants.models import Merchant, MerchantApplication, MerchantStatus, MerchantTier
from tests.factories import make_user, unique

_ids = itertools.count(1)


def asset(symbol: str = "USDT", precision: int = 6) -> Asset:
    found, _ = Asset.objects.get_or_create(
        symbol=symbol, defaults={"name": f"Test {symbol}", "precision": precision}
    )
    return found


def fiat(code: str = "HKD", minor_units: int = 2) -> FiatCurrency:
    found, _ = FiatCurrency.objects.get_or_create(
        code=code, defaults={"name": f"Test {code}", "minor_units": minor_units}
    )
    return found


def payment_type(
    code: str = "bank", *, fiats: list[FiatCurrency] | None = None
) -> PaymentMethodType:
    found, _ = PaymentMethodType.objects.get_or_create(
        code=code, defaults={"name": code.replace("-", " ").title()}
    )
    for currency in fiats or []:
        found.fiats.add(currency)
    return found


def tier(*, label: str = "Gold", color: str = "#c9a227") -> MerchantTier:
    return MerchantTier.objects.create(
        code=unique("tier-"),
        name=f"{label} merchant",
        badge_label=label,
        badge_color=color,
        collateral_asset=asset(),
        collateral_amount=Decimal(1000),
    )


def merchant(
    *,
    name: str | None = None,
    merchant_tier: MerchantTier | None = None,
    status: str = MerchantStatus.ACTIVE,
    on_break: bool = False,
    open_now: bool = True,
) -> Merchant:
    user = make_user()
    name = name or unique("Merchant ")
    merchant_tier = merchant_tier or tier()
    application = MerchantApplication.objects.create(
        user=user,
        display_name=name,
        contact="telegram @test",
        tier=merchant_tier,
        status="approved",
    )
    return Merchant.objects.create(
        user=user,
        display_name=name,
        tier=merchant_tier,
        status=status,
        application=application,
        on_break=on_break,
        open_now=open_now,
    )


def ad(
    *,
    owner: Merchant | None = None,
    side: str = Side.SELL,
    on: Asset | None = None,
    currency: FiatCurrency | None = None,
    price: str | None = "7.80",
    margin: str | None = None,
    remaining: str = "1000",
    total: str | None = None,
    min_fiat: str = "100",
    max_fiat: str = "5000",
    status: str = AdStatus.ONLINE,
    payment: list[PaymentMethodType] | None = None,
    window: int = 15,
) -> Ad:
    """An ad. `margin` makes it floating (and `price` is then ignored). Sell ads get one saved
    payment method of the merchant per type in `payment`; buy ads accept those types."""
    owner = owner or merchant()
    currency = currency or fiat()
    floating = margin is not None
    created = Ad.objects.create(
        public_id=f"ADT{next(_ids):09d}",
        merchant=owner,
        side=side,
        asset=on or asset(),
        fiat=currency,
        price_type=PriceType.FLOATING if floating else PriceType.FIXED,
        fixed_price=None if floating else Decimal(str(price)),
        margin_percent=None if margin is None else Decimal(margin),
        total_quantity=Decimal(total or remaining),
        remaining_quantity=Decimal(remaining),
        min_order_fiat=Decimal(min_fiat),
        max_order_fiat=Decimal(max_fiat),
        payment_window_minutes=window,
        status=status,
    )
    kinds = payment if payment is not None else [payment_type("bank", fiats=[currency])]
    if side == Side.SELL:
        for kind in kinds:
            method = UserPaymentMethod.objects.create(
                user=owner.user, method_type=kind, holder_name="Test Holder", details={}
            )
            created.payment_methods.add(method)
    else:
        created.payment_types.add(*kinds)
    return created


def index(
    *,
    on: Asset | None = None,
    currency: FiatCurrency | None = None,
    price: str = "7.80",
    age_seconds: int = 0,
    source: str = "test",
) -> PriceIndex:
    """An index price set `age_seconds` ago."""
    on, currency = on or asset(), currency or fiat()
    updated = timezone.now() - timedelta(seconds=age_seconds)
    found, _ = PriceIndex.objects.update_or_create(
        asset=on,
        fiat=currency,
        defaults={"price": Decimal(price), "source": source, "updated_at": updated},
    )
    return found
