"""Notices to the parties of an order on each transition (in-app list and email).

Who hears what: the merchant hears of a new order on their ad; the seller, that the buyer paid;
the buyer, that the crypto was released; the other party, of a cancellation or an appeal; both,
when the system or staff acted (a timeout, a decision). Nobody is told of their own action.
Runs inside the transition's transaction: a notice exists exactly when the change does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services.activity import notify
from ads.models import Side
from core.money import format_crypto, format_fiat

from ..models import Order, OrderStatus

# Every title and body is lazy: accounts.services.activity.notify renders it in the recipient's
# language, which is not the actor's.
Text = str | Promise


@dataclass(frozen=True)
class Notice:
    user_id: int
    kind: str
    title: Text
    body: Text
    # a notice about what the system did (holding an order for review) reaches even the user
    # whose action led to it
    from_system: bool = False


def order_url(order: Order) -> str:
    return f"/orders/{order.public_id}/"


def amount_text(order: Order) -> str:
    return f"{format_crypto(order.amount, order.asset.precision)} {order.asset.symbol}"


def fiat_total_text(order: Order) -> str:
    return f"{format_fiat(order.fiat_total, order.fiat.minor_units)} {order.fiat.code}"


def _summary(order: Order) -> Text:
    return format_lazy(
        _("Order {ref}: {amount} for {total}."),
        ref=order.public_id,
        amount=amount_text(order),
        total=fiat_total_text(order),
    )


def _merchant_id(order: Order) -> int:
    """The ad's owner: whichever party did not take the ad."""
    return order.seller_id if order.taker_id == order.buyer_id else order.buyer_id


def _next_step(order: Order, user_id: int) -> Text:
    """What an open order asks of this party now."""
    if user_id == order.buyer_id:
        if order.pay_by:
            return format_lazy(
                _(
                    "Pay {total} by {deadline} UTC to the seller's account shown on the order "
                    "page, then mark the order as paid."
                ),
                total=fiat_total_text(order),
                deadline=f"{order.pay_by:%Y-%m-%d %H:%M}",
            )
        return format_lazy(
            _(
                "Pay {total} to the seller's account shown on the order page, then mark the "
                "order as paid."
            ),
            total=fiat_total_text(order),
        )
    return format_lazy(
        _(
            "{amount} of yours is frozen in escrow. Wait for the buyer's payment; you will be "
            "told when they mark the order as paid."
        ),
        amount=amount_text(order),
    )


def _new_order(order: Order) -> Notice:
    merchant = _merchant_id(order)
    title = (
        _("New order {ref}: you buy {amount}")
        if merchant == order.buyer_id
        else _("New order {ref}: you sell {amount}")
    )
    return Notice(
        merchant,
        "order.new",
        format_lazy(title, ref=order.public_id, amount=amount_text(order)),
        format_lazy(
            _("Someone opened an order on your ad. {summary} {next_step}"),
            summary=_summary(order),
            next_step=_next_step(order, merchant),
        ),
    )


def _placed(order: Order) -> list[Notice]:
    if order.status == OrderStatus.PENDING:
        return [
            Notice(
                order.taker_id,
                "order.held",
                format_lazy(_("Order {ref} is waiting for review"), ref=order.public_id),
                format_lazy(
                    _(
                        "{summary} Our team checks this order before the escrow opens; nothing "
                        "is frozen or owed yet. You will be told when it is approved."
                    ),
                    summary=_summary(order),
                ),
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
            format_lazy(_("Order {ref} was approved"), ref=order.public_id),
            format_lazy(
                "{summary} {next_step}",
                summary=_summary(order),
                next_step=_next_step(order, order.taker_id),
            ),
        ),
    ]


def _paid(order: Order) -> list[Notice]:
    sent = (
        format_lazy(
            _("The buyer says they sent {total} by {method}."),
            total=fiat_total_text(order),
            method=order.paid_method,
        )
        if order.paid_method
        else format_lazy(_("The buyer says they sent {total}."), total=fiat_total_text(order))
    )
    return [
        Notice(
            order.seller_id,
            "order.paid",
            format_lazy(
                _("Order {ref} is paid: check your account, then release"), ref=order.public_id
            ),
            format_lazy(
                _(
                    "{sent} {summary} Check that the money has arrived in your account, then "
                    "release {amount} on the order page. Never release before the money is there."
                ),
                sent=sent,
                summary=_summary(order),
                amount=amount_text(order),
            ),
        )
    ]


def _staff_note(note: str) -> Text:
    return format_lazy(_(" Staff note: {note}"), note=note) if note else ""


def _released(order: Order, from_status: str, note: str) -> list[Notice]:
    received = f"{format_crypto(order.buyer_receives, order.asset.precision)} {order.asset.symbol}"
    ref = order.public_id
    if from_status != OrderStatus.DISPUTED:
        return [
            Notice(
                order.buyer_id,
                "order.released",
                format_lazy(
                    _("Order {ref} is complete: {received} received"), ref=ref, received=received
                ),
                format_lazy(
                    _("The seller released the crypto: {received} is in your wallet. {summary}"),
                    received=received,
                    summary=_summary(order),
                ),
            )
        ]
    decision = _staff_note(note)
    return [
        Notice(
            order.buyer_id,
            "order.dispute_decided",
            format_lazy(_("Appeal on order {ref} decided: released to you"), ref=ref),
            format_lazy(
                _(
                    "Staff decided the appeal for the buyer: {received} is in your wallet. "
                    "{summary}{decision}"
                ),
                received=received,
                summary=_summary(order),
                decision=decision,
            ),
        ),
        Notice(
            order.seller_id,
            "order.dispute_decided",
            format_lazy(_("Appeal on order {ref} decided: released to the buyer"), ref=ref),
            format_lazy(
                _(
                    "Staff decided the appeal for the buyer: the {amount} frozen in escrow was "
                    "released to them. {summary}{decision}"
                ),
                amount=amount_text(order),
                summary=_summary(order),
                decision=decision,
            ),
        ),
    ]


def _returned_to(order: Order) -> Text:
    return _("your ad") if order.ad.side == Side.SELL else _("your wallet")


def _canceled(order: Order, from_status: str, note: str) -> list[Notice]:
    reason = order.cancel_reason or note
    ref = order.public_id
    if from_status == OrderStatus.PENDING:
        # a held order never reached the merchant: only the taker knew of it
        return [
            Notice(
                order.taker_id,
                "order.canceled",
                format_lazy(_("Order {ref} was not approved"), ref=ref),
                format_lazy(
                    _(
                        "{summary} The order is canceled; nothing was frozen or paid. "
                        "Reason: {reason}"
                    ),
                    summary=_summary(order),
                    reason=reason,
                ),
            )
        ]
    if from_status == OrderStatus.DISPUTED:
        decision = _staff_note(note)
        return [
            Notice(
                order.buyer_id,
                "order.dispute_decided",
                format_lazy(_("Appeal on order {ref} decided: canceled"), ref=ref),
                format_lazy(
                    _(
                        "Staff decided the appeal for the seller: the order is canceled and the "
                        "crypto went back to the seller. {summary}{decision}"
                    ),
                    summary=_summary(order),
                    decision=decision,
                ),
            ),
            Notice(
                order.seller_id,
                "order.dispute_decided",
                format_lazy(
                    _("Appeal on order {ref} decided: the crypto is back with you"), ref=ref
                ),
                format_lazy(
                    _(
                        "Staff decided the appeal for the seller: the order is canceled and "
                        "{amount} went back to {place}. {summary}{decision}"
                    ),
                    amount=amount_text(order),
                    place=_returned_to(order),
                    summary=_summary(order),
                    decision=decision,
                ),
            ),
        ]
    # the other party is told; both are, when the system or staff canceled (the actor, if
    # any, is left out in order_changed)
    reason = reason.rstrip(".")
    title = format_lazy(_("Order {ref} was canceled"), ref=ref)
    return [
        Notice(
            order.seller_id,
            "order.canceled",
            title,
            format_lazy(
                _("{summary} Reason: {reason}. The {amount} frozen for it went back to {place}."),
                summary=_summary(order),
                reason=reason,
                amount=amount_text(order),
                place=_returned_to(order),
            ),
        ),
        Notice(
            order.buyer_id,
            "order.canceled",
            title,
            format_lazy(
                _("{summary} Reason: {reason}. Do not pay for this order any more."),
                summary=_summary(order),
                reason=reason,
            ),
        ),
    ]


def _withdrawn(order: Order, note: str) -> list[Notice]:
    detail = format_lazy(_(" Note: {note}"), note=note) if note else ""
    return [
        Notice(
            user_id,
            "order.dispute_withdrawn",
            format_lazy(_("The appeal on order {ref} was withdrawn"), ref=order.public_id),
            format_lazy(
                _(
                    "The order is back to paid, waiting for the seller to release. "
                    "{summary}{detail}"
                ),
                summary=_summary(order),
                detail=detail,
            ),
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
