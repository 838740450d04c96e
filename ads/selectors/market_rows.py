"""The market's display rows: the merchant's figures beside each ad, its price and limits in
the fiat's units, its payment methods, and, for a signed-in viewer, the counterparty condition
of the ad they do not meet (the row is shown, marked, rather than hidden)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _

from core.money import format_amount, format_crypto, format_fiat, quantum, to_decimal
from merchants.models import Merchant
from merchants.selectors import duration_text, merchant_public_figures

from ..models import Ad, Side
from .taker import TakerStanding, taker_unmet_reason

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
    # the first counterparty condition the viewer fails (None: they meet them, or anonymous)
    unmet_reason: str | None = None
    release_display: str = ""  # the merchant's average release time, "" when not annotated

    @property
    def merchant(self) -> Merchant:
        return self.ad.merchant


def _payment_names(ad: Ad) -> list[str]:
    if ad.side == Side.SELL:
        names = [method.method_type.display_name for method in ad.payment_methods.all()]
    else:
        names = [kind.name for kind in ad.payment_types.all()]
    return list(dict.fromkeys(names))  # one name per type, in order


def order_url(ad: Ad) -> str:
    """Where a user opens an order on `ad` (the orders app serves it)."""
    return f"/orders/new/{ad.public_id}/"


def _release_display(ad: Ad) -> str:
    if not hasattr(ad, "merchant_release_seconds"):
        return ""
    return duration_text(ad.merchant_release_seconds)


def market_rows(ads: Iterable[Ad], *, standing: TakerStanding | None = None) -> list[MarketRow]:
    """Display rows for annotated ads (from `market_ads` / `merchant_visible_ads`); `standing`:
    the viewer's figures, read once for the page, to mark ads whose conditions they fail."""
    ads = list(ads)
    figures = merchant_figures(merchant_ids=[ad.merchant_id for ad in ads])
    rows = []
    for ad in ads:
        price: Decimal = ad.market_price  # type: ignore[attr-defined]
        minor = ad.fiat.minor_units
        # The most one order can take: the ad's maximum, or what the remainder covers.
        covered = (ad.remaining_quantity * price).quantize(quantum(minor), rounding=ROUND_DOWN)
        if ad.side == Side.SELL:
            action = _("Buy %(asset)s") % {"asset": ad.asset.symbol}
        else:
            action = _("Sell %(asset)s") % {"asset": ad.asset.symbol}
        rows.append(
            MarketRow(
                ad=ad,
                price=price,
                price_display=format_fiat(price, minor),
                available_display=format_crypto(ad.remaining_quantity, ad.asset.precision),
                min_display=format_fiat(ad.min_order_fiat, minor),
                max_display=format_fiat(min(ad.max_order_fiat, covered), minor),
                payment_names=_payment_names(ad),
                figures=figures.get(ad.merchant_id, MerchantFigures()),
                action_label=action,
                order_url=order_url(ad),
                unmet_reason=taker_unmet_reason(ad, standing) if standing else None,
                release_display=_release_display(ad),
            )
        )
    return rows
