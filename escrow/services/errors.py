"""What the ledger refuses, in words a person can read."""

from __future__ import annotations

from core.errors import DomainError


class LedgerError(DomainError):
    code = "ledger"


class InvalidAmount(LedgerError):
    code = "invalid_amount"


class InsufficientFunds(LedgerError):
    code = "insufficient_funds"


class IdempotencyConflict(LedgerError):
    code = "idempotency_conflict"


class HoldNotOpen(LedgerError):
    code = "hold_not_open"


class NotAllowed(LedgerError):
    code = "not_allowed"
