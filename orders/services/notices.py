"""Notices to the parties of an order on each transition (in-app list and email).

Who hears what: the merchant hears of a new order on their ad; the seller, that the buyer paid;
the buyer, that the crypto was released; the other party, of a cancellation or an appeal; both,
when the system or staff acted (a timeout, a decision). Nobody is told of their own action.
Runs inside the transition's transaction: a notice exists exactly when the change does.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from accounts.services.activity import notify
from ads.models import Side
from core.money import format_amount, quantum

from ..models import Order, OrderStatus


@dataclass(frozen=True)
class Notice:
    user_id: int
    kind: str
    title: str
    body: str
    # a notice about what the system did (holding an order for review) reaches even the user
    # whose action led to it
    from_system: bool = False


def order_url(order: Order) -> str:
    return f"/orders/{order.public_id}/"


def amount_text(order: Order) -> str:
    return f"{format_amount(order.amount)} {order.asset.symbol}"


def fiat_total_text(order: Order) -> str:
    total = order.fiat_total.quantize(quantum(order.fiat.minor_units))
    return f"{total:f} {order.fiat.code}"


def _summary(order: Order) -> str:
    return f"Order {order.public_id}: {amount_text(order)} for {fiat_total_text(order)}."


def _merchant_id(order: Order) -> int:
    """The ad's owner: whichever party did not take the ad."""
    return order.seller_id if order.taker_id == order.buyer_id else order.buyer_id


def _pay_by(order: Order) -> str:
    return f" by {order.pay_by:%Y-%m-%d %H:%M} UTC" if order.pay_by else ""


def _next_step(order: Order, user_id: int) -> str:
    """What an open order asks of this party now."""
    if user_id == order.buyer_id:
        return (
            f"Pay {fiat_total_text(order)}{_pay_by(order)} to the seller's account shown on the "
            "order page, then mark the order as paid."
        )
    return (
        f"{amount_text(order)} of yours is frozen in escrow. Wait for the buyer's payment; "
        "you will be told when they mark the order as paid."
    )


def _new_order(order: Order) -> Notice:
    merchant = _merchant_id(order)
    verb = "buy" if merchant == order.buyer_id else "sell"
    return Notice(
        merchant,
        "order.new",
        f"New order {order.public_id}: you {verb} {amount_text(order)}",
        f"Someone opened an order on your ad. {_summary(order)} {_next_step(order, merchant)}",
    )


def _placed(order: Order) -> list[Notice]:
    if order.status == OrderStatus.PENDING:
        return [
            Notice(
                order.taker_id,
                "order.held",
                f"Order {order.public_id} is waiting for review",
                f"{_summary(order)} Our team checks this order before the escrow opens; "
                "nothing is frozen or owed yet. You will be told when it is approved.",
                from_system=True,
            )
        ]
    return [_new_order(order)]


def _approved(order: Order) -> list[Notice]:
    return [
        _new_order(order),
        Notice(
            order.taker_id,
            "order.approved",
            f"Order {order.public_id} was approved",
            f"{_summary(order)} {_next_step(order, order.taker_id)}",
        ),
    ]


def _paid(order: Order) -> list[Notice]:
    method = f" by {order.paid_method}" if order.paid_method else ""
    return [
        Notice(
            order.seller_id,
            "order.paid",
            f"Order {order.public_id} is paid: check your account, then release",
            f"The buyer says they sent {fiat_total_text(order)}{method}. {_summary(order)} Check "
            f"that the money has arrived in your account, then release {amount_text(order)} on "
            "the order page. Never release before the money is there.",
        )
    ]


def _released(order: Order, from_status: str, note: str) -> list[Notice]:
    received = f"{format_amount(order.buyer_receives)} {order.asset.symbol}"
    if from_status != OrderStatus.DISPUTED:
        return [
            Notice(
                order.buyer_id,
                "order.released",
                f"Order {order.public_id} is complete: {received} received",
                f"The seller released the crypto: {received} is in your wallet. {_summary(order)}",
            )
        ]
    decision = f" Staff note: {note}" if note else ""
    return [
        Notice(
            order.buyer_id,
            "order.dispute_decided",
            f"Appeal on order {order.public_id} decided: released to you",
            f"Staff decided the appeal for the buyer: {received} is in your wallet. "
            f"{_summary(order)}{decision}",
        ),
        Notice(
            order.seller_id,
            "order.dispute_decided",
            f"Appeal on order {order.public_id} decided: released to the buyer",
            f"Staff decided the appeal for the buyer: the {amount_text(order)} frozen in escrow "
            f"was released to them. {_summary(order)}{decision}",
        ),
    ]


def _returned_to(order: Order) -> str:
    return "your ad" if order.ad.side == Side.SELL else "your wallet"


def _canceled(order: Order, from_status: str, note: str) -> list[Notice]:
    reason = order.cancel_reason or note
    if from_status == OrderStatus.PENDING:
        # a held order never reached the merchant: only the taker knew of it
        return [
            Notice(
                order.taker_id,
                "order.canceled",
                f"Order {order.public_id} was not approved",
                f"{_summary(order)} The order is canceled; nothing was frozen or paid. "
                f"Reason: {reason}",
            )
        ]
    if from_status == OrderStatus.DISPUTED:
        decision = f" Staff note: {note}" if note else ""
        return [
            Notice(
                order.buyer_id,
                "order.dispute_decided",
                f"Appeal on order {order.public_id} decided: canceled",
                f"Staff decided the appeal for the seller: the order is canceled and the crypto "
                f"went back to the seller. {_summary(order)}{decision}",
            ),
            Notice(
                order.seller_id,
                "order.dispute_decided",
                f"Appeal on order {order.public_id} decided: the crypto is back with you",
                f"Staff decided the appeal for the seller: the order is canceled and "
                f"{amount_text(order)} went back to {_returned_to(order)}. "
                f"{_summary(order)}{decision}",
            ),
        ]
    # the other party is told; both are, when the system or staff canceled (the actor, if
    # any, is left out in order_changed)
    reason = reason.rstrip(".")
    return [
        Notice(
            order.seller_id,
            "order.canceled",
            f"Order {order.public_id} was canceled",
            f"{_summary(order)} Reason: {reason}. The {amount_text(order)} frozen for it went back "
            f"to {_returned_to(order)}.",
        ),
        Notice(
            order.buyer_id,
            "order.canceled",
            f"Order {order.public_id} was canceled",
            f"{_summary(order)} Reason: {reason}. Do not pay for this order any more.",
        ),
    ]


def _withdrawn(order: Order, note: str) -> list[Notice]:
    detail = f" Note: {note}" if note else ""
    return [
        Notice(
            user_id,
            "order.dispute_withdrawn",
            f"The appeal on order {order.public_id} was withdrawn",
            f"The order is back to paid, waiting for the seller to release. "
            f"{_summary(order)}{detail}",
        )
        for user_id in (order.buyer_id, order.seller_id)
    ]


def _notices(order: Order, note: str, actor: User | None, from_status: str) -> list[Notice]:
    status = order.status
    if from_status == "":
        return _placed(order)
    if from_status == OrderStatus.PENDING and status == OrderStatus.AWAITING_PAYMENT:
        return _approved(order)
    if status == OrderStatus.PAID and from_status == OrderStatus.AWAITING_PAYMENT:
        return _paid(order)
    if status == OrderStatus.PAID and from_status == OrderStatus.DISPUTED:
        return _withdrawn(order, note)
    if status == OrderStatus.RELEASED:
        return _released(order, from_status, note)
    if status == OrderStatus.CANCELED:
        return _canceled(order, from_status, note)
    # paid -> disputed: the disputes app tells the other party, with their response deadline
    return []


def order_changed(order: Order, note: str, *, actor: User | None, from_status: str) -> None:
    """Notify the parties of the transition just saved (inside its transaction)."""
    for notice in _notices(order, note, actor, from_status):
        if actor is not None and notice.user_id == actor.pk and not notice.from_system:
            continue  # nobody is told of their own action
        notify(
            user=notice.user_id,
            kind=notice.kind,
            title=notice.title,
            body=notice.body,
            url=order_url(order),
        )
