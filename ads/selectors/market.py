"""Which ads the market lists, at what price and in what order: one rule, written twice.

`ad_hidden_reason` says, for one ad, why the market does not list it (in words for its
merchant); `visible_ads` is the same rule in SQL for the listing, so a page is one query (plus a
count and two prefetches) whatever its size. The two must always agree (tested):

- the merchant: active, not on a break, open now, their account active and not paused from the
  side the ad trades (a security cool-down or a lost-dispute pause takes the ads off the market
  until it ends);
- the ad: online, its asset and fiat enabled, a way to be paid (a sell ad's payment methods, a
  buy ad's accepted types, of enabled types);
- the price: the fixed price, or the fresh index x margin / 100 rounded half up to the fiat's
  minor units (`ads.pricing.ad_price` in SQL), and the remainder at that price covers the
  minimum.

Order: by default the best price for the user first (the Buy tab lists ads that sell, cheapest
first; the Sell tab lists ads that buy, dearest first), then the merchant's 30-day completion
rate, then the oldest ad; `market_sort` has the other choices. A viewer never sees their own
ads nor those of a merchant blocked either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
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
from django.utils.translation import gettext as _

from accounts.models import Block, PaymentMethodType, Restriction, User, UserPaymentMethod
from accounts.selectors import FIGURES_DAYS, completion_rate_sql
from core.models import FiatCurrency
from core.money import format_amount, format_crypto
from escrow.models import Asset, PriceIndex
from escrow.selectors import fresh_index_prices, index_fresh_at
from merchants.models import Merchant, MerchantStatus
from risk.restrictions import Action, paused_users, pausing

from ..models import Ad, AdStatus, PriceType, Side
from ..pricing import ad_price
from .market_sort import (
    SORT_DEFAULT,
    completed_orders_expression,
    release_seconds_expression,
    sort_order,
)

TAB_BUY = "buy"  # the user buys: ads whose merchant sells
TAB_SELL = "sell"  # the user sells: ads whose merchant buys
TAB_SIDE = {TAB_BUY: Side.SELL, TAB_SELL: Side.BUY}

_PRICE: DecimalField = DecimalField(max_digits=28, decimal_places=8)
_WIDE: DecimalField = DecimalField(max_digits=60, decimal_places=26)


# --- one ad, in words --------------------------------------------------------------------------


@dataclass(frozen=True)
class MakerStanding:
    """What of an ad's visibility depends on its merchant's account, read once per merchant."""

    active: bool
    sell_pause: Restriction | None
    buy_pause: Restriction | None

    def pause_for(self, side: str) -> Restriction | None:
        return self.sell_pause if side == Side.SELL else self.buy_pause


def maker_standing(*, user: User) -> MakerStanding:
    return MakerStanding(
        active=user.is_active,
        sell_pause=pausing(user=user, action=Action.MAKE_SELL),
        buy_pause=pausing(user=user, action=Action.MAKE_BUY),
    )


def _payment_reason(ad: Ad) -> str | None:
    if ad.side == Side.SELL:
        if not any(m.method_type.enabled for m in ad.payment_methods.all()):
            return _("Hidden: the ad has none of your payment methods left")
    elif not any(kind.enabled for kind in ad.payment_types.all()):
        return _("Hidden: the ad accepts no payment method type the platform offers now")
    return None


def _merchant_reason(ad: Ad, standing: MakerStanding) -> str | None:
    merchant = ad.merchant
    if not merchant.is_active:
        return _("Hidden: your merchant account is %(status)s") % {
            "status": merchant.get_status_display().lower()
        }
    if not standing.active:
        return _("Hidden: your account is deactivated")
    pause = standing.pause_for(ad.side)
    if pause is not None:
        if pause.until:
            return _(
                "Hidden: trading on this side is paused on your account until %(until)s UTC: "
                "%(reason)s"
            ) % {"until": f"{pause.until:%Y-%m-%d %H:%M}", "reason": pause.reason}
        return _("Hidden: trading on this side is paused on your account: %(reason)s") % {
            "reason": pause.reason
        }
    if merchant.on_break:
        return _("Hidden: you are on a break")
    if not merchant.open_now:
        return _("Hidden: outside your business hours")
    return None


def ad_hidden_reason(
    ad: Ad,
    *,
    index: PriceIndex | None,
    now: datetime,
    standing: MakerStanding | None = None,
    payment_checked: bool = False,
) -> str | None:
    """Why the market does not list `ad` now, in words for its merchant; None when it is listed.
    Checked in the order a merchant can act on them: the merchant first, then the ad, then its
    price. `standing`: the merchant's, when the caller read it once for many ads;
    `payment_checked`: the caller already saw the ad can be paid (checking again under a lock
    would cost a query there)."""
    standing = standing or maker_standing(user=ad.merchant.user)
    reason = _merchant_reason(ad, standing)
    if reason is not None:
        return reason
    if ad.status == AdStatus.CLOSED:
        return _("Hidden: the ad is closed")
    if ad.status != AdStatus.ONLINE:
        return _("Hidden: the ad is offline")
    if not ad.asset.enabled:
        return _("Hidden: %(asset)s trading is paused by the platform") % {"asset": ad.asset.symbol}
    if not ad.fiat.enabled:
        return _("Hidden: %(fiat)s trading is paused by the platform") % {"fiat": ad.fiat.code}
    reason = None if payment_checked else _payment_reason(ad)
    if reason is not None:
        return reason
    if ad.price_type == PriceType.FLOATING:
        if index is None:
            return _("Hidden: there is no %(asset)s/%(fiat)s price index yet") % {
                "asset": ad.asset.symbol,
                "fiat": ad.fiat.code,
            }
        if not index_fresh_at(index, now):
            return _("Hidden: the price index is stale")
    price = ad_price(ad, index)
    if price is None:
        return _("Hidden: the price index is stale")
    if ad.remaining_quantity * price < ad.min_order_fiat:
        return _(
            "Hidden: the remaining %(left)s %(asset)s no longer covers the %(minimum)s %(fiat)s "
            "minimum"
        ) % {
            "left": format_crypto(ad.remaining_quantity, ad.asset.precision),
            "asset": ad.asset.symbol,
            "minimum": format_amount(ad.min_order_fiat),
            "fiat": ad.fiat.code,
        }
    return None


# --- prices in SQL ---------------------------------------------------------------------------


def _fresh_index_price() -> Subquery:
    """The (asset, fiat) index price when it is fresh, else NULL (floating ads then hide).

    Freshness is `escrow.selectors.index_is_fresh` in SQL, with the same clock (the app's)."""
    fresh = fresh_index_prices(asset=OuterRef("asset_id"), fiat=OuterRef("fiat_id"))
    return Subquery(fresh[:1], output_field=_PRICE)


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


def _maker_may_trade() -> Q:
    """The merchant's account is active and no restriction pauses the side the ad trades."""
    return (
        Q(merchant__user__is_active=True)
        & ~Q(side=Side.SELL, merchant__user_id__in=paused_users(Action.MAKE_SELL))
        & ~Q(side=Side.BUY, merchant__user_id__in=paused_users(Action.MAKE_BUY))
    )


def visible_ads() -> QuerySet[Ad]:
    """Every ad the market lists, annotated with `market_price`, `available_fiat` (remainder x
    price, unrounded) and `merchant_completion_rate`; not ordered, nothing prefetched."""
    methods = UserPaymentMethod.objects.filter(ads=OuterRef("pk"), method_type__enabled=True)
    types = PaymentMethodType.objects.filter(ads=OuterRef("pk"), enabled=True)
    return (
        Ad.objects.filter(
            _maker_may_trade(),
            status=AdStatus.ONLINE,
            merchant__status=MerchantStatus.ACTIVE,
            merchant__on_break=False,
            merchant__open_now=True,
            asset__enabled=True,
            fiat__enabled=True,
        )
        .annotate(has_method=Exists(methods), has_type=Exists(types))
        .filter(Q(side=Side.SELL, has_method=True) | Q(side=Side.BUY, has_type=True))
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


def _not_for_viewer(viewer: User | None) -> Q:
    """The viewer's own ads, and ads of merchants blocked by or blocking the viewer: they could
    never trade on them, so the market does not list them at all."""
    if viewer is None or not viewer.is_authenticated:
        return Q()
    blocked = Block.objects.filter(blocker=viewer).values("blocked_id")
    blocking = Block.objects.filter(blocked=viewer).values("blocker_id")
    return (
        Q(merchant__user_id=viewer.pk)
        | Q(merchant__user_id__in=blocked)
        | Q(merchant__user_id__in=blocking)
    )


def market_ads(
    *,
    tab: str,
    asset: Asset,
    fiat: FiatCurrency,
    amount: Decimal | None = None,
    payment_type: PaymentMethodType | None = None,
    viewer: User | None = None,
    sort: str = SORT_DEFAULT,
) -> QuerySet[Ad]:
    """The listed ads of one tab for `viewer` (None or anonymous: anyone), in the `sort` order
    (`ads.selectors.market_sort`; the default is the best price for the user first), annotated
    also with `merchant_completed_30d` and `merchant_release_seconds`."""
    side = TAB_SIDE.get(tab, Side.SELL)
    ads = visible_ads().filter(side=side, asset=asset, fiat=fiat).exclude(_not_for_viewer(viewer))
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
    ads = ads.annotate(
        merchant_completed_30d=completed_orders_expression(),
        merchant_release_seconds=release_seconds_expression(),
    )
    price_order = F("market_price").asc() if side == Side.SELL else F("market_price").desc()
    return _with_row_data(ads).order_by(*sort_order(sort, price_order))


def merchant_visible_ads(*, merchant: Merchant, side: str) -> QuerySet[Ad]:
    """One merchant's listed ads on one side, for their public profile."""
    ads = visible_ads().filter(merchant=merchant, side=side)
    return _with_row_data(ads).order_by("asset__symbol", "fiat__code", "market_price", "pk")
