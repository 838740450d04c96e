"""Builders for the merchant program's tests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import KycSubmission, User
from accounts.models.kyc import KycStatus
from core.models import FiatCurrency
from escrow.models import AccountKind, Asset, LedgerAccount
from escrow.models.transfers import Transfer
from merchants.models import (
    ApplicationStatus,
    Merchant,
    MerchantApplication,
    MerchantProgram,
    MerchantTier,
    TierLimit,
)
from merchants.services import merchant_apply, merchant_approve
from tests.factories import funded_account, give_totp, make_asset, make_user, unique


def program(**fields: object) -> MerchantProgram:
    defaults: dict[str, object] = {
        "min_kyc_level": 1,
        "min_account_age_days": 7,
        "min_completed_orders": 0,
        "require_2fa": True,
        "resignation_cooling_days": 7,
    }
    defaults.update(fields)
    row, _ = MerchantProgram.objects.update_or_create(pk=1, defaults=defaults)
    return row


def fiat(code: str = "HKD") -> FiatCurrency:
    row, _ = FiatCurrency.objects.get_or_create(code=code, defaults={"name": f"{code} money"})
    return row


def tier(
    asset: Asset, amount: str = "1000", *, name: str = "Gold", limits: dict[str, str] | None = None
) -> MerchantTier:
    row = MerchantTier.objects.create(
        code=unique("tier-"),
        name=name,
        badge_label=name.upper(),
        badge_color="#b7791f",
        collateral_asset=asset,
        collateral_amount=Decimal(amount),
    )
    for code, per_order in (limits or {"HKD": "50000"}).items():
        TierLimit.objects.create(
            tier=row,
            fiat=fiat(code),
            per_order_max=Decimal(per_order),
            daily_max=Decimal(per_order) * 10,
        )
    return row


def approve_kyc(user: User, level: int = 1) -> None:
    KycSubmission.objects.create(
        user=user,
        level=level,
        status=KycStatus.APPROVED,
        legal_name="Test Person",
        country="HK",
        id_type="passport",
        id_number=unique("P"),
        reviewed_at=timezone.now(),
    )


def eligible_user(
    *, funds: str | None = None, asset: Asset | None = None, **kwargs: object
) -> User:
    """A user meeting the default program: KYC level 1, 30 days old, 2FA on."""
    user = make_user(**kwargs)  # type: ignore[arg-type]
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    if not (kwargs.get("staff") or kwargs.get("superuser")):
        give_totp(user)
    approve_kyc(user)
    if funds is not None and asset is not None:
        funded_account(user, asset, funds)
    return user


def usdt() -> Asset:
    return Asset.objects.filter(symbol="USDT").first() or make_asset(symbol="USDT")


def available(user: User, asset: Asset) -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(
        owner=user, asset=asset, kind=AccountKind.AVAILABLE
    )
    account.refresh_from_db()
    return account


def hold_of(application: MerchantApplication) -> Transfer:
    application.refresh_from_db()
    assert application.collateral_hold_id is not None
    return Transfer.objects.get(pk=application.collateral_hold_id)


def submit(user: User, gold: MerchantTier, *, name: str | None = None) -> MerchantApplication:
    return merchant_apply(
        actor=user,
        display_name=name or unique("Desk "),
        contact="telegram @desk",
        tier=gold,
        assets=[gold.collateral_asset],
        fiats=[fiat("HKD")],
    )


def merchant(
    gold: MerchantTier, *, user: User | None = None, reviewer: User | None = None
) -> Merchant:
    """An approved, active merchant of `gold` (collateral frozen)."""
    user = user or eligible_user(funds="5000", asset=gold.collateral_asset)
    application = submit(user, gold)
    made = merchant_approve(application=application, actor=reviewer or make_user(superuser=True))
    assert application.__class__.objects.get(pk=application.pk).status == ApplicationStatus.APPROVED
    return made
