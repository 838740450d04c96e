"""Every write of an appeal: the parties' (open, evidence, withdraw) and staff's (claim, assign,
note, write in the order chat, ask for evidence, decide, approve or reject a decision).

Each service is one durable transaction that writes a `DisputeAction` (who, what, why) and
refuses with a `DisputeError` whose message a person reads, having changed nothing. Rows are
locked in the global order: the order's ad and the order (`order_lock_for_dispute`), then the
dispute, then the losing merchant, then ledger accounts. The order itself moves only through
orders.services, in the same transaction, so the escrow ends exactly once whoever acts.
"""

from ..selectors.case import approval_needed
from .common import (
    DisputeError,
    DisputeInvalid,
    DisputeNotAllowed,
    DisputeNotFound,
    DisputeStateError,
)
from .decisions import decision_approve, decision_reject, dispute_decide
from .parties import dispute_open, dispute_withdraw, evidence_add
from .staff import (
    dispute_assign,
    dispute_claim,
    dispute_message,
    dispute_note,
    dispute_request_evidence,
)

__all__ = [
    "DisputeError",
    "DisputeInvalid",
    "DisputeNotAllowed",
    "DisputeNotFound",
    "DisputeStateError",
    "approval_needed",
    "decision_approve",
    "decision_reject",
    "dispute_assign",
    "dispute_claim",
    "dispute_decide",
    "dispute_message",
    "dispute_note",
    "dispute_open",
    "dispute_request_evidence",
    "dispute_withdraw",
    "evidence_add",
]
