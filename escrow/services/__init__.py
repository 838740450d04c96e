"""Every write to the ledger. Nothing else creates transfers or touches balances.

Each service:
- takes an idempotency key: a replay with the same request returns the first result, the same
  key with a different request is refused (`IdempotencyConflict`);
- runs in one transaction (a savepoint when the caller already has one, so an order can open
  and freeze its escrow in a single commit);
- locks rows in the global order - the hold, then ledger accounts by ascending id - and checks
  balances under those locks; the database's CHECK constraint is the backstop;
- refuses with a `LedgerError` whose message a person can read, having changed nothing.
"""

from .adjustments import (
    adjustment_approve,
    adjustment_needs_approval,
    adjustment_reject,
    adjustment_request,
)
from .errors import (
    HoldNotOpen,
    IdempotencyConflict,
    InsufficientFunds,
    InvalidAmount,
    LedgerError,
    NotAllowed,
)
from .holds import hold_open, hold_post, hold_void
from .recording import (
    IDEMPOTENCY_CONSTRAINT,
    LockSet,
    account_for,
    lock_for_moves,
    lock_set,
    platform_account,
)
from .transfers import adjust, deposit, transfer

__all__ = [
    "IDEMPOTENCY_CONSTRAINT",
    "HoldNotOpen",
    "IdempotencyConflict",
    "InsufficientFunds",
    "InvalidAmount",
    "LedgerError",
    "LockSet",
    "NotAllowed",
    "account_for",
    "adjust",
    "adjustment_approve",
    "adjustment_needs_approval",
    "adjustment_reject",
    "adjustment_request",
    "deposit",
    "hold_open",
    "hold_post",
    "hold_void",
    "lock_for_moves",
    "lock_set",
    "platform_account",
    "transfer",
]
