"""The buyer's verified name, for the one who releases: a payment must come from an account in
the buyer's own name, and the seller can only check that if they know the name. Nobody else
sees it (the buyer knows their own name; strangers never reach the order)."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from accounts.selectors import kyc_legal_name

from ..models import Order, OrderStatus

# From when the seller can see money arrive, until the order is over.
IDENTITY_STATUSES = (OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID, OrderStatus.DISPUTED)


def normalised_name(name: str) -> str:
    """A name as two spellings of it compare: case and runs of spaces do not count."""
    return " ".join((name or "").split()).casefold()


@dataclass(frozen=True)
class BuyerIdentity:
    legal_name: str
    # the account holder the buyer says they paid from; "" until they say so
    paid_from_name: str

    @property
    def stated(self) -> bool:
        return bool(self.paid_from_name)

    @property
    def matches(self) -> bool:
        return self.stated and normalised_name(self.paid_from_name) == normalised_name(
            self.legal_name
        )


def buyer_identity_for(*, order: Order, viewer: User) -> BuyerIdentity | None:
    """The buyer's approved KYC legal name for the seller of the order (and staff); None for
    anyone else, before the escrow is frozen, after the order ends, or when the buyer has no
    approved identity check."""
    allowed = viewer.pk == order.seller_id or (viewer.is_active and viewer.is_staff)
    if not allowed or viewer.pk == order.buyer_id or order.status not in IDENTITY_STATUSES:
        return None
    legal_name = kyc_legal_name(user=order.buyer)
    if not legal_name:
        return None
    return BuyerIdentity(legal_name=legal_name, paid_from_name=order.paid_from_name)
