"""The market of bench/hot_ad.py: a fresh asset, an active merchant with its deposit and payment
method, buyers allowed to trade, the hot sell ads, and the checks of what the ads gave up.
Imported once Django is set up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db.models import Sum
from django.utils import timezone

from accounts.models import KycSubmission, PaymentMethodType, User, UserPaymentMethod
from accounts.models.kyc import KycLevel, KycStatus
from ads import services as ad_services
from ads.models import Ad, Side
from core.models import FiatCurrency
from escrow import services as ledger_services
from escrow.models import AccountKind, Asset
from merchants.models import Merchant, MerchantApplication, MerchantStatus, MerchantTier
from orders.models import Order

PRICE = Decimal("10.00")
ORDER_UNITS = Decimal(10)
ORDER_FIAT = PRICE * ORDER_UNITS  # 100.00 HKD buys 10 units
SEED_AMOUNT = Decimal(10) ** 9


@dataclass
class Market:
    suffix: str
    asset: Asset
    fiat: FiatCurrency
    merchant: User
    method: UserPaymentMethod


def bench_users(role: str, suffix: str, count: int) -> list[User]:
    """Buyers that may trade: verified email, approved identity (level 0 has no HKD allowance),
    joined 30 days ago (no new-account risk hold). No password: they log in by session."""
    users = []
    for index in range(count):
        name = f"bench-hot-{role}{index:04d}-{suffix.lower()}"
        users.append(User.objects.create_user(username=name, email=f"{name}@bench.local"))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    KycSubmission.objects.bulk_create(
        KycSubmission(
            user=user,
            level=KycLevel.IDENTITY,
            status=KycStatus.APPROVED,
            legal_name="Bench Buyer",
            reviewed_at=timezone.now(),
        )
        for user in users
    )
    User.objects.filter(pk__in=[user.pk for user in users]).update(
        date_joined=timezone.now() - timedelta(days=30)
    )
    return list(User.objects.filter(pk__in=[user.pk for user in users]).order_by("pk"))


def create_market(suffix: str) -> Market:
    """A fresh asset, HKD, and an active merchant holding SEED_AMOUNT with a payment method."""
    asset = Asset.objects.create(
        symbol=f"H{suffix}", name=f"Bench hot-ad asset {suffix}", precision=6
    )
    fiat, _ = FiatCurrency.objects.get_or_create(
        code="HKD", defaults={"name": "Hong Kong dollar", "minor_units": 2}
    )
    merchant_user = bench_users("merchant", suffix, 1)[0]
    tier = MerchantTier.objects.create(
        code=f"bench-hot-{suffix.lower()}",
        name=f"Bench {suffix}",
        badge_label="Bench",
        collateral_asset=asset,
        collateral_amount=Decimal(100),
    )
    name = f"Bench merchant {suffix}"
    application = MerchantApplication.objects.create(
        user=merchant_user, display_name=name, contact="bench", tier=tier, status="approved"
    )
    Merchant.objects.create(
        user=merchant_user,
        display_name=name,
        tier=tier,
        status=MerchantStatus.ACTIVE,
        application=application,
        on_break=False,
        open_now=True,
    )
    kind = PaymentMethodType.objects.create(
        code=f"bench-hot-{suffix.lower()}", name=f"Bench pay {suffix}", enabled=True
    )
    kind.fiats.set([fiat])
    method = UserPaymentMethod.objects.create(
        user=merchant_user, method_type=kind, holder_name="Bench Merchant", details={"account": "1"}
    )
    ledger_services.deposit(
        owner=merchant_user,
        asset=asset,
        amount=SEED_AMOUNT,
        ref=f"bench:{suffix}",
        idempotency_key=f"bench:{suffix}:deposit",
    )
    return Market(suffix=suffix, asset=asset, fiat=fiat, merchant=merchant_user, method=method)


def create_hot_ad(market: Market, orders_covered: int) -> Ad:
    """An online sell ad at PRICE whose quantity covers exactly `orders_covered` orders."""
    ad = ad_services.ad_create(
        actor=market.merchant,
        side=Side.SELL,
        asset=market.asset,
        fiat=market.fiat,
        total_quantity=ORDER_UNITS * orders_covered,
        price_type="fixed",
        fixed_price=PRICE,
        margin_percent=None,
        min_order_fiat=ORDER_FIAT,
        max_order_fiat=Decimal(5000),
        payment_window_minutes=15,
        terms="Benchmark ad.",
        auto_reply="",
        min_kyc_level=0,
        min_account_age_days=0,
        min_completed_orders=0,
        min_completion_rate=Decimal(0),
        payment_method_ids=[market.method.pk],
    )
    return ad_services.ad_go_online(actor=market.merchant, ad_id=ad.pk)


@dataclass
class AdCheck:
    label: str
    public_id: str
    expected_orders: int
    placed_reported: int
    orders_in_db: int
    total: Decimal
    remaining: Decimal
    escrow_sum: Decimal

    @property
    def problems(self) -> list[str]:
        found = []
        if self.remaining < 0:
            found.append(f"remaining quantity {self.remaining} is below zero")
        if self.orders_in_db != self.expected_orders:
            found.append(f"{self.orders_in_db} orders, the quantity covers {self.expected_orders}")
        if self.placed_reported != self.orders_in_db:
            found.append(f"{self.placed_reported} reported placed, {self.orders_in_db} in the db")
        if self.escrow_sum != self.total - self.remaining:
            found.append(
                f"orders' escrow {self.escrow_sum} != total - remaining "
                f"{self.total - self.remaining}"
            )
        return found


def check_ad(label: str, ad: Ad, expected: int, placed: int) -> AdCheck:
    ad.refresh_from_db()
    orders = Order.objects.filter(ad=ad)
    return AdCheck(
        label=label,
        public_id=ad.public_id,
        expected_orders=expected,
        placed_reported=placed,
        orders_in_db=orders.count(),
        total=ad.total_quantity,
        remaining=ad.remaining_quantity,
        escrow_sum=orders.aggregate(total=Sum("escrow_amount"))["total"] or Decimal(0),
    )


def reserve_problem(market: Market, ads: list[Ad]) -> str:
    """The reservation rule: the ad-reserve account holds what the online sell ads remain."""
    reserve = ledger_services.account_for(
        owner=market.merchant, asset=market.asset, kind=AccountKind.AD_RESERVE
    )
    reserve.refresh_from_db()
    remaining = sum((Ad.objects.get(pk=ad.pk).remaining_quantity for ad in ads), Decimal(0))
    if reserve.spendable != remaining:
        return f"ad reserve spendable {reserve.spendable} != remaining on the ads {remaining}"
    return ""
