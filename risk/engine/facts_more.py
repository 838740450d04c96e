"""Facts of the decision points that speak about identity and ads: a payment method being
added, an ad going online. Kept beside `facts.py`, whose figures the order and withdrawal
points own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .facts import Facts


@dataclass(frozen=True, kw_only=True)
class PaymentMethodFacts(Facts):
    method_type: str  # the type's code
    fingerprint: str  # blank for a type that names no account
    holder_name: str
    # how many other accounts saved the same payment account
    others_with_fingerprint: int = 0


@dataclass(frozen=True, kw_only=True)
class AdOnlineFacts(Facts):
    side: str  # "buy" | "sell"
    asset: str
    fiat_code: str
    price_type: str  # "fixed" | "floating"
    fixed_price: Decimal | None = None
    margin_percent: Decimal | None = None  # of the index, for a floating ad
    index_price: Decimal | None = None  # None: no index for the pair
