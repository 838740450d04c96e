"""The market: which ads are listed, at what price, and in what order.

Everything that decides a page happens in SQL, so a page is one query (plus a count and two
prefetches) whatever its size:

- visibility: the ad is online, its merchant is active, not on a break and open now, its asset
  and fiat are enabled, it has a price, and its remainder at that price covers its minimum;
- price: the fixed price, or the fresh index x margin / 100 rounded half up to the fiat's minor
  units. This is `ads.pricing.ad_price` written in SQL; the two must always agree (tested);
- order: the best price for the user first (the Buy tab lists ads that sell, cheapest first; the
  Sell tab lists ads that buy, dearest first), then the merchant's 30-day completion rate, then
  the oldest ad.

Bad filter values never fail: an unknown asset, fiat or payment type falls back to the default,
an amount that is not a positive number is ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Round
from django.utils import timezone

from accounts.models import PaymentMethodType, UserPaymentMethod
from accounts.selectors_figures import (
    FIGURES_DAYS,
    TradeFigures,
    completion_rate_sql,
    trade_figures,
)
from core.models import FiatCurrency
from core.money import format_amount, format_fiat, quantum, to_decimal
from escrow.models import Asset
from merchants.models import Merchant, MerchantStatus
from merchants.selectors import merchant_public_figures

from .models import Ad, AdStatus, PriceIndex, PriceType, Side

PAGE_SIZE = 20
PROFILE_ADS_PER_SIDE = 50
DEFAULT_ASSET = "USDT"

TAB_BUY = "buy"  # the user buys: ads whose merchant sells
TAB_SELL = "sell"  # the user sells: ads whose merchant buys
TAB_SIDE = {TAB_BUY: Side.SELL, TAB_SELL: Side.BUY}

_PRICE: DecimalField = DecimalField(max_digits=28, decimal_places=8)
_WIDE: DecimalField = DecimalField(max_digits=60, decimal_places=26)
# Largest amount a user may type in the amount filter (FiatField holds 16 integer digits).
_AMOUNT_MAX = Decimal("1e16")


# --- prices in SQL ---------------------------------------------------------------------------


def _fresh_index_price() -> Subquery:
    """The (asset, fiat) index price when it is fresh, else NULL (floating ads then hide).

    Freshness is `ads.pricing.index_is_fresh` in SQL, with the same clock (the app's)."""
    cutoff = timezone.now() - timedelta(seconds=settings.PRICE_INDEX_MAX_AGE_SECONDS)
    fresh = PriceIndex.objects.filter(
        asset=OuterRef("asset_id"), fiat=OuterRef("fiat_id"), updated_at__gte=cutoff
    )
    # (asset, fiat) is unique: no ordering needed (the model's default would add two joins)
    return Subquery(fresh.order_by().values("price")[:1], output_field=_PRICE)


def price_expression() -> Case:
    """Fiat per unit: `ads.pricing.ad_price` in SQL.

    PostgreSQL's ROUND(numeric, n) rounds half away from zero, which for positive prices is
    half up. The margin is applied as `x 0.01` rather than `/ 100`: numeric multiplication is
    exact, while division rounds at a scale PostgreSQL picks."""
    floating = Round(
        ExpressionWrapper(
            _fresh_index_price() * F("margin_percent") * Value(Decimal("0.01")),
            output_field=_WIDE,
        ),
        F("fiat__minor_units"),  # type: ignore[arg-type]  # any integer expression will do
        output_field=_PRICE,
    )
    return Case(
        When(price_type=PriceType.FIXED, then=F("fixed_price")),
        When(price_type=PriceType.FLOATING, then=floating),
        default=Value(None),
        output_field=_PRICE,
    )


def completion_rate_expression() -> Combinable:
    """The merchant's 30-day completion rate (percent) in SQL, the second sort key: a subquery
    over the daily trade figures of the ad's merchant's user (accounts.TradeDay), NULL for a
    merchant with no order ended in 30 days (sorted after every rated one, then the oldest ad
    wins). Tests replace this function to check the order."""
    return completion_rate_sql(user_ref="merchant__user_id", days=FIGURES_DAYS)


def visible_ads() -> QuerySet[Ad]:
    """Every ad the market lists, annotated with `market_price`, `available_fiat` (remainder x
    price, unrounded) and `merchant_completion_rate`; not ordered, nothing prefetched."""
    return (
        Ad.objects.filter(
            status=AdStatus.ONLINE,
            merchant__status=MerchantStatus.ACTIVE,
            merchant__on_break=False,
            merchant__open_now=True,
            asset__enabled=True,
            fiat__enabled=True,
        )
        .annotate(market_price=price_expression())
        .annotate(
            available_fiat=ExpressionWrapper(
                F("remaining_quantity") * F("market_price"), output_field=_WIDE
            ),
            merchant_completion_rate=completion_rate_expression(),
        )
        .filter(market_price__isnull=False, available_fiat__gte=F("min_order_fiat"))
    )


def _with_row_data(ads: QuerySet[Ad]) -> QuerySet[Ad]:
    """What a market row shows, loaded in a fixed number of queries whatever the page size."""
    methods = UserPaymentMethod.objects.select_related("method_type").order_by(
        "method_type__sort_order", "method_type__name", "pk"
    )
    return ads.select_related("merchant__tier", "asset", "fiat").prefetch_related(
        Prefetch("payment_methods", queryset=methods),
        Prefetch(
            "payment_types", queryset=PaymentMethodType.objects.order_by("sort_order", "name")
        ),
    )


def market_ads(
    *,
    tab: str,
    asset: Asset,
    fiat: FiatCurrency,
    amount: Decimal | None = None,
    payment_type: PaymentMethodType | None = None,
) -> QuerySet[Ad]:
    """The listed ads of one tab, best price for the user first."""
    side = TAB_SIDE.get(tab, Side.SELL)
    ads = visible_ads().filter(side=side, asset=asset, fiat=fiat)
    if amount is not None:
        # the remainder at this price must cover the amount, not only the limits
        covers = Q(available_fiat__gte=amount)
        ads = ads.filter(covers, min_order_fiat__lte=amount, max_order_fiat__gte=amount)
    if payment_type is not None:
        accepted: QuerySet[Any]
        if side == Side.SELL:
            accepted = UserPaymentMethod.objects.filter(
                ads=OuterRef("pk"), method_type=payment_type
            )
        else:
            accepted = PaymentMethodType.objects.filter(ads=OuterRef("pk"), pk=payment_type.pk)
        ads = ads.filter(Exists(accepted))
    price_order = F("market_price").asc() if side == Side.SELL else F("market_price").desc()
    return _with_row_data(ads).order_by(
        price_order, F("merchant_completion_rate").desc(nulls_last=True), "created_at", "pk"
    )


def merchant_visible_ads(*, merchant: Merchant, side: str) -> QuerySet[Ad]:
    """One merchant's listed ads on one side, for their public profile."""
    ads = visible_ads().filter(merchant=merchant, side=side)
    return _with_row_data(ads).order_by("asset__symbol", "fiat__code", "market_price", "pk")


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
