"""What the order services refuse, in words a person can read."""

from __future__ import annotations

from core.errors import DomainError


class OrderError(DomainError):
    code = "order"


class OrderNotFound(OrderError):
    code = "not_found"


class OrderStateError(OrderError):
    code = "wrong_state"
