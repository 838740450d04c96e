"""Demo merchants and ads for `make run`: four merchants, both sides, three assets, three fiats,
and the price indexes they follow (every demo asset in USD too, the wallet's reference fiat).

Each step checks what exists first, so seeding twice changes nothing. The merchant program's
demo requirements are relaxed (no 2FA, no account age) so the demo merchants log in with a
password only; a real operator sets them in the admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from accounts.models import PaymentMethodType, User, UserPaymentMethod
from accounts.services.payment_methods import ensure_default_payment_method_types
from ads import services as ads
from ads.models import Ad
from core.models import FiatCurrency
from escrow.models import Asset
from escrow.services.prices import price_index_set
from merchants import services as merchants
from merchants.models import Merchant, MerchantProgram, MerchantTier, TierLimit
from otc.demo_prices import INDEX, REFERENCE_FIAT

TIERS = [
    ("verified", "Verified", "Verified", "#0f766e", "2000", 10),
    ("gold", "Gold", "Gold", "#b7791f", "10000", 20),
]
# Per-order and daily ceilings per tier and fiat.
TIER_LIMITS = {
    "verified": {
        "HKD": ("100000", "1000000"),
        "CNY": ("90000", "900000"),
        "USD": ("15000", "150000"),
    },
    "gold": {
        "HKD": ("800000", "8000000"),
        "CNY": ("700000", "7000000"),
        "USD": ("100000", "1000000"),
    },
}

# How each demo merchant gets paid: payment type code -> details.
METHODS = {
    "bank": {"bank_name": "Demo Bank", "account_number": "012-345678-9", "branch": "Central"},
    "fps": {"fps_id": "+852 5555 0101"},
    "alipay": {"account": "demo@alipay.example"},
    "paypal": {"email": "pay@demo.example"},
}


@dataclass(frozen=True)
class DemoMerchant:
    email: str
    display_name: str
    tier: str
    methods: tuple[str, ...]
    skew: int  # spreads prices and sizes so the merchants' ads differ


DEMO_MERCHANTS = [
    DemoMerchant("merchant.alpha@demo.local", "AlphaOTC", "gold", ("bank", "fps", "paypal"), 0),
    DemoMerchant("merchant.beta@demo.local", "BetaDesk", "verified", ("bank", "alipay"), 1),
    DemoMerchant("merchant.gamma@demo.local", "GammaFX", "verified", ("bank", "fps"), 2),
    DemoMerchant(
        "merchant.delta@demo.local", "DeltaTrade", "gold", ("bank", "alipay", "paypal"), 3
    ),
]

SYMBOLS = ["USDT", "BTC", "ETH"]
# Per asset: sell quantity, and the smallest order in each fiat.
SIZES = {"USDT": Decimal(12000), "BTC": Decimal("0.4"), "ETH": Decimal(6)}
MIN_ORDER = {"HKD": Decimal(500), "CNY": Decimal(500), "USD": Decimal(100)}


@dataclass(frozen=True)
class DemoAd:
    side: str
    symbol: str
    fiat: str
    percent: Decimal  # of the index
    quantity: Decimal
    floating: bool


def demo_ads(spec: DemoMerchant) -> list[DemoAd]:
    """Both sides for most asset/fiat pairs; each merchant a little above or below the rest."""
    ads = []
    for a, symbol in enumerate(SYMBOLS):
        for f, fiat in enumerate(["HKD", "CNY", "USD"]):
            turn = spec.skew + a + f
            quantity = SIZES[symbol] * (Decimal(8) + spec.skew) / 10
            if turn % 4 != 3:
                spread = Decimal("100.3") + Decimal(turn % 5) * Decimal("0.2")
                ads.append(DemoAd("sell", symbol, fiat, spread, quantity, symbol != "USDT"))
            if turn % 3 != 2:
                spread = Decimal("99.7") - Decimal(turn % 4) * Decimal("0.2")
                ads.append(DemoAd("buy", symbol, fiat, spread, quantity, symbol != "USDT"))
    return ads


def _program() -> None:
    MerchantProgram.objects.get_or_create(
        pk=1, defaults={"require_2fa": False, "min_account_age_days": 0}
    )


def _tiers(fiats: dict[str, FiatCurrency]) -> dict[str, MerchantTier]:
    usdt = Asset.objects.get(symbol="USDT")
    tiers = {}
    for code, name, badge, color, collateral, order in TIERS:
        tier, created = MerchantTier.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "badge_label": badge,
                "badge_color": color,
                "collateral_asset": usdt,
                "collateral_amount": Decimal(collateral),
                "sort_order": order,
            },
        )
        if created:
            for fiat_code, (per_order, daily) in TIER_LIMITS[code].items():
                TierLimit.objects.create(
                    tier=tier,
                    fiat=fiats[fiat_code],
                    per_order_max=Decimal(per_order),
                    daily_max=Decimal(daily),
                )
        tiers[code] = tier
    return tiers


def _indexes(assets: dict[str, Asset], fiats: dict[str, FiatCurrency]) -> None:
    """Every price of the demo table, stamped now (floating ads show before beat first runs).
    Every asset must have a price in the reference fiat: withdrawal limits are valued in it."""
    unpriced = [symbol for symbol in SYMBOLS if (symbol, REFERENCE_FIAT) not in INDEX]
    if unpriced:
        raise ValueError(f"the demo prices lack {REFERENCE_FIAT} for {', '.join(unpriced)}")
    for (symbol, code), price in INDEX.items():
        price_index_set(asset=assets[symbol], fiat=fiats[code], price=Decimal(price), source="demo")


def _merchant(spec: DemoMerchant, tier: MerchantTier, admin: User) -> Merchant:
    user = User.objects.get(email=spec.email)
    existing = Merchant.objects.filter(user=user).first()
    if existing is not None:
        return existing
    application = merchants.merchant_apply(
        actor=user,
        display_name=spec.display_name,
        contact=spec.email,
        tier=tier,
        assets=Asset.objects.all(),
        fiats=FiatCurrency.objects.all(),
    )
    return merchants.merchant_approve(application=application, actor=admin)


def _methods(user: User, legal_name: str, codes: tuple[str, ...]) -> list[UserPaymentMethod]:
    from accounts.services.payment_methods import payment_method_add

    saved = list(UserPaymentMethod.objects.filter(user=user).select_related("method_type"))
    have = {m.method_type.code for m in saved}
    saved.extend(
        payment_method_add(
            actor=user,
            method_type=PaymentMethodType.objects.get(code=code),
            holder_name=legal_name,
            details=METHODS[code],
        )
        for code in codes
        if code not in have
    )
    return saved


def _ads(merchant: Merchant, spec: DemoMerchant, methods: list[UserPaymentMethod]) -> None:
    if Ad.objects.filter(merchant=merchant).exists():
        return
    user = merchant.user
    for demo in demo_ads(spec):
        fiat = FiatCurrency.objects.get(code=demo.fiat)
        index = Decimal(INDEX[(demo.symbol, demo.fiat)])
        price = (index * demo.percent / 100).quantize(Decimal("0.01"))
        limit = TierLimit.objects.get(tier=merchant.tier, fiat=fiat).per_order_max
        top = min(limit, (demo.quantity * price / 2 // 1000) * 1000)
        serving = [m.pk for m in methods if m.method_type.fiats.filter(code=demo.fiat).exists()]
        types = PaymentMethodType.objects.filter(fiats__code=demo.fiat, enabled=True)
        ad = ads.ad_create(
            actor=user,
            side=demo.side,
            asset=Asset.objects.get(symbol=demo.symbol),
            fiat=fiat,
            price_type="floating" if demo.floating else "fixed",
            fixed_price=None if demo.floating else price,
            margin_percent=demo.percent if demo.floating else None,
            total_quantity=demo.quantity,
            min_order_fiat=MIN_ORDER[demo.fiat],
            max_order_fiat=max(top, MIN_ORDER[demo.fiat]),
            payment_window_minutes=15,
            terms="Pay from an account in your own name. No third-party payments.",
            auto_reply="Hello! Please pay within the window and mark the order as paid.",
            payment_method_ids=serving[:5] if demo.side == "sell" else None,
            payment_type_ids=list(types.values_list("pk", flat=True)[:3])
            if demo.side == "buy"
            else None,
        )
        ads.ad_go_online(actor=user, ad_id=ad.pk)


def seed_market(*, admin: User, legal_names: dict[str, str]) -> None:
    assets = {a.symbol: a for a in Asset.objects.all()}
    fiats = {f.code: f for f in FiatCurrency.objects.all()}
    ensure_default_payment_method_types()
    _program()
    tiers = _tiers(fiats)
    _indexes(assets, fiats)
    for spec in DEMO_MERCHANTS:
        merchant = _merchant(spec, tiers[spec.tier], admin)
        methods = _methods(merchant.user, legal_names[spec.email], spec.methods)
        _ads(merchant, spec, methods)
