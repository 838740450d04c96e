"""Orders take from an ad and give back (see the package docstring for the rule they keep)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from core.money import format_crypto, has_at_most_places, to_decimal

from ..models import Ad, AdStatus, Side
from .errors import AdError, AdNotFound
from .reservation import _lock_ad, _move_reservation, reserved_amount


def _order_amount(ad: Ad, amount: object) -> Decimal:
    try:
        value = to_decimal(amount)
    except (TypeError, ValueError) as error:
        raise AdError(_("The amount must be a number.")) from error
    if value <= 0 or not has_at_most_places(value, ad.asset.precision):
        raise AdError(
            _("The amount must be above zero, with at most %(places)s decimals.")
            % {"places": ad.asset.precision}
        )
    return value


def ad_take(*, ad_id: int, amount: object) -> Ad:
    """An order takes `amount` from an online ad: the remainder drops by it.

    For a sell ad the caller freezes the same amount from the merchant's ad-reserve account in
    the same transaction (the reservation then still equals the remainders). Locks the ad row,
    so concurrent orders on one ad queue here and never take more than remains."""
    with transaction.atomic(savepoint=False):  # inside the order's transaction
        ad = _lock_ad(ad_id)
        if ad is None:
            raise AdNotFound(_("There is no such ad."))
        value = _order_amount(ad, amount)
        if ad.status != AdStatus.ONLINE:
            raise AdError(_("This ad is no longer online."))
        if value > ad.remaining_quantity:
            raise AdError(
                _("Only %(left)s %(asset)s remains on this ad; %(amount)s is more than that.")
                % {
                    "left": format_crypto(ad.remaining_quantity, ad.asset.precision),
                    "asset": ad.asset.symbol,
                    "amount": format_crypto(value, ad.asset.precision),
                }
            )
        ad.remaining_quantity -= value
        ad.save(update_fields=["remaining_quantity", "updated_at"])
    return ad


def ad_give_back(*, ad_id: int, amount: object) -> Ad:
    """A canceled order returns `amount` to the ad it took it from (online or not).

    For a sell ad the caller has voided the order's hold first, so the amount is spendable in
    the ad-reserve account again. While the ad is online it stays there (the remainder grows by
    it); when the ad is offline or closed it goes on to the available balance."""
    with transaction.atomic(savepoint=False):  # inside the order's transaction
        ad = _lock_ad(ad_id)
        if ad is None:
            raise AdNotFound(_("There is no such ad."))
        value = _order_amount(ad, amount)
        taken = ad.total_quantity - ad.remaining_quantity
        if value > taken:
            raise AdError(
                _("Orders took only %(taken)s %(asset)s from this ad; %(amount)s cannot come back.")
                % {
                    "taken": format_crypto(taken, ad.asset.precision),
                    "asset": ad.asset.symbol,
                    "amount": format_crypto(value, ad.asset.precision),
                }
            )
        in_reserve = reserved_amount(ad) + (value if ad.side == Side.SELL else Decimal(0))
        ad.remaining_quantity += value
        _move_reservation(ad, in_reserve, reserved_amount(ad))
        ad.save(update_fields=["remaining_quantity", "updated_at"])
    return ad
