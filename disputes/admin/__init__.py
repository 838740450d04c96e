"""Staff arbitration of disputes.

- The queue (the changelist): quick filters for unassigned, mine and overdue cases, status
  (open by default), reason, asset, age and fiat total; the next deadline in red once passed.
- One case screen (it replaces the change form): the order and its timeline, both parties'
  records, payment proofs, chat, the escrow hold and its transfers, both sides' evidence,
  internal notes, the staff action log and decisions.
- Actions as buttons, each a confirmation page that says what will happen before anything does:
  claim, assign, note, ask a party for evidence, decide (with optional penalties), approve or
  reject a pending decision. Every write goes through disputes.services; its refusals show
  as an error message on the page. Which buttons show is the selectors' `can_*`, the rule
  the services enforce.
- Files (proofs, evidence) only through views here that check the staff member's permission
  and that the file belongs to the case.
- The action log, decisions and evidence are records: nobody edits or deletes them here, the
  superuser included (the database refuses changes to the log in any case).

Modules:
- `case`: the queue and the case screen (`DisputeAdmin`, made of the views below);
- `actions`: the staff actions' buttons and confirmation pages;
- `approval`: approving or rejecting a pending decision, the decisions, the thresholds;
- `records`: the case's files, the action log and the evidence;
- `filters`, `forms`: the queue's filters, the confirmation pages' forms;
- `base`: what those views share.
"""

from .approval import ApprovalThresholdAdmin, DecisionAdmin
from .case import DisputeAdmin
from .records import DisputeActionAdmin, EvidenceAdmin

__all__ = [
    "ApprovalThresholdAdmin",
    "DecisionAdmin",
    "DisputeActionAdmin",
    "DisputeAdmin",
    "EvidenceAdmin",
]
