"""Every write to ads. The reservation rule lives here:

For each merchant and asset, the spendable balance of the merchant's ad-reserve ledger account
equals the sum of `remaining_quantity` over their online sell ads. Going online reserves the
remainder from the available balance, going offline or closing returns it, editing the total
moves the difference, and an order freezes its amount from the reservation (the ad's remainder
drops by the same amount). Every change locks the ad row first, then the ledger accounts.

Orders (a higher layer) keep the rule with `ad_take` and `ad_give_back`:

- opening an order on a sell ad: `ad_take` (the remainder drops by the amount) and, in the same
  transaction, a hold of that amount from the ad-reserve account to the buyer;
- releasing it: post the hold; the ad is not touched (the crypto was sold);
- canceling it: void the hold (the amount is spendable in the ad-reserve account again), then
  `ad_give_back`, which raises the remainder and, when the ad no longer reserves (offline,
  closed), moves the amount on to the available balance.

Buy ads move no crypto of the merchant's: take and give back only change the remainder.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from accounts.models import PaymentMethodType, User, UserPaymentMethod
from accounts.models.kyc import KycLevel
from accounts.selectors import (
    active_restriction,
    payment_method_types_enabled,
    payment_methods_for_user,
)
from escrow import services as ledger
from escrow.models import AccountKind, Asset, TransferKind
from merchants.models import Merchant, TierLimit
from otc.errors import DomainError
from otc.models import FiatCurrency
from otc.money import format_amount, has_at_most_places, to_decimal

from .models import MARGIN_MAX, MARGIN_MIN, Ad, AdStatus, PriceType, Side

PUBLIC_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

MAX_PAYMENT_CHOICES = 5
MAX_AMOUNT = Decimal(10) ** 20  # NUMERIC(38, 18): 20 integer digits
MAX_PRICE = Decimal(10) ** 20  # NUMERIC(28, 8)
MAX_FIAT = Decimal(10) ** 16  # NUMERIC(20, 4)
PRICE_PLACES = 8
MARGIN_PLACES = 2
MAX_ACCOUNT_AGE_DAYS = 3650
MAX_COMPLETED_ORDERS = 100_000
TERMS_MAX = 2000
AUTO_REPLY_MAX = 1000


class AdError(DomainError):
    code = "ad"


class AdNotFound(AdError):
    code = "not_found"


class NotAMerchant(AdError):
    code = "not_merchant"


class AdInvalid(AdError):
    """A value the merchant entered is refused; `field` names it (a form field name)."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def new_public_id() -> str:
    """Not sequential, not guessable: ads are named by this in URLs."""
    return "AD" + "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(10))


def reserved_amount(ad: Ad) -> Decimal:
    """What this ad holds in the merchant's ad-reserve account right now."""
    if ad.side == Side.SELL and ad.status == AdStatus.ONLINE:
        return ad.remaining_quantity
    return Decimal(0)


def _lock_ad(ad_id: int) -> Ad | None:
    return (
        Ad.objects.select_for_update(of=("self",))
        .select_related("merchant", "merchant__user", "asset", "fiat")
        .filter(pk=ad_id)
        .first()
    )


def _lock_own_ad(*, user: User, ad_id: int) -> Ad:
    ad = _lock_ad(ad_id)
    if ad is None or ad.merchant.user_id != user.pk:
        raise AdNotFound("There is no such ad.")
    if ad.status == AdStatus.CLOSED:
        raise AdError("This ad is closed.")
    return ad


def _move_reservation(ad: Ad, before: Decimal, after: Decimal) -> None:
    """Bring the ledger in line with the ad's reserved amount going from before to after."""
    delta = after - before
    if delta == 0:
        return
    owner = ad.merchant.user
    available = ledger.account_for(owner=owner, asset=ad.asset, kind=AccountKind.AVAILABLE)
    reserve = ledger.account_for(owner=owner, asset=ad.asset, kind=AccountKind.AD_RESERVE)
    debit, credit = (available, reserve) if delta > 0 else (reserve, available)
    try:
        ledger.transfer(
            debit=debit,
            credit=credit,
            amount=abs(delta),
            kind=TransferKind.AD_RESERVE,
            ref=f"ad:{ad.public_id}",
            idempotency_key=f"ad:{ad.public_id}:reserve:{uuid.uuid4().hex}",
        )
    except ledger.InsufficientFunds as error:
        if delta < 0:  # only when a caller broke the rule (gave back what it never voided)
            raise AdError(
                f"The ad reserve does not hold the {format_amount(-delta)} {ad.asset.symbol} "
                f"to return: {error.message}"
            ) from error
        raise AdError(
            f"Not enough {ad.asset.symbol} available to reserve {format_amount(delta)} for "
            f"this ad: {error.message}"
        ) from error


def _require_may_publish(ad: Ad) -> None:
    if not ad.merchant.is_active:
        raise AdError("Only an active merchant can put ads online.")
    if ad.remaining_quantity <= 0:
        raise AdError("Nothing remains on this ad: raise its total quantity to put it online.")
    if ad.side == Side.SELL:
        blocked = active_restriction(user=ad.merchant.user, kind="sell")
        if blocked is not None:
            until = f" until {blocked.until:%Y-%m-%d %H:%M} UTC" if blocked.until else ""
            raise AdError(f"Selling is paused on this account{until}: {blocked.reason}")
        if not ad.payment_methods.exists():
            raise AdError("Add at least one of your payment methods to this ad.")
    elif not ad.payment_types.exists():
        raise AdError("Choose at least one payment method type for this ad.")


def ad_go_online(*, user: User, ad_id: int) -> Ad:
    with transaction.atomic():
        ad = _lock_own_ad(user=user, ad_id=ad_id)
        if ad.status == AdStatus.ONLINE:
            return ad
        _require_may_publish(ad)
        before = reserved_amount(ad)
        ad.status = AdStatus.ONLINE
        _move_reservation(ad, before, reserved_amount(ad))
        ad.save(update_fields=["status", "updated_at"])
    return ad


def ad_go_offline(*, user: User, ad_id: int) -> Ad:
    with transaction.atomic():
        ad = _lock_own_ad(user=user, ad_id=ad_id)
        before = reserved_amount(ad)
        ad.status = AdStatus.OFFLINE
        _move_reservation(ad, before, reserved_amount(ad))
        ad.save(update_fields=["status", "updated_at"])
    return ad


def ad_close(*, user: User, ad_id: int) -> Ad:
    """Close for good; the unreserved remainder goes back to the available balance."""
    with transaction.atomic():
        ad = _lock_own_ad(user=user, ad_id=ad_id)
        before = reserved_amount(ad)
        ad.status = AdStatus.CLOSED
        _move_reservation(ad, before, reserved_amount(ad))
        ad.save(update_fields=["status", "updated_at"])
    return ad


def _clean_quantity(total: object, asset: Asset) -> Decimal:
    try:
        value = to_decimal(total)
    except (TypeError, ValueError) as error:
        raise AdInvalid("The quantity must be a number.", field="total_quantity") from error
    if value <= 0 or value >= MAX_AMOUNT or not has_at_most_places(value, asset.precision):
        raise AdInvalid(
            f"The quantity must be above zero, with at most {asset.precision} decimals.",
            field="total_quantity",
        )
    return value


def _apply_total(ad: Ad, value: Decimal) -> None:
    """On a locked ad: set the total, keep what orders took, move the reservation."""
    taken = ad.total_quantity - ad.remaining_quantity
    if value < taken:
        raise AdInvalid(
            f"Orders already took {format_amount(taken)} {ad.asset.symbol}; the total "
            "cannot be less.",
            field="total_quantity",
        )
    before = reserved_amount(ad)
    ad.total_quantity, ad.remaining_quantity = value, value - taken
    _move_reservation(ad, before, reserved_amount(ad))


def ad_set_total_quantity(*, user: User, ad_id: int, total: object) -> Ad:
    """Change the total; what orders already took stays taken, the rest moves with it."""
    with transaction.atomic():
        ad = _lock_own_ad(user=user, ad_id=ad_id)
        _apply_total(ad, _clean_quantity(total, ad.asset))
        ad.save(update_fields=["total_quantity", "remaining_quantity", "updated_at"])
    return ad


# --- creating and editing ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Terms:
    """Everything about an ad except its side, asset, fiat and quantity, validated."""

    price_type: str
    fixed_price: Decimal | None
    margin_percent: Decimal | None
    min_order_fiat: Decimal
    max_order_fiat: Decimal
    payment_window_minutes: int
    terms: str
    auto_reply: str
    min_kyc_level: int
    min_account_age_days: int
    min_completed_orders: int
    min_completion_rate: Decimal
    payment_methods: list[UserPaymentMethod]
    payment_types: list[PaymentMethodType]

    def fields(self) -> dict[str, object]:
        """The ad's own columns (not the many-to-many payment choices)."""
        return {
            "price_type": self.price_type,
            "fixed_price": self.fixed_price,
            "margin_percent": self.margin_percent,
            "min_order_fiat": self.min_order_fiat,
            "max_order_fiat": self.max_order_fiat,
            "payment_window_minutes": self.payment_window_minutes,
            "terms": self.terms,
            "auto_reply": self.auto_reply,
            "min_kyc_level": self.min_kyc_level,
            "min_account_age_days": self.min_account_age_days,
            "min_completed_orders": self.min_completed_orders,
            "min_completion_rate": self.min_completion_rate,
        }


def _decimal(value: object, *, field: str, label: str) -> Decimal:
    if value is None or value == "":
        raise AdInvalid(f"Enter the {label}.", field=field)
    try:
        return to_decimal(value)
    except (TypeError, ValueError) as error:
        raise AdInvalid(f"The {label} must be a number.", field=field) from error


def _whole(value: object, *, field: str, label: str, low: int, high: int) -> int:
    if isinstance(value, bool) or value is None or value == "":
        raise AdInvalid(f"Enter the {label}.", field=field)
    try:
        number = int(str(value).strip())
    except ValueError as error:
        raise AdInvalid(f"The {label} must be a whole number.", field=field) from error
    if not low <= number <= high:
        raise AdInvalid(f"The {label} must be from {low} to {high}.", field=field)
    return number


def _fiat_amount(value: object, fiat: FiatCurrency, *, field: str, label: str) -> Decimal:
    amount = _decimal(value, field=field, label=label)
    if amount <= 0 or amount >= MAX_FIAT:
        raise AdInvalid(f"The {label} must be above zero.", field=field)
    if not has_at_most_places(amount, fiat.minor_units):
        places = f"{fiat.minor_units} decimals" if fiat.minor_units else "no decimals"
        raise AdInvalid(f"{fiat.code} amounts have {places}.", field=field)
    return amount


def _price(
    price_type: object, fixed_price: object, margin_percent: object
) -> tuple[str, Decimal | None, Decimal | None]:
    if price_type == PriceType.FIXED:
        price = _decimal(fixed_price, field="fixed_price", label="fixed price")
        if price <= 0 or price >= MAX_PRICE or not has_at_most_places(price, PRICE_PLACES):
            raise AdInvalid(
                f"The fixed price must be above zero, with at most {PRICE_PLACES} decimals.",
                field="fixed_price",
            )
        return PriceType.FIXED, price, None
    if price_type == PriceType.FLOATING:
        margin = _decimal(margin_percent, field="margin_percent", label="margin")
        if not (MARGIN_MIN <= margin <= MARGIN_MAX) or not has_at_most_places(
            margin, MARGIN_PLACES
        ):
            raise AdInvalid(
                f"The margin must be from {MARGIN_MIN} % to {MARGIN_MAX} % of the index, "
                f"with at most {MARGIN_PLACES} decimals.",
                field="margin_percent",
            )
        return PriceType.FLOATING, None, margin
    raise AdInvalid("Choose a fixed or a floating price.", field="price_type")


def _ids(values: Iterable[object] | None, *, field: str) -> list[int]:
    ids: list[int] = []
    for value in values or ():
        try:
            number = int(getattr(value, "pk", value))  # type: ignore[call-overload]
        except (TypeError, ValueError) as error:
            raise AdInvalid("That payment method is not on the list.", field=field) from error
        if number not in ids:
            ids.append(number)
    return ids


def _payment_methods(
    *, user: User, fiat: FiatCurrency, ids: Iterable[object] | None
) -> list[UserPaymentMethod]:
    """Sell ads: 1-5 of the merchant's own saved methods whose type serves the fiat."""
    wanted = _ids(ids, field="payment_methods")
    if not 1 <= len(wanted) <= MAX_PAYMENT_CHOICES:
        raise AdInvalid(
            f"Choose 1 to {MAX_PAYMENT_CHOICES} of your saved payment methods: buyers pay you "
            "there.",
            field="payment_methods",
        )
    methods = list(
        payment_methods_for_user(user=user)
        .filter(pk__in=wanted)
        .prefetch_related("method_type__fiats")
    )
    if len(methods) != len(wanted):
        raise AdInvalid("Choose only your own saved payment methods.", field="payment_methods")
    for method in methods:
        kind = method.method_type
        if not kind.enabled:
            raise AdInvalid(f"{kind.name} is no longer accepted.", field="payment_methods")
        if fiat.pk not in {f.pk for f in kind.fiats.all()}:
            raise AdInvalid(f"{kind.name} cannot be used for {fiat.code}.", field="payment_methods")
    return methods


def _payment_types(*, fiat: FiatCurrency, ids: Iterable[object] | None) -> list[PaymentMethodType]:
    """Buy ads: 1-5 enabled payment method types that serve the fiat."""
    wanted = _ids(ids, field="payment_types")
    if not 1 <= len(wanted) <= MAX_PAYMENT_CHOICES:
        raise AdInvalid(
            f"Choose 1 to {MAX_PAYMENT_CHOICES} ways you will pay the seller.",
            field="payment_types",
        )
    types = list(payment_method_types_enabled().filter(pk__in=wanted))
    if len(types) != len(wanted):
        raise AdInvalid("Choose only payment methods that are offered.", field="payment_types")
    for kind in types:
        if fiat.pk not in {f.pk for f in kind.fiats.all()}:
            raise AdInvalid(f"{kind.name} cannot be used for {fiat.code}.", field="payment_types")
    return types


def _clean_terms(
    *,
    merchant: Merchant,
    side: str,
    fiat: FiatCurrency,
    price_type: object,
    fixed_price: object,
    margin_percent: object,
    min_order_fiat: object,
    max_order_fiat: object,
    payment_window_minutes: object,
    terms: object,
    auto_reply: object,
    min_kyc_level: object,
    min_account_age_days: object,
    min_completed_orders: object,
    min_completion_rate: object,
    payment_method_ids: Iterable[object] | None,
    payment_type_ids: Iterable[object] | None,
) -> _Terms:
    kind, fixed, margin = _price(price_type, fixed_price, margin_percent)
    low = _fiat_amount(min_order_fiat, fiat, field="min_order_fiat", label="minimum order")
    high = _fiat_amount(max_order_fiat, fiat, field="max_order_fiat", label="maximum order")
    if low > high:
        raise AdInvalid(
            "The minimum order cannot be more than the maximum order.", field="max_order_fiat"
        )
    tier_max = (
        TierLimit.objects.filter(tier_id=merchant.tier_id, fiat=fiat)
        .values_list("per_order_max", flat=True)
        .first()
    )
    if tier_max is not None and high > tier_max:
        raise AdInvalid(
            f"Your merchant tier allows at most {format_amount(tier_max)} {fiat.code} per order.",
            field="max_order_fiat",
        )
    windows = [int(m) for m in settings.AD_PAYMENT_WINDOWS]
    try:
        window = int(str(payment_window_minutes))
    except ValueError:
        window = -1
    if window not in windows:
        listed = ", ".join(str(m) for m in windows)
        raise AdInvalid(
            f"The payment window must be one of {listed} minutes.", field="payment_window_minutes"
        )
    terms_text = str(terms or "").strip()
    if len(terms_text) > TERMS_MAX:
        raise AdInvalid(f"Keep the terms to {TERMS_MAX} characters.", field="terms")
    reply_text = str(auto_reply or "").strip()
    if len(reply_text) > AUTO_REPLY_MAX:
        raise AdInvalid(f"Keep the auto-reply to {AUTO_REPLY_MAX} characters.", field="auto_reply")
    rate = _decimal(min_completion_rate, field="min_completion_rate", label="completion rate")
    if not (0 <= rate <= 100) or not has_at_most_places(rate, 2):
        raise AdInvalid(
            "The completion rate must be from 0 to 100 %, with at most 2 decimals.",
            field="min_completion_rate",
        )
    user = merchant.user
    sell = side == Side.SELL
    return _Terms(
        price_type=kind,
        fixed_price=fixed,
        margin_percent=margin,
        min_order_fiat=low,
        max_order_fiat=high,
        payment_window_minutes=window,
        terms=terms_text,
        auto_reply=reply_text,
        min_kyc_level=_whole(
            min_kyc_level,
            field="min_kyc_level",
            label="KYC level",
            low=min(KycLevel.values),
            high=max(KycLevel.values),
        ),
        min_account_age_days=_whole(
            min_account_age_days,
            field="min_account_age_days",
            label="account age in days",
            low=0,
            high=MAX_ACCOUNT_AGE_DAYS,
        ),
        min_completed_orders=_whole(
            min_completed_orders,
            field="min_completed_orders",
            label="number of completed orders",
            low=0,
            high=MAX_COMPLETED_ORDERS,
        ),
        min_completion_rate=rate,
        payment_methods=(
            _payment_methods(user=user, fiat=fiat, ids=payment_method_ids) if sell else []
        ),
        payment_types=[] if sell else _payment_types(fiat=fiat, ids=payment_type_ids),
    )


def _active_merchant(user: User) -> Merchant:
    merchant = Merchant.objects.select_related("user").filter(user_id=user.pk).first()
    if merchant is None:
        raise NotAMerchant("Only merchants can post ads. Apply to become one first.")
    if not merchant.is_active:
        raise NotAMerchant(
            f"Your merchant account is {merchant.get_status_display().lower()}: "
            "you cannot post or edit ads."
        )
    return merchant


def ad_create(
    *,
    user: User,
    side: str,
    asset: Asset,
    fiat: FiatCurrency,
    price_type: str,
    fixed_price: object = None,
    margin_percent: object = None,
    total_quantity: object,
    min_order_fiat: object,
    max_order_fiat: object,
    payment_window_minutes: object,
    terms: str = "",
    auto_reply: str = "",
    min_kyc_level: object = 0,
    min_account_age_days: object = 0,
    min_completed_orders: object = 0,
    min_completion_rate: object = 0,
    payment_method_ids: Iterable[object] | None = None,
    payment_type_ids: Iterable[object] | None = None,
) -> Ad:
    """A new ad, offline: nothing is reserved until the merchant puts it online.

    Sell ads name 1-5 of the merchant's saved methods (`payment_method_ids`), buy ads 1-5
    enabled payment method types (`payment_type_ids`); both must serve the fiat."""
    with transaction.atomic():
        merchant = _active_merchant(user)
        if side not in Side.values:
            raise AdInvalid("Choose whether you buy or sell.", field="side")
        if asset is None or not asset.enabled:
            raise AdInvalid("That asset cannot be traded.", field="asset")
        if fiat is None or not fiat.enabled:
            raise AdInvalid("That currency cannot be traded.", field="fiat")
        quantity = _clean_quantity(total_quantity, asset)
        clean = _clean_terms(
            merchant=merchant,
            side=side,
            fiat=fiat,
            price_type=price_type,
            fixed_price=fixed_price,
            margin_percent=margin_percent,
            min_order_fiat=min_order_fiat,
            max_order_fiat=max_order_fiat,
            payment_window_minutes=payment_window_minutes,
            terms=terms,
            auto_reply=auto_reply,
            min_kyc_level=min_kyc_level,
            min_account_age_days=min_account_age_days,
            min_completed_orders=min_completed_orders,
            min_completion_rate=min_completion_rate,
            payment_method_ids=payment_method_ids,
            payment_type_ids=payment_type_ids,
        )
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
    user: User,
    ad_id: int,
    price_type: str,
    fixed_price: object = None,
    margin_percent: object = None,
    total_quantity: object,
    min_order_fiat: object,
    max_order_fiat: object,
    payment_window_minutes: object,
    terms: str = "",
    auto_reply: str = "",
    min_kyc_level: object = 0,
    min_account_age_days: object = 0,
    min_completed_orders: object = 0,
    min_completion_rate: object = 0,
    payment_method_ids: Iterable[object] | None = None,
    payment_type_ids: Iterable[object] | None = None,
) -> Ad:
    """Edit an ad that is not closed (online too: a new total moves the reservation at once).
    Side, asset and fiat never change: close the ad and post another instead."""
    with transaction.atomic():
        ad = _lock_own_ad(user=user, ad_id=ad_id)
        if not ad.merchant.is_active:
            raise NotAMerchant(
                f"Your merchant account is {ad.merchant.get_status_display().lower()}: you can "
                "take ads offline or close them, but not edit them."
            )
        quantity = _clean_quantity(total_quantity, ad.asset)
        clean = _clean_terms(
            merchant=ad.merchant,
            side=ad.side,
            fiat=ad.fiat,
            price_type=price_type,
            fixed_price=fixed_price,
            margin_percent=margin_percent,
            min_order_fiat=min_order_fiat,
            max_order_fiat=max_order_fiat,
            payment_window_minutes=payment_window_minutes,
            terms=terms,
            auto_reply=auto_reply,
            min_kyc_level=min_kyc_level,
            min_account_age_days=min_account_age_days,
            min_completed_orders=min_completed_orders,
            min_completion_rate=min_completion_rate,
            payment_method_ids=payment_method_ids,
            payment_type_ids=payment_type_ids,
        )
        _apply_total(ad, quantity)
        columns = clean.fields()
        for name, value in columns.items():
            setattr(ad, name, value)
        ad.save(update_fields=[*columns, "total_quantity", "remaining_quantity", "updated_at"])
        ad.payment_methods.set(clean.payment_methods)
        ad.payment_types.set(clean.payment_types)
    return ad


# --- orders take from an ad and give back -----------------------------------------------------


def _order_amount(ad: Ad, amount: object) -> Decimal:
    try:
        value = to_decimal(amount)
    except (TypeError, ValueError) as error:
        raise AdError("The amount must be a number.") from error
    if value <= 0 or not has_at_most_places(value, ad.asset.precision):
        raise AdError(f"The amount must be above zero, with at most {ad.asset.precision} decimals.")
    return value


def ad_take(*, ad_id: int, amount: object) -> Ad:
    """An order takes `amount` from an online ad: the remainder drops by it.

    For a sell ad the caller freezes the same amount from the merchant's ad-reserve account in
    the same transaction (the reservation then still equals the remainders). Locks the ad row,
    so concurrent orders on one ad queue here and never take more than remains."""
    with transaction.atomic():
        ad = _lock_ad(ad_id)
        if ad is None:
            raise AdNotFound("There is no such ad.")
        value = _order_amount(ad, amount)
        if ad.status != AdStatus.ONLINE:
            raise AdError("This ad is no longer online.")
        if value > ad.remaining_quantity:
            raise AdError(
                f"Only {format_amount(ad.remaining_quantity)} {ad.asset.symbol} remains on this "
                f"ad; {format_amount(value)} is more than that."
            )
        ad.remaining_quantity -= value
        ad.save(update_fields=["remaining_quantity", "updated_at"])
    return ad


def ad_give_back(*, ad_id: int, amount: object) -> Ad:
    """A canceled order returns `amount` to the ad it took it from (online or not).

    For a sell ad the caller has voided the order's hold first, so the amount is spendable in
    the ad-reserve account again. While the ad is online it stays there (the remainder grows by
    it); when the ad is offline or closed it goes on to the available balance."""
    with transaction.atomic():
        ad = _lock_ad(ad_id)
        if ad is None:
            raise AdNotFound("There is no such ad.")
        value = _order_amount(ad, amount)
        taken = ad.total_quantity - ad.remaining_quantity
        if value > taken:
            raise AdError(
                f"Orders took only {format_amount(taken)} {ad.asset.symbol} from this ad; "
                f"{format_amount(value)} cannot come back."
            )
        in_reserve = reserved_amount(ad) + (value if ad.side == Side.SELL else Decimal(0))
        ad.remaining_quantity += value
        _move_reservation(ad, in_reserve, reserved_amount(ad))
        ad.save(update_fields=["remaining_quantity", "updated_at"])
    return ad
