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
    # when the taker's orders as buyer were canceled after being marked paid, over the last
    # CANCELED_AFTER_PAID_LOOKBACK_DAYS (gathered only while a rule reading them is on)
    canceled_after_paid_at: tuple[datetime, ...] = ()
    # the risk class of each of the order's payment method types ("low", "medium", "high")
    method_risk_classes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class WithdrawalFacts(Facts):
    asset: str
    amount: Decimal
    reference_fiat: str
    reference_value: Decimal | None
    first_to_address: bool
    last_security_change_at: datetime | None


# how far back the order service looks for the taker's orders canceled after being marked paid
# (the longest window a rule may use)
CANCELED_AFTER_PAID_LOOKBACK_DAYS = 90


@dataclass(frozen=True, kw_only=True)
class MarkPaidFacts(Facts):
    """The buyer saying they paid: the name they paid from against their verified one, and how
    close this order's proofs come to a proof on another order."""

    paid_from_name: str  # as the buyer typed it; "" when they did not say
    legal_name: str | None  # from the buyer's approved identity check
    # the smallest Hamming distance between a perceptual hash of this order's proofs and one
    # of a proof on another order (None: no proof, or nothing within reach)
    nearest_proof_distance: int | None = None
    nearest_proof_subject: str = ""  # that other order, "order:<public id>"


@dataclass(frozen=True, kw_only=True)
class ReleaseFacts(Facts):
    """The seller releasing: how soon after the buyer said they paid, and whether the two have
    traded before."""

    paid_at: datetime | None
    # orders released between the same two people before this one, either of them selling
    completed_together: int
