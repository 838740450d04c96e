"""The order form: the ad as a taker sees it, the payment methods they may pay with, and
the live quote."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import PaymentMethodType, User, UserPaymentMethod
from accounts.selectors import payment_methods_for_user
from ads.models import Ad, Side
from ads.pricing import ad_price
from ads.selectors import ad_hidden_reason
from core.errors import DomainError
from core.money import format_crypto, format_fiat, quantum
from escrow.selectors import price_index_for

from ..services import Quote, quote
from .parties import is_user

# --- the order form: the ad as a taker sees it -----------------------------------------------


@dataclass(frozen=True)
class AdOffer:
    """An ad as the order form shows it: its price now and whether it can be taken."""

    ad: Ad
    price: Decimal | None  # fiat per unit now; None when a floating ad has no fresh index
    available: bool  # listed on the market now
    payment_names: list[str]

    @property
    def user_buys(self) -> bool:
        """On a merchant's sell ad the user buys."""
        return self.ad.side == Side.SELL

    @property
    def headline(self) -> str:
        symbol, merchant = self.ad.asset.symbol, self.ad.merchant.display_name
        if self.user_buys:
            return _("You buy %(symbol)s from %(merchant)s") % {
                "symbol": symbol,
                "merchant": merchant,
            }
        return _("You sell %(symbol)s to %(merchant)s") % {"symbol": symbol, "merchant": merchant}

    @property
    def price_display(self) -> str:
        return "" if self.price is None else format_fiat(self.price, self.ad.fiat.minor_units)

    @property
    def min_display(self) -> str:
        return format_fiat(self.ad.min_order_fiat, self.ad.fiat.minor_units)

    @property
    def max_display(self) -> str:
        """The ad's maximum, or what its remainder covers at today's price when that is less."""
        highest = self.ad.max_order_fiat
        if self.price is not None:
            covered = (self.ad.remaining_quantity * self.price).quantize(
                quantum(self.ad.fiat.minor_units)
            )
            highest = min(highest, covered)
        return format_fiat(highest, self.ad.fiat.minor_units)

    @property
    def available_display(self) -> str:
        return format_crypto(self.ad.remaining_quantity, self.ad.asset.precision)


def ad_for_order_form(*, public_id: str) -> AdOffer | None:
    """The ad behind an order form, with its price and whether the market lists it now."""
    if not public_id:
        return None
    ad = (
        Ad.objects.select_related("merchant", "merchant__user", "merchant__tier", "asset", "fiat")
        .prefetch_related(
            Prefetch(
                "payment_methods",
                queryset=UserPaymentMethod.objects.select_related("method_type"),
            ),
            Prefetch("payment_types", queryset=PaymentMethodType.objects.all()),
        )
        .filter(public_id=public_id)
        .first()
    )
    if ad is None:
        return None
    index = price_index_for(asset=ad.asset, fiat_code=ad.fiat.code)
    price = ad_price(ad, index)
    hidden = ad_hidden_reason(ad, index=index, now=timezone.now())
    if ad.side == Side.SELL:
        names = [method.method_type.display_name for method in ad.payment_methods.all()]
    else:
        names = [kind.name for kind in ad.payment_types.all()]
    return AdOffer(
        ad=ad,
        price=price,
        available=hidden is None and price is not None,
        payment_names=list(dict.fromkeys(names)),
    )


def payment_methods_for_ad(*, user: User, ad: Ad) -> list[UserPaymentMethod]:
    """The user's own saved methods whose type a buy ad accepts (where the merchant will pay)."""
    if not is_user(user) or ad.side != Side.BUY:
        return []
    accepted = [kind.pk for kind in ad.payment_types.all()]
    return list(payment_methods_for_user(user=user).filter(method_type_id__in=accepted))


@dataclass(frozen=True)
class QuoteView:
    """What the order form says about what the user typed."""

    quote: Quote | None
    message: str = ""  # why there is no quote
    warning: str = ""  # a quote, but the order would be refused (limits, quantity)
    fiat_total_display: str = ""
    amount_display: str = ""
    price_display: str = ""


def quote_for_form(*, offer: AdOffer, pay_in: str, value: str) -> QuoteView:
    """Turn the form's amount (in fiat or in crypto) into the order's figures, with a friendly
    message instead of an error. The service checks everything again when the order is placed."""
    ad = offer.ad
    if not offer.available or offer.price is None:
        return QuoteView(quote=None, message=_("This ad is not available right now."))
    value = (value or "").strip()
    if not value:
        unit = ad.asset.symbol if pay_in == "crypto" else ad.fiat.code
        return QuoteView(
            quote=None, message=_("Enter an amount in %(unit)s to see the total.") % {"unit": unit}
        )
    try:
        figures = quote(
            ad,
            price=offer.price,
            fiat_amount=value if pay_in != "crypto" else None,
            amount=value if pay_in == "crypto" else None,
        )
    except DomainError as error:
        return QuoteView(quote=None, message=error.message)
    warning = ""
    fiat = ad.fiat.code
    if not ad.min_order_fiat <= figures.fiat_total <= ad.max_order_fiat:
        warning = _("This ad takes orders from %(min)s to %(max)s %(fiat)s.") % {
            "min": offer.min_display,
            "max": offer.max_display,
            "fiat": fiat,
        }
    elif ad.side == Side.SELL and figures.amount + figures.fee > ad.remaining_quantity:
        warning = _("Only %(amount)s %(symbol)s is available on this ad.") % {
            "amount": offer.available_display,
            "symbol": ad.asset.symbol,
        }
    elif ad.side == Side.BUY and figures.amount > ad.remaining_quantity:
        warning = _("This ad buys at most %(amount)s %(symbol)s now.") % {
            "amount": offer.available_display,
            "symbol": ad.asset.symbol,
        }
    minor = ad.fiat.minor_units
    return QuoteView(
        quote=figures,
        warning=warning,
        fiat_total_display=format_fiat(figures.fiat_total, minor),
        amount_display=format_crypto(figures.amount, ad.asset.precision),
        price_display=format_fiat(figures.price, minor),
    )
