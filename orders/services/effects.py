"""What follows every order transition, inside its transaction, once the new state is saved:
the chat's system note and the live status (chat), the notices to the parties (notifications)
and the parties' trade figures (figures). Services call `order_changed` and nothing else."""

from __future__ import annotations

from accounts.models import User

from ..models import Order
from . import chat, figures, notices


def order_changed(order: Order, note: str, *, actor: User | None, from_status: str) -> None:
    chat.order_changed(order, note)
    notices.order_changed(order, note, actor=actor, from_status=from_status)
    figures.order_changed(order, from_status=from_status)
