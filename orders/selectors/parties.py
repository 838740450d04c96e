"""One order, for its two parties (anyone else gets None, which the views answer with 404):
what they may do, what they see of the payment details, its figures and its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.config import config_value
from core.money import format_crypto, format_fiat

from ..models import Order, OrderEvent, OrderStatus, PaymentProof
from .words import note_words

# Statuses in which the seller's crypto is (or was) frozen and the buyer needs where to pay.
PAYMENT_DETAILS_STATUSES = (
    OrderStatus.AWAITING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.DISPUTED,
)

ACTION_MARK_PAID = "mark_paid"
ACTION_CANCEL = "cancel"
ACTION_RELEASE = "release"
ACTION_APPEAL = "appeal"

SIDE_BOUGHT = "bought"
SIDE_SOLD = "sold"


def is_user(user: object) -> bool:
    return isinstance(user, User) and bool(user.is_authenticated)


# --- one order, for its two parties ------------------------------------------------------------


def order_for_party(*, user: User, public_id: str) -> Order | None:
    """The order if `user` is its buyer or seller, with what its page shows; None otherwise."""
    if not is_user(user) or not public_id:
        return None
    events = OrderEvent.objects.select_related("actor").order_by("at", "id")
    return (
        Order.objects.filter(Q(buyer_id=user.pk) | Q(seller_id=user.pk), public_id=public_id)
        .select_related(
            "ad", "ad__merchant", "asset", "fiat", "buyer", "seller", "taker", "canceled_by"
        )
        .prefetch_related(Prefetch("events", queryset=events), "proofs")
        .first()
    )


def counterparty_name(*, order: Order, user: User) -> str:
    """The other party's public name: the merchant's display name, else the nickname (never
    the email address)."""
    other = order.seller if order.buyer_id == user.pk else order.buyer
    merchant = order.ad.merchant
    return merchant.display_name if merchant.user_id == other.pk else other.public_name


def proof_for_party(*, user: User, public_id: str, proof_id: int) -> PaymentProof | None:
    """One payment proof of an order, if `user` is its buyer or seller; None otherwise."""
    if not is_user(user) or not public_id:
        return None
    return (
        PaymentProof.objects.filter(
            Q(order__buyer_id=user.pk) | Q(order__seller_id=user.pk),
            order__public_id=public_id,
            pk=proof_id,
        )
        .only("pk", "file", "content_type", "order_id")
        .first()
    )


def order_actions(*, order: Order, user: User) -> set[str]:
    """What `user` may do to the order now: the taker withdraws an order held for review, the
    buyer pays or cancels while it awaits payment,
    the seller releases once it is paid, either appeals a paid order after `appeal_after`. The
    services check all of it again under a lock."""
    role = order.role_of(user.pk if is_user(user) else None)
    if role == "buyer" and order.status == OrderStatus.AWAITING_PAYMENT:
        return {ACTION_MARK_PAID, ACTION_CANCEL}
    if role is not None and order.status == OrderStatus.PENDING and order.taker_id == user.pk:
        return {ACTION_CANCEL}  # withdraw an order held for review
    actions = set()
    if role == "seller" and order.status == OrderStatus.PAID:
        actions.add(ACTION_RELEASE)
    if role is not None and order.status == OrderStatus.PAID and appeal_open(order=order):
        actions.add(ACTION_APPEAL)
    return actions


def appeal_open(*, order: Order) -> bool:
    """Whether a party of this paid order may appeal now (the service checks the database
    clock again)."""
    return order.appeal_after is not None and order.appeal_after <= timezone.now()


def order_shows_payment_details(*, order: Order, user: User) -> bool:
    """The seller's accounts are shown to the buyer, and only once the escrow is frozen."""
    return (
        order.role_of(user.pk) == "buyer"
        and order.status in PAYMENT_DETAILS_STATUSES
        and bool(order.seller_payment_details)
    )


def review_hours() -> int:
    """How long staff take, at most, to review an order a risk rule held."""
    return int(config_value("ORDER_REVIEW_HOURS"))


def order_review_due(*, order: Order) -> datetime | None:
    """By when staff review this held order; None unless it is held. What held it (the rule,
    its threshold) is never said to the user."""
    if order.status != OrderStatus.PENDING or not order.review_reason:
        return None
    return order.created_at + timedelta(hours=review_hours())


def seller_payment_types(*, order: Order) -> list[str]:
    """The ways the buyer may pay: the types among the seller's copied payment details."""
    names = [
        str(detail.get("type") or "")
        for detail in order.seller_payment_details or []
        if isinstance(detail, dict)
    ]
    return list(dict.fromkeys(name for name in names if name))


@dataclass(frozen=True)
class OrderFigures:
    """An order's figures as text, thousands separated: fiat with its minor units, crypto at
    most to the asset's places, without trailing zeros."""

    price: str
    fiat_total: str
    amount: str
    fee: str
    escrow_amount: str
    buyer_receives: str


def order_figures(*, order: Order) -> OrderFigures:
    minor, places = order.fiat.minor_units, order.asset.precision
    return OrderFigures(
        price=format_fiat(order.price, minor),
        fiat_total=format_fiat(order.fiat_total, minor),
        amount=format_crypto(order.amount, places),
        fee=format_crypto(order.fee, places),
        escrow_amount=format_crypto(order.escrow_amount, places),
        buyer_receives=format_crypto(order.buyer_receives, places),
    )


def _status_words(status: str, *, reviewed: bool = False) -> str:
    """A state in words. `pending` is only "review" for an order the risk rule held: most
    orders pass through it within the request that placed them."""
    if not status:
        return _("Placed")
    if status == OrderStatus.PENDING:
        return _("Held for review") if reviewed else _("Placed")
    try:
        return str(OrderStatus(status).label)
    except ValueError:
        return status


@dataclass(frozen=True)
class TimelineLine:
    at: datetime
    actor: str  # a public name (never an email), "You", "Support team" or "System"
    from_words: str
    to_words: str
    note: str


def _actor_name(event: OrderEvent, order: Order, viewer: User) -> str:
    actor = event.actor
    if actor is None:
        return _("System")
    if actor.pk == viewer.pk:
        return _("You")
    if order.role_of(actor.pk) is None:
        return _("Support team")  # staff reviewing a held order: no name is shown
    merchant = order.ad.merchant
    return merchant.display_name if merchant.user_id == actor.pk else actor.public_name


def _is_hold(event: OrderEvent) -> bool:
    return event.from_status == event.to_status == OrderStatus.PENDING


def order_timeline(*, order: Order, viewer: User) -> list[TimelineLine]:
    """The order's events, oldest first, in words. The first one reads "Placed"; an event that
    did not change the state (held for review) names the state once."""
    lines = []
    reviewed = bool(order.review_reason)
    for event in order.events.all():
        moved = bool(event.from_status) and event.from_status != event.to_status
        lines.append(
            TimelineLine(
                at=event.at,
                actor=_actor_name(event, order, viewer),
                from_words=_status_words(event.from_status, reviewed=reviewed) if moved else "",
                to_words=(
                    _status_words(event.to_status, reviewed=reviewed)
                    if event.from_status
                    else _("Placed")
                ),
                # the note of a hold names the rule and its threshold: staff read it in the
                # admin, the parties only learn that the order is being reviewed
                note="" if _is_hold(event) else note_words(event.note),
            )
        )
    return lines
