"""Creating and editing ads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict, Unpack

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.config.maintenance import NEW_ADS, switched_off
from core.ids import random_id
from core.models import FiatCurrency
from escrow.models import Asset
from merchants.models import Merchant
from risk.engine import alerts_outlive_refusal

from ..models import Ad, AdStatus, Side
from .errors import AdError, AdInvalid, NotAMerchant
from .reservation import _apply_total, _clean_quantity, _lock_own_ad, require_price_near_market
from .validation import _clean_terms, _Terms


def new_public_id() -> str:
    """Ads are named by this in URLs."""
    return random_id(10, prefix="AD")


class _RequiredTerms(TypedDict):
    price_type: str
    min_order_fiat: object
    max_order_fiat: object
    payment_window_minutes: object


class AdTerms(_RequiredTerms, total=False):
    """What `ad_create` and `ad_update` take besides the ad's side, asset, fiat and quantity, as
    the merchant entered it (`_clean_terms` checks it). Left out, a price is None, a text empty,
    a condition 0 and the payment choices none."""

    fixed_price: object
    margin_percent: object
    terms: str
    auto_reply: str
    min_kyc_level: object
    min_account_age_days: object
    min_completed_orders: object
    min_completion_rate: object
    payment_method_ids: Iterable[object] | None
    payment_type_ids: Iterable[object] | None


def _clean(
    caller: str, merchant: Merchant, side: str, fiat: FiatCurrency, terms: AdTerms
) -> _Terms:
    """The terms `caller` was given, checked, with the defaults filled in."""
    # The TypeErrors Python raised when each term was a parameter of its own.
    unknown = sorted(terms.keys() - AdTerms.__required_keys__ - AdTerms.__optional_keys__)
    if unknown:
        raise TypeError(f"{caller}() got an unexpected keyword argument {unknown[0]!r}")
    missing = sorted(AdTerms.__required_keys__ - terms.keys())
    if missing:
        raise TypeError(f"{caller}() missing required keyword-only argument: {missing[0]!r}")
    return _clean_terms(
        merchant=merchant,
        side=side,
        fiat=fiat,
        price_type=terms["price_type"],
        fixed_price=terms.get("fixed_price"),
        margin_percent=terms.get("margin_percent"),
        min_order_fiat=terms["min_order_fiat"],
        max_order_fiat=terms["max_order_fiat"],
        payment_window_minutes=terms["payment_window_minutes"],
        terms=terms.get("terms", ""),
        auto_reply=terms.get("auto_reply", ""),
        min_kyc_level=terms.get("min_kyc_level", 0),
        min_account_age_days=terms.get("min_account_age_days", 0),
        min_completed_orders=terms.get("min_completed_orders", 0),
        min_completion_rate=terms.get("min_completion_rate", 0),
        payment_method_ids=terms.get("payment_method_ids"),
        payment_type_ids=terms.get("payment_type_ids"),
    )


def _active_merchant(user: User) -> Merchant:
    merchant = Merchant.objects.select_related("user").filter(user_id=user.pk).first()
    if merchant is None:
        raise NotAMerchant(_("Only merchants can post ads. Apply to become one first."))
    if not merchant.is_active:
        raise NotAMerchant(
            _("Your merchant account is %(status)s: you cannot post or edit ads.")
            % {"status": merchant.get_status_display().lower()}
        )
    return merchant


def ad_create(
    *,
    actor: User,
    side: str,
    asset: Asset,
    fiat: FiatCurrency,
    total_quantity: object,
    **terms: Unpack[AdTerms],
) -> Ad:
    """A new ad, offline: nothing is reserved until the merchant puts it online.

    Sell ads name 1-5 of the merchant's saved methods (`payment_method_ids`), buy ads 1-5
    enabled payment method types (`payment_type_ids`); both must serve the fiat."""
    paused = switched_off(NEW_ADS)
    if paused:
        raise AdError(paused)
    with transaction.atomic(durable=True):
        merchant = _active_merchant(actor)
        if side not in Side.values:
            raise AdInvalid(_("Choose whether you buy or sell."), field="side")
        if asset is None or not asset.enabled:
            raise AdInvalid(_("That asset cannot be traded."), field="asset")
        if fiat is None or not fiat.enabled:
            raise AdInvalid(_("That currency cannot be traded."), field="fiat")
        quantity = _clean_quantity(total_quantity, asset)
        clean = _clean("ad_create", merchant, side, fiat, terms)
        ad = Ad(
            public_id=_unused_public_id(),
            merchant=merchant,
            side=side,
            asset=asset,
            fiat=fiat,
            total_quantity=quantity,
            remaining_quantity=quantity,
            status=AdStatus.OFFLINE,
            **clean.fields(),
        )
        ad.save()
        ad.payment_methods.set(clean.payment_methods)
        ad.payment_types.set(clean.payment_types)
    return ad


def _unused_public_id() -> str:
    while True:  # 32^10 names: a clash is all but impossible, and the column is unique anyway
        candidate = new_public_id()
        if not Ad.objects.filter(public_id=candidate).exists():
            return candidate


def ad_update(
    *,
    actor: User,
    ad_id: int,
    total_quantity: object,
    **terms: Unpack[AdTerms],
) -> Ad:
    """Edit an ad that is not closed (online too: a new total moves the reservation at once,
    and a new price is judged as one going online). Side, asset and fiat never change: close
    the ad and post another instead."""
    with alerts_outlive_refusal(), transaction.atomic(durable=True):
        ad = _lock_own_ad(user=actor, ad_id=ad_id)
        if not ad.merchant.is_active:
            raise NotAMerchant(
                _(
                    "Your merchant account is %(status)s: you can take ads offline or close "
                    "them, but not edit them."
                )
                % {"status": ad.merchant.get_status_display().lower()}
            )
        quantity = _clean_quantity(total_quantity, ad.asset)
        clean = _clean("ad_update", ad.merchant, ad.side, ad.fiat, terms)
        _apply_total(ad, quantity)
        columns = clean.fields()
        for name, value in columns.items():
            setattr(ad, name, value)
        if ad.status == AdStatus.ONLINE:
            require_price_near_market(ad)
        ad.save(update_fields=[*columns, "total_quantity", "remaining_quantity", "updated_at"])
        ad.payment_methods.set(clean.payment_methods)
        ad.payment_types.set(clean.payment_types)
    return ad
