"""Builders for the merchant's ad tests: merchants made directly with the ORM, a currency and
payment methods that serve it, ads made through `ads.services`, and a URL configuration that
serves /merchant/ads/ until the site's root URLs include it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import PaymentMethodType, Restriction, User, UserPaymentMethod
from accounts.models.security import RestrictionKind
from ads import services
from ads.models import Ad, Side
from core.models import FiatCurrency
from escrow import services as ledger
from escrow.models import AccountKind, Asset, LedgerAccount, PriceIndex
from merchants.models import Merchant, MerchantApplication, MerchantStatus, MerchantTier
from tests.factories import make_asset, make_user, unique


def make_fiat(code: str = "HKD", minor_units: int = 2) -> FiatCurrency:
    found, _ = FiatCurrency.objects.get_or_create(
        code=code, defaults={"name": f"Test {code}", "minor_units": minor_units}
    )
    return found


def make_tier(*, collateral_asset: Asset | None = None) -> MerchantTier:
    return MerchantTier.objects.create(
        code=unique("tier-"),
        name="Test tier",
        badge_label="Test",
        collateral_asset=collateral_asset or make_asset(),
        collateral_amount=Decimal(100),
    )


def make_merchant(
    user: User | None = None,
    *,
    status: str = MerchantStatus.ACTIVE,
    tier: MerchantTier | None = None,
    on_break: bool = False,
    open_now: bool = True,
) -> Merchant:
    """An approved merchant (application + merchant rows; no collateral is moved)."""
    user = user or make_user()
    tier = tier or make_tier()
    name = unique("Merchant ")
    application = MerchantApplication.objects.create(
        user=user, display_name=name, contact="telegram @test", tier=tier, status="approved"
    )
    return Merchant.objects.create(
        user=user,
        display_name=name,
        tier=tier,
        status=status,
        application=application,
        on_break=on_break,
        open_now=open_now,
    )


def make_payment_type(
    *, fiats: list[FiatCurrency], enabled: bool = True, name: str | None = None
) -> PaymentMethodType:
    kind = PaymentMethodType.objects.create(
        code=unique("pay-"), name=name or unique("Pay "), enabled=enabled
    )
    kind.fiats.set(fiats)
    return kind


def make_payment_method(user: User, kind: PaymentMethodType) -> UserPaymentMethod:
    return UserPaymentMethod.objects.create(
        user=user, method_type=kind, holder_name="Test Holder", details={"account": "1"}
    )


def ad_terms(**overrides: Any) -> dict[str, Any]:
    """Valid arguments for `ad_create` apart from user, side, asset, fiat and payment."""
    terms: dict[str, Any] = {
        "price_type": "fixed",
        "fixed_price": Decimal("7.80"),
        "margin_percent": None,
        "total_quantity": Decimal(100),
        "min_order_fiat": Decimal(100),
        "max_order_fiat": Decimal(5000),
        "payment_window_minutes": 15,
        "terms": "Pay from an account in your own name.",
        "auto_reply": "Thanks, paying now.",
        "min_kyc_level": 0,
        "min_account_age_days": 0,
        "min_completed_orders": 0,
        "min_completion_rate": Decimal(0),
    }
    terms.update(overrides)
    return terms


class Setup:
    """One merchant with a funded asset, a currency and a payment method serving it."""

    def __init__(self, *, funds: str = "1000", precision: int = 6) -> None:
        self.merchant = make_merchant()
        self.user = self.merchant.user
        self.asset = make_asset(precision=precision)
        self.fiat = make_fiat()
        self.kind = make_payment_type(fiats=[self.fiat])
        self.method = make_payment_method(self.user, self.kind)
        if Decimal(funds) > 0:
            ledger.deposit(
                owner=self.user,
                asset=self.asset,
                amount=funds,
                ref="test",
                idempotency_key=unique("deposit-"),
            )

    def ad(self, side: str = Side.SELL, **overrides: Any) -> Ad:
        payment: dict[str, Any] = (
            {"payment_method_ids": [self.method.pk]}
            if side == Side.SELL
            else {"payment_type_ids": [self.kind.pk]}
        )
        arguments = {**ad_terms(), **payment, **overrides}
        return services.ad_create(
            actor=self.user, side=side, asset=self.asset, fiat=self.fiat, **arguments
        )

    def available(self) -> Decimal:
        return balance(self.user, self.asset, AccountKind.AVAILABLE)

    def reserve(self) -> Decimal:
        return balance(self.user, self.asset, AccountKind.AD_RESERVE)


def balance(user: User, asset: Asset, kind: str) -> Decimal:
    """The spendable balance of one of the user's accounts (0 when it does not exist yet)."""
    account = LedgerAccount.objects.filter(owner=user, asset=asset, kind=kind).first()
    return account.spendable if account is not None else Decimal(0)


def restrict_selling(
    user: User, reason: str = "Security cool-down after a password change."
) -> Restriction:
    return Restriction.objects.create(
        user=user, kind=RestrictionKind.SELL, source="cooldown", reason=reason
    )


def set_index(
    asset: Asset, fiat: FiatCurrency, price: str, *, updated_at: Any = None
) -> PriceIndex:
    found, _ = PriceIndex.objects.update_or_create(
        asset=asset,
        fiat=fiat,
        defaults={"price": Decimal(price), "updated_at": updated_at or timezone.now()},
    )
    return found
