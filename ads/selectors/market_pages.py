"""What the market pages show: the filters read from GET parameters, a page of results for a
viewer, and a merchant's public profile (the rows themselves: `market_rows`).

Bad filter values never fail: an unknown asset, fiat, payment type or sort falls back to the
default, an amount that is not a positive number is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet

from accounts.models import PaymentMethodType, User
from accounts.selectors import TradeFigures, trade_figures
from core.models import FiatCurrency
from core.money import format_amount, to_decimal
from escrow.models import Asset
from merchants.models import Merchant, MerchantStatus

from ..models import Ad, AdStatus, Side
from .market import TAB_BUY, TAB_SIDE, market_ads, merchant_visible_ads
from .market_rows import MarketRow, MerchantFigures, market_rows, merchant_figures
from .market_sort import SORT_CHOICES, SORT_DEFAULT, SORTS
from .taker import TakerStanding, taker_standing

PAGE_SIZE = 20
PROFILE_ADS_PER_SIDE = 50
DEFAULT_ASSET = "USDT"
# Largest amount a user may type in the amount filter (FiatField holds 16 integer digits).
_AMOUNT_MAX = Decimal("1e16")


# --- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketFilters:
    tab: str
    asset: Asset | None
    fiat: FiatCurrency | None
    amount: Decimal | None
    payment_type: PaymentMethodType | None
    sort: str = SORT_DEFAULT
    assets: list[Asset] = field(default_factory=list)
    fiats: list[FiatCurrency] = field(default_factory=list)
    payment_types: list[PaymentMethodType] = field(default_factory=list)

    @property
    def side(self) -> str:
        return TAB_SIDE[self.tab]

    @property
    def sort_choices(self) -> tuple[tuple[str, str], ...]:
        return SORT_CHOICES  # type: ignore[return-value]  # lazy labels render as text

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
            # the default is left out: the plain market address stays the plain one
            "sort": self.sort if self.sort != SORT_DEFAULT else "",
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
    sort = params.get("sort", "").strip()
    wanted_type = params.get("payment", "").strip()
    payment_type = next((kind for kind in payment_types if kind.code == wanted_type), None)
    return MarketFilters(
        tab=tab,
        asset=asset,
        fiat=fiat,
        amount=_parse_amount(params.get("amount", "")),
        payment_type=payment_type,
        sort=sort if sort in SORTS else SORT_DEFAULT,
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


def market_page(
    *, params: Mapping[str, str], page_number: str | None, viewer: User | None = None
) -> MarketPage:
    """One page of the market for these GET parameters, as `viewer` sees it (None or anonymous:
    anyone). A signed-in viewer's figures are read once for the page, not per row."""
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
            viewer=viewer,
            sort=filters.sort,
        )
    page = Paginator(ads, PAGE_SIZE).get_page(page_number)
    standing: TakerStanding | None = None
    if viewer is not None and viewer.is_authenticated and page.object_list:
        standing = taker_standing(user=viewer)
    return MarketPage(
        filters=filters,
        page=page,
        rows=market_rows(page, standing=standing),
        query=urlencode(filters.params()),
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


def merchant_profile(*, merchant: Merchant, viewer: User | None = None) -> MerchantProfile:
    """A merchant's public page: badge, figures and listed ads on both sides; ads whose
    counterparty conditions a signed-in `viewer` fails are marked, as on the market."""
    sell_ads = merchant_visible_ads(merchant=merchant, side=Side.SELL)[:PROFILE_ADS_PER_SIDE]
    buy_ads = merchant_visible_ads(merchant=merchant, side=Side.BUY)[:PROFILE_ADS_PER_SIDE]
    figures = merchant_figures(merchant_ids=[merchant.pk]).get(merchant.pk, MerchantFigures())
    standing: TakerStanding | None = None
    if viewer is not None and viewer.is_authenticated and viewer.pk != merchant.user_id:
        standing = taker_standing(user=viewer)
    return MerchantProfile(
        merchant=merchant,
        figures=figures,
        buy_rows=market_rows(sell_ads, standing=standing),
        sell_rows=market_rows(buy_ads, standing=standing),
        feedback=trade_figures(user=merchant.user_id, days=None),
    )
