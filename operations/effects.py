"""What a risky configuration change would do, said before it is saved: the count of what it
touches now, read from the owning apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ads.selectors.effects import online_ads_count, online_ads_with_window_outside
from escrow.selectors.effects import price_indexes_older_than
from orders.selectors.effects import open_orders_count, takers_at_open_cap


def _windows(value: list[int]) -> str:
    outside = online_ads_with_window_outside(windows=value)
    return ngettext(
        "%(count)d online ad uses a window not in this list; it keeps it until edited.",
        "%(count)d online ads use a window not in this list; they keep it until edited.",
        outside,
    ) % {"count": outside}


def _open_cap(value: int) -> str:
    at_cap = takers_at_open_cap(cap=value)
    return ngettext(
        "%(count)d person already has this many open orders: they keep them but cannot place "
        "another until one ends.",
        "%(count)d people already have this many open orders: they keep them but cannot place "
        "another until one ends.",
        at_cap,
    ) % {"count": at_cap}


def _index_age(value: int) -> str:
    stale = price_indexes_older_than(seconds=value)
    return ngettext(
        "%(count)d price index is older than this now: floating ads on it would leave the "
        "market until it is refreshed.",
        "%(count)d price indexes are older than this now: floating ads on them would leave the "
        "market until they are refreshed.",
        stale,
    ) % {"count": stale}


def _no_orders(value: bool) -> str:
    if not value:
        return _("New orders are taken again.")
    return _("New orders are refused; %(count)d open orders go on to their end.") % {
        "count": open_orders_count()
    }


def _no_ads(value: bool) -> str:
    if not value:
        return _("Ads may be created and put online again.")
    return _("New ads and ads going online are refused; %(count)d online ads stay.") % {
        "count": online_ads_count()
    }


EFFECTS: dict[str, Callable[[Any], str]] = {
    "AD_PAYMENT_WINDOWS": _windows,
    "ORDER_MAX_OPEN_PER_USER": _open_cap,
    "PRICE_INDEX_MAX_AGE_SECONDS": _index_age,
    "MAINTENANCE_NO_NEW_ORDERS": _no_orders,
    "MAINTENANCE_NO_NEW_ADS": _no_ads,
}


def effect_of(key: str, value: Any) -> str:
    """The effect of setting `key` to `value`, or empty when there is nothing to count."""
    describe = EFFECTS.get(key)
    return describe(value) if describe is not None else ""
