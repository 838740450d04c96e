"""An order's figures: the amount, the fiat total (rounded once), the maker's fee, and what
the seller freezes and the buyer receives."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ads.models import Ad, Side
from ads.pricing import ad_price
from ads.selectors import MakerStanding, ad_hidden_reason
from core.money import (
    AmountOutOfRange,
    fiat_total,
    format_amount,
    has_at_most_places,
    quantize_crypto,
    to_decimal,
)
from escrow.models import PriceIndex

from .errors import OrderError


@dataclass(frozen=True)
class Quote:
    price: Decimal
    amount: Decimal
    fiat_total: Decimal
    fee: Decimal

    def escrow_and_receipt(self, side: str) -> tuple[Decimal, Decimal]:
        """The maker pays the fee: on a sell ad on top of what the seller freezes, on a buy ad
        out of what the buying merchant receives."""
        if side == Side.SELL:
            return self.amount + self.fee, self.amount
        return self.amount, self.amount - self.fee


def quote(ad: Ad, *, price: Decimal, fiat_amount: object = None, amount: object = None) -> Quote:
    """Turn what the user typed (fiat to pay, or crypto to get) into the order's figures."""
    precision, minor = ad.asset.precision, ad.fiat.minor_units
    try:
        if amount not in (None, ""):
            crypto = to_decimal(amount)
            if not has_at_most_places(crypto, precision):
                raise OrderError(
                    _("%(symbol)s has at most %(places)d decimal places.")
                    % {"symbol": ad.asset.symbol, "places": precision}
                )
        elif fiat_amount not in (None, ""):
            crypto = quantize_crypto(to_decimal(fiat_amount) / price, precision)
        else:
            raise OrderError(_("Enter how much to trade."))
    except AmountOutOfRange as error:
        raise OrderError(error.message) from error
    except (TypeError, ValueError) as error:
        raise OrderError(_("Enter the amount as a number.")) from error
    if crypto <= 0:
        raise OrderError(_("The amount must be greater than zero."))
    total = fiat_total(crypto, price, minor)
    rate = to_decimal(settings.MAKER_FEE_RATES.get(ad.asset.symbol, "0"))
    fee = quantize_crypto(crypto * rate, precision)
    return Quote(price=price, amount=crypto, fiat_total=total, fee=fee)


def quote_on(
    ad: Ad,
    index: PriceIndex | None,
    *,
    fiat_amount: object,
    amount: object,
    standing: MakerStanding | None = None,
    payment_checked: bool = False,
) -> Quote:
    """The order's figures on `ad` as it is now; refused when the market does not list the ad
    (its merchant's standing included) or the amount is outside its limits. Pure: run again
    under the ad's lock to see it unchanged."""
    price = ad_price(ad, index)
    hidden = ad_hidden_reason(
        ad, index=index, now=timezone.now(), standing=standing, payment_checked=payment_checked
    )
    if hidden is not None or price is None:
        raise OrderError(_("This ad is not available right now."))
    figures = quote(ad, price=price, fiat_amount=fiat_amount, amount=amount)
    if not ad.min_order_fiat <= figures.fiat_total <= ad.max_order_fiat:
        raise OrderError(
            _("This ad takes orders from %(min)s to %(max)s %(fiat)s.")
            % {
                "min": format_amount(ad.min_order_fiat),
                "max": format_amount(ad.max_order_fiat),
                "fiat": ad.fiat.code,
            }
        )
    return figures
