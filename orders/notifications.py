"""Notices to the parties of an order on each transition (in-app list and email)."""

from __future__ import annotations

from accounts.models import User

from .models import Order


def order_changed(order: Order, note: str, *, actor: User | None, from_status: str) -> None:
    return None
