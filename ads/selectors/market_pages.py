"""What the market pages show: merchant figures, display rows, the filters read from GET
parameters, a page of results, and a merchant's public profile.

Bad filter values never fail: an unknown asset, fiat or payment type falls back to the default,
an amount that is not a positive number is ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet

from accounts.models import PaymentMethodType
from accounts.selectors import TradeFigures, trade_figures
from core.models import FiatCurrency
from core.money import format_amount, format_fiat, quantum, to_decimal
from escrow.models import Asset
from merchants.models import Merchant, MerchantStatus
from merchants.selectors import merchant_public_figures

from ..models import Ad, AdStatus, Side
from .market import TAB_BUY, TAB_SIDE, market_ads, merchant_visible_ads

PAGE_SIZE = 20
PROFILE_ADS_PER_SIDE = 50
DEFAULT_ASSET = "USDT"
# Largest amount a user may type in the amount filter (FiatField holds 16 integer digits).
_AMOUNT_MAX = Decimal("1e16")


# --- merchant figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class MerchantFigures:
    orders_30d: int = 0  # orders ended in 30 days: completed, or canceled through the merchant
    completion_rate: Decimal | None = None  # percent; None until the merchant has orders

    @property
    def completion_rate_display(self) -> str:
        """98.50 -> "98.5%", 100.00 -> "100%", no orders yet -> "—"."""
        if self.completion_rate is None:
            return "—"
        return format_amount(self.completion_rate.quantize(quantum(2), rounding=ROUND_DOWN)) + "%"


def merchant_figures(*, merchant_ids: Iterable[int]) -> dict[int, MerchantFigures]:
    """30-day orders and completion rate per merchant, from the merchants app, in one call."""
    ids = list(dict.fromkeys(merchant_ids))
    found = merchant_public_figures(merchant_ids=ids) if ids else {}
    figures = {}
    for merchant_id in ids:
        raw = found.get(merchant_id) or {}
        rate = raw.get("completion_rate")
        figures[merchant_id] = MerchantFigures(
            orders_30d=int(raw.get("orders_30d") or 0),
            completion_rate=to_decimal(rate) if rate is not None else None,
        )
    return figures


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketRow:
    ad: Ad
    price: Decimal
    price_display: str
    available_display: str
    min_display: str
    max_display: str
    payment_names: list[str]
    figures: MerchantFigures
    action_label: str
    order_url: str

    @property
    def merchant(self) -> Merchant:
        return self.ad.merchant


def _payment_names(ad: Ad) -> list[str]:
    if ad.side == Side.SELL:
        names = [method.method_type.name for method in ad.payment_methods.all()]
    else:
        names = [kind.name for kind in ad.payment_types.all()]
    return list(dict.fromkeys(names))  # one name per type, in order


def order_url(ad: Ad) -> str:
    """Where a user opens an order on `ad` (the orders app serves it)."""
    return f"/orders/new/{ad.public_id}/"


def market_rows(ads: Iterable[Ad]) -> list[MarketRow]:
    """Display rows for annotated ads (from `market_ads` / `merchant_visible_ads`)."""
    ads = list(ads)
    figures = merchant_figures(merchant_ids=[ad.merchant_id for ad in ads])
    rows = []
    for ad in ads:
        price: Decimal = ad.market_price  # type: ignore[attr-defined]
        minor = ad.fiat.minor_units
        # The most one order can take: the ad's maximum, or what the remainder covers.
        covered = (ad.remaining_quantity * price).quantize(quantum(minor), rounding=ROUND_DOWN)
        verb = "Buy" if ad.side == Side.SELL else "Sell"
        rows.append(
            MarketRow(
                ad=ad,
                price=price,
                price_display=format_fiat(price, minor),
                available_display=format_amount(ad.remaining_quantity),
                min_display=format_fiat(ad.min_order_fiat, minor),
                max_display=format_fiat(min(ad.max_order_fiat, covered), minor),
                payment_names=_payment_names(ad),
                figures=figures.get(ad.merchant_id, MerchantFigures()),
                action_label=f"{verb} {ad.asset.symbol}",
                order_url=order_url(ad),
            )
        )
    return rows


# --- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketFilters:
    tab: str
    asset: Asset | None
    fiat: FiatCurrency | None
    amount: Decimal | None
    payment_type: PaymentMethodType | None
    assets: list[Asset] = field(default_factory=list)
    fiats: list[FiatCurrency] = field(default_factory=list)
    payment_types: list[PaymentMethodType] = field(default_factory=list)

    @property
    def side(self) -> str:
        return TAB_SIDE[self.tab]

    @property
    def amount_text(self) -> str:
        return format_amount(self.amount) if self.amount is not None else ""

    def params(self, **changes: str) -> dict[str, str]:
        """The filters as GET parameters (what a link to this view keeps), with `changes`."""
        values = {
            "tab": self.tab,
            "asset": self.asset.symbol if self.asset else "",
            "fiat": self.fiat.code if self.fiat else "",
            "amount": self.amount_text,
            "payment": self.payment_type.code if self.payment_type else "",
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}


def _pick(items: list[Any], attr: str, wanted: str, default: str = "") -> Any:
    by_key = {getattr(item, attr): item for item in items}
    wanted = wanted.strip().upper() if attr in {"symbol", "code"} else wanted
    return by_key.get(wanted) or by_key.get(default) or (items[0] if items else None)


def _parse_amount(text: str) -> Decimal | None:
    text = text.strip().replace(",", "")
    if not text:
        return None
    try:
        value = to_decimal(text)
    except (TypeError, ValueError):
        return None
    if value <= 0 or value >= _AMOUNT_MAX:
        return None
    return value


def _busiest_fiat_code() -> str:
    """The currency with the most online ads: the market's default when none is chosen."""
    busiest = (
        Ad.objects.filter(status=AdStatus.ONLINE, fiat__enabled=True)
        .values("fiat__code")
        .annotate(ads=Count("pk"))
        .order_by("-ads", "fiat__code")
        .first()
    )
    return str(busiest["fiat__code"]) if busiest else ""


def parse_market_filters(params: Mapping[str, str]) -> MarketFilters:
    """Read the market's GET parameters. Never raises; unusable values fall back."""
    tab = params.get("tab", "")
    tab = tab if tab in TAB_SIDE else TAB_BUY
    assets = list(Asset.objects.filter(enabled=True).order_by("symbol"))
    fiats = list(FiatCurrency.objects.filter(enabled=True).order_by("code"))
    asset = _pick(assets, "symbol", params.get("asset", ""), DEFAULT_ASSET)
    wanted_fiat = params.get("fiat", "").strip().upper()
    if wanted_fiat not in {currency.code for currency in fiats}:
        wanted_fiat = getattr(settings, "MARKET_DEFAULT_FIAT", "") or _busiest_fiat_code()
    fiat = _pick(fiats, "code", wanted_fiat)
    payment_types: list[PaymentMethodType] = []
    if fiat is not None:
        payment_types = list(
            PaymentMethodType.objects.filter(enabled=True, fiats=fiat).order_by(
                "sort_order", "name"
            )
        )
    wanted_type = params.get("payment", "").strip()
    payment_type = next((kind for kind in payment_types if kind.code == wanted_type), None)
    return MarketFilters(
        tab=tab,
        asset=asset,
        fiat=fiat,
        amount=_parse_amount(params.get("amount", "")),
        payment_type=payment_type,
        assets=assets,
        fiats=fiats,
        payment_types=payment_types,
    )


# --- pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketPage:
    filters: MarketFilters
    page: Page[Ad]
    rows: list[MarketRow]
    query: str  # the filters as a query string, for pagination links


def market_page(*, params: Mapping[str, str], page_number: str | None) -> MarketPage:
    """One page of the market for these GET parameters."""
    filters = parse_market_filters(params)
    if filters.asset is None or filters.fiat is None:
        ads: QuerySet[Ad] = Ad.objects.none()
    else:
        ads = market_ads(
            tab=filters.tab,
            asset=filters.asset,
            fiat=filters.fiat,
            amount=filters.amount,
            payment_type=filters.payment_type,
        )
    page = Paginator(ads, PAGE_SIZE).get_page(page_number)
    return MarketPage(
        filters=filters, page=page, rows=market_rows(page), query=urlencode(filters.params())
    )


@dataclass(frozen=True)
class MerchantProfile:
    merchant: Merchant
    figures: MerchantFigures
    buy_rows: list[MarketRow]  # their sell ads: the user buys
    sell_rows: list[MarketRow]  # their buy ads: the user sells
    feedback: TradeFigures  # all time: positive and negative feedback received


def merchant_public_get(*, display_name: str) -> Merchant | None:
    """A merchant by public name; revoked and resigned merchants have no public page."""
    return (
        Merchant.objects.select_related("tier", "user")
        .exclude(status__in=[MerchantStatus.REVOKED, MerchantStatus.RESIGNED])
        .filter(display_name=display_name)
        .first()
    )


def merchant_profile(*, merchant: Merchant) -> MerchantProfile:
    """A merchant's public page: badge, figures and listed ads on both sides."""
    sell_ads = merchant_visible_ads(merchant=merchant, side=Side.SELL)[:PROFILE_ADS_PER_SIDE]
    buy_ads = merchant_visible_ads(merchant=merchant, side=Side.BUY)[:PROFILE_ADS_PER_SIDE]
    figures = merchant_figures(merchant_ids=[merchant.pk]).get(merchant.pk, MerchantFigures())
    return MerchantProfile(
        merchant=merchant,
        figures=figures,
        buy_rows=market_rows(sell_ads),
        sell_rows=market_rows(buy_ads),
        feedback=trade_figures(user=merchant.user_id, days=None),
    )
