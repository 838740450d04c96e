"""Checking what a merchant entered for an ad's terms: price, order limits, payment window,
texts, counterparty conditions and payment choices."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import PaymentMethodType, User, UserPaymentMethod
from accounts.models.kyc import KycLevel
from accounts.selectors import payment_method_types_enabled, payment_methods_for_user
from core.config import config_value
from core.models import FiatCurrency
from core.money import AmountOutOfRange, format_amount, has_at_most_places, to_decimal
from merchants.models import Merchant, TierLimit

from ..models import MARGIN_MAX, MARGIN_MIN, PriceType, Side
from .errors import AdInvalid

MAX_PAYMENT_CHOICES = 5
MAX_PRICE = Decimal(10) ** 20  # NUMERIC(28, 8)
MAX_FIAT = Decimal(10) ** 16  # NUMERIC(20, 4)
PRICE_PLACES = 8
MARGIN_PLACES = 2
MAX_ACCOUNT_AGE_DAYS = 3650
MAX_COMPLETED_ORDERS = 100_000
TERMS_MAX = 2000
AUTO_REPLY_MAX = 1000


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


def _decimal(value: object, *, field: str, label: object) -> Decimal:
    if value is None or value == "":
        raise AdInvalid(_("Enter the %(label)s.") % {"label": label}, field=field)
    try:
        return to_decimal(value)
    except AmountOutOfRange as error:
        raise AdInvalid(_("The %(label)s is too large.") % {"label": label}, field=field) from error
    except (TypeError, ValueError) as error:
        raise AdInvalid(
            _("The %(label)s must be a number.") % {"label": label}, field=field
        ) from error


def _whole(value: object, *, field: str, label: object, low: int, high: int) -> int:
    if isinstance(value, bool) or value is None or value == "":
        raise AdInvalid(_("Enter the %(label)s.") % {"label": label}, field=field)
    try:
        number = int(str(value).strip())
    except ValueError as error:
        raise AdInvalid(
            _("The %(label)s must be a whole number.") % {"label": label}, field=field
        ) from error
    if not low <= number <= high:
        raise AdInvalid(
            _("The %(label)s must be from %(low)s to %(high)s.")
            % {"label": label, "low": low, "high": high},
            field=field,
        )
    return number


def _fiat_amount(value: object, fiat: FiatCurrency, *, field: str, label: object) -> Decimal:
    amount = _decimal(value, field=field, label=label)
    if amount <= 0 or amount >= MAX_FIAT:
        raise AdInvalid(_("The %(label)s must be above zero.") % {"label": label}, field=field)
    if not has_at_most_places(amount, fiat.minor_units):
        if fiat.minor_units:
            message = _("%(fiat)s amounts have %(places)s decimals.") % {
                "fiat": fiat.code,
                "places": fiat.minor_units,
            }
        else:
            message = _("%(fiat)s amounts have no decimals.") % {"fiat": fiat.code}
        raise AdInvalid(message, field=field)
    return amount


def _price(
    price_type: object, fixed_price: object, margin_percent: object
) -> tuple[str, Decimal | None, Decimal | None]:
    if price_type == PriceType.FIXED:
        price = _decimal(fixed_price, field="fixed_price", label=gettext_lazy("fixed price"))
        if price <= 0 or price >= MAX_PRICE or not has_at_most_places(price, PRICE_PLACES):
            raise AdInvalid(
                _("The fixed price must be above zero, with at most %(places)s decimals.")
                % {"places": PRICE_PLACES},
                field="fixed_price",
            )
        return PriceType.FIXED, price, None
    if price_type == PriceType.FLOATING:
        margin = _decimal(margin_percent, field="margin_percent", label=gettext_lazy("margin"))
        if not (MARGIN_MIN <= margin <= MARGIN_MAX) or not has_at_most_places(
            margin, MARGIN_PLACES
        ):
            raise AdInvalid(
                _(
                    "The margin must be from %(low)s %% to %(high)s %% of the index, with at "
                    "most %(places)s decimals."
                )
                % {"low": MARGIN_MIN, "high": MARGIN_MAX, "places": MARGIN_PLACES},
                field="margin_percent",
            )
        return PriceType.FLOATING, None, margin
    raise AdInvalid(_("Choose a fixed or a floating price."), field="price_type")


def _ids(values: Iterable[object] | None, *, field: str) -> list[int]:
    ids: list[int] = []
    for value in values or ():
        try:
            number = int(getattr(value, "pk", value))  # type: ignore[call-overload]
        except (TypeError, ValueError) as error:
            raise AdInvalid(_("That payment method is not on the list."), field=field) from error
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
            _("Choose 1 to %(count)s of your saved payment methods: buyers pay you there.")
            % {"count": MAX_PAYMENT_CHOICES},
            field="payment_methods",
        )
    methods = list(
        payment_methods_for_user(user=user)
        .filter(pk__in=wanted)
        .prefetch_related("method_type__fiats")
    )
    if len(methods) != len(wanted):
        raise AdInvalid(_("Choose only your own saved payment methods."), field="payment_methods")
    for method in methods:
        kind = method.method_type
        if not kind.enabled:
            raise AdInvalid(
                _("%(method)s is no longer accepted.") % {"method": kind.name},
                field="payment_methods",
            )
        if fiat.pk not in {f.pk for f in kind.fiats.all()}:
            raise AdInvalid(
                _("%(method)s cannot be used for %(fiat)s.")
                % {"method": kind.name, "fiat": fiat.code},
                field="payment_methods",
            )
    return methods


def _payment_types(*, fiat: FiatCurrency, ids: Iterable[object] | None) -> list[PaymentMethodType]:
    """Buy ads: 1-5 enabled payment method types that serve the fiat."""
    wanted = _ids(ids, field="payment_types")
    if not 1 <= len(wanted) <= MAX_PAYMENT_CHOICES:
        raise AdInvalid(
            _("Choose 1 to %(count)s ways you will pay the seller.")
            % {"count": MAX_PAYMENT_CHOICES},
            field="payment_types",
        )
    types = list(payment_method_types_enabled().filter(pk__in=wanted))
    if len(types) != len(wanted):
        raise AdInvalid(_("Choose only payment methods that are offered."), field="payment_types")
    for kind in types:
        if fiat.pk not in {f.pk for f in kind.fiats.all()}:
            raise AdInvalid(
                _("%(method)s cannot be used for %(fiat)s.")
                % {"method": kind.name, "fiat": fiat.code},
                field="payment_types",
            )
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
    low = _fiat_amount(
        min_order_fiat, fiat, field="min_order_fiat", label=gettext_lazy("minimum order")
    )
    high = _fiat_amount(
        max_order_fiat, fiat, field="max_order_fiat", label=gettext_lazy("maximum order")
    )
    if low > high:
        raise AdInvalid(
            _("The minimum order cannot be more than the maximum order."), field="max_order_fiat"
        )
    tier_max = (
        TierLimit.objects.filter(tier_id=merchant.tier_id, fiat=fiat)
        .values_list("per_order_max", flat=True)
        .first()
    )
    if tier_max is not None and high > tier_max:
        raise AdInvalid(
            _("Your merchant tier allows at most %(limit)s %(fiat)s per order.")
            % {"limit": format_amount(tier_max), "fiat": fiat.code},
            field="max_order_fiat",
        )
    windows = [int(m) for m in config_value("AD_PAYMENT_WINDOWS")]
    try:
        window = int(str(payment_window_minutes))
    except ValueError:
        window = -1
    if window not in windows:
        listed = ", ".join(str(m) for m in windows)
        raise AdInvalid(
            _("The payment window must be one of %(listed)s minutes.") % {"listed": listed},
            field="payment_window_minutes",
        )
    terms_text = str(terms or "").strip()
    if len(terms_text) > TERMS_MAX:
        raise AdInvalid(
            _("Keep the terms to %(count)s characters.") % {"count": TERMS_MAX}, field="terms"
        )
    reply_text = str(auto_reply or "").strip()
    if len(reply_text) > AUTO_REPLY_MAX:
        raise AdInvalid(
            _("Keep the auto-reply to %(count)s characters.") % {"count": AUTO_REPLY_MAX},
            field="auto_reply",
        )
    rate = _decimal(
        min_completion_rate, field="min_completion_rate", label=gettext_lazy("completion rate")
    )
    if not (0 <= rate <= 100) or not has_at_most_places(rate, 2):
        raise AdInvalid(
            _("The completion rate must be from 0 to 100 %, with at most 2 decimals."),
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
            label=gettext_lazy("KYC level"),
            low=min(KycLevel.values),
            high=max(KycLevel.values),
        ),
        min_account_age_days=_whole(
            min_account_age_days,
            field="min_account_age_days",
            label=gettext_lazy("account age in days"),
            low=0,
            high=MAX_ACCOUNT_AGE_DAYS,
        ),
        min_completed_orders=_whole(
            min_completed_orders,
            field="min_completed_orders",
            label=gettext_lazy("number of completed orders"),
            low=0,
            high=MAX_COMPLETED_ORDERS,
        ),
        min_completion_rate=rate,
        payment_methods=(
            _payment_methods(user=user, fiat=fiat, ids=payment_method_ids) if sell else []
        ),
        payment_types=[] if sell else _payment_types(fiat=fiat, ids=payment_type_ids),
    )
