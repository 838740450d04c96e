"""What a decision point passes to the rules: what its caller already knows. A rule reads these
and nothing from the apps above risk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .identity import Identity

# how far back a caller looks for the last security change (the longest window a rule may use)
SECURITY_CHANGE_LOOKBACK_HOURS = 24 * 30


@dataclass(frozen=True, kw_only=True)
class Facts:
    user_id: int  # whose action it is (alerts and snoozes are per person)
    subject: str  # what is decided on, e.g. "order:<public id>"
    now: datetime
    joined_at: datetime
    # who the person is as linking goes (legal name, devices, IPs, payment accounts)
    identity: Identity | None = None


@dataclass(frozen=True, kw_only=True)
class OrderPlaceFacts(Facts):
    fiat_code: str
    fiat_total: Decimal
    # the taker's own orders in this fiat over the last 30 days (before this one)
    orders_30_days: int = 0
    median_30_days: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class WithdrawalFacts(Facts):
    asset: str
    amount: Decimal
    reference_fiat: str
    reference_value: Decimal | None
    first_to_address: bool
    last_security_change_at: datetime | None
