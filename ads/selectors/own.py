"""The merchant's own ads: their list with each ad's price and why it is hidden, one ad by
public id, the ad form's options, and whether open ads keep a resignation waiting."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.utils import timezone

from accounts.models import PaymentMethodType, User, UserPaymentMethod
from accounts.selectors import payment_method_types_enabled, payment_methods_for_user
from core.models import FiatCurrency
from core.money import format_amount
from escrow.models import Asset, PriceIndex
from escrow.selectors import index_fresh_at, price_indexes_by_pair, price_indexes_enabled
from merchants.models import Merchant

from ..models import Ad, AdStatus, PriceType, Side
from ..pricing import ad_price
from ..services import reserved_amount
from .market import MakerStanding, ad_hidden_reason, maker_standing

# --- the merchant's own ads ------------------------------------------------------------------


def merchant_for_user(*, user: User) -> Merchant | None:
    """The merchant record of `user` (whatever its status), or None for everyone else."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Merchant.objects.select_related("tier").filter(user_id=user.pk).first()


def _with_ad_details(ads: QuerySet[Ad]) -> QuerySet[Ad]:
    methods = UserPaymentMethod.objects.select_related("method_type")
    return ads.select_related("merchant", "merchant__user", "asset", "fiat").prefetch_related(
        Prefetch("payment_methods", queryset=methods),
        Prefetch("payment_types", queryset=PaymentMethodType.objects.all()),
    )


def ads_for_merchant(*, user: User) -> QuerySet[Ad]:
    """The user's own ads, closed ones last, newest first within each group."""
    closed_last = Case(When(status=AdStatus.CLOSED, then=Value(1)), default=Value(0))
    ads = Ad.objects.filter(merchant__user_id=user.pk)
    return _with_ad_details(ads).order_by(closed_last, "-created_at", "-pk")


def ad_for_owner(*, user: User, public_id: str) -> Ad | None:
    """One of the user's own ads by its public id; None for anyone else's (callers answer 404)."""
    if not getattr(user, "is_authenticated", False) or not public_id:
        return None
    return (
        _with_ad_details(Ad.objects.filter(merchant__user_id=user.pk))
        .filter(public_id=public_id)
        .first()
    )


def price_indexes_for(ads: Iterable[Ad]) -> dict[tuple[int, int], PriceIndex]:
    """The price index of each (asset, fiat) pair the floating ads among `ads` follow."""
    return price_indexes_by_pair(
        pairs={(ad.asset_id, ad.fiat_id) for ad in ads if ad.price_type == PriceType.FLOATING}
    )


def fiat_text(value: Decimal, minor_units: int) -> str:
    """A fiat figure in plain notation, padded to the currency's minor units, never cut."""
    text = format_amount(value)
    places = len(text.partition(".")[2])
    return text if places >= minor_units else f"{value:.{minor_units}f}"


@dataclass(frozen=True)
class AdRow:
    """One line of the merchant's ad list."""

    ad: Ad
    price: Decimal | None  # fiat per unit now; None for a floating ad without a fresh index
    index_price: Decimal | None  # the index a floating ad follows, fresh or not
    hidden_reason: str | None  # None when the ad is on the market
    reserved: Decimal  # what the ad holds in the ad reserve
    percent_left: int  # remaining / total, 0-100, for the progress bar

    @property
    def price_text(self) -> str:
        """The price with at least the currency's minor units: 7.8 HKD -> "7.80"."""
        return "" if self.price is None else fiat_text(self.price, self.ad.fiat.minor_units)

    @property
    def taken(self) -> Decimal:
        return self.ad.total_quantity - self.ad.remaining_quantity

    @property
    def is_sell(self) -> bool:
        return self.ad.side == Side.SELL


def ad_row(
    *,
    ad: Ad,
    index: PriceIndex | None,
    now: datetime | None = None,
    standing: MakerStanding | None = None,
) -> AdRow:
    now = now or timezone.now()
    price = ad_price(ad, index)
    if price is not None and ad.price_type == PriceType.FLOATING and index is not None:
        price = price if index_fresh_at(index, now) else None
    total = ad.total_quantity
    percent = int(ad.remaining_quantity * 100 / total) if total > 0 else 0
    return AdRow(
        ad=ad,
        price=price,
        index_price=index.price if index is not None else None,
        hidden_reason=ad_hidden_reason(ad, index=index, now=now, standing=standing),
        reserved=reserved_amount(ad),
        percent_left=max(0, min(100, percent)),
    )


def ad_rows_for_merchant(*, user: User, now: datetime | None = None) -> list[AdRow]:
    """The user's ads with their current price and why each is hidden, for the ad list."""
    now = now or timezone.now()
    ads = list(ads_for_merchant(user=user))
    indexes = price_indexes_for(ads)
    standing = maker_standing(user=user)
    return [
        ad_row(ad=ad, index=indexes.get((ad.asset_id, ad.fiat_id)), now=now, standing=standing)
        for ad in ads
    ]


def ad_row_for_owner(*, user: User, public_id: str) -> AdRow | None:
    """One row of the list again (after the online/offline switch), or None for others' ads."""
    ad = ad_for_owner(user=user, public_id=public_id)
    if ad is None:
        return None
    return ad_row(ad=ad, index=price_indexes_for([ad]).get((ad.asset_id, ad.fiat_id)))


@dataclass(frozen=True)
class IndexLine:
    asset: str
    fiat: str
    price: Decimal
    updated_at: datetime
    fresh: bool


def price_indexes_current(*, now: datetime | None = None) -> list[IndexLine]:
    """Every price index with whether it is fresh, for the ad form's floating-price hint."""
    now = now or timezone.now()
    return [
        IndexLine(
            asset=index.asset.symbol,
            fiat=index.fiat.code,
            price=index.price,
            updated_at=index.updated_at,
            fresh=index_fresh_at(index, now),
        )
        for index in price_indexes_enabled()
    ]


@dataclass(frozen=True)
class AdFormOptions:
    """What the create / edit form offers a merchant."""

    assets: QuerySet[Asset]
    fiats: QuerySet[FiatCurrency]
    payment_methods: QuerySet[UserPaymentMethod]  # own saved methods, for sell ads
    payment_types: QuerySet[PaymentMethodType]  # enabled types, for buy ads


def ad_form_options(*, user: User) -> AdFormOptions:
    return AdFormOptions(
        assets=Asset.objects.filter(enabled=True).order_by("symbol"),
        fiats=FiatCurrency.objects.filter(enabled=True).order_by("code"),
        payment_methods=payment_methods_for_user(user=user).prefetch_related("method_type__fiats"),
        payment_types=payment_method_types_enabled(),
    )


def merchant_has_open_ads(*, merchant: Merchant) -> bool:
    """Any ad not yet closed (online or offline) keeps a resignation from completing."""
    return Ad.objects.filter(merchant=merchant).exclude(status=AdStatus.CLOSED).exists()
