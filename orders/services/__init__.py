"""Every write to an order. Each service runs in one durable transaction, locks rows in the
global order (core.locks), checks the state under the lock, saves the transition with an
OrderEvent, and moves the escrow in the same commit; work for after the commit (the timeout
task, notices) is queued with on_commit.

Escrow per order: the seller's crypto (`escrow_amount`) is frozen as one hold, credited to the
buyer; release posts `buyer_receives` to the buyer and `fee` to the platform; cancel voids it.
For a merchant's sell ad the hold comes out of the ad reservation, for a buy ad out of the
taking seller's available balance.

- `placing`: placing an order (`eligibility`: who may, how much; `pricing`: its figures);
- `lifecycle`: mark paid, cancel, expire, release;
- `review`: staff review of orders a risk rule held;
- `disputes`: the order's side of an appeal, inside the disputes app's transaction;
- `resignations`: a merchant's collateral back once no ad or order of theirs is open;
- `chat`, `feedback`, `reminders`: the order chat, feedback after a trade, and reminders;
- `effects` (with `notices`, `figures`, `live`): what follows every transition.
"""

from .chat import (
    CHAT_RATE_LIMIT,
    ChatClosed,
    ChatError,
    ChatNotFound,
    ChatRateLimited,
    chat_post,
    chat_post_image,
    chat_system,
    party_orders,
)
from .common import escrow_accounts, open_escrow
from .disputes import (
    order_assign_staff,
    order_dispute_open,
    order_dispute_withdraw,
    order_lock_for_dispute,
    order_resolve_refund,
    order_resolve_release,
)
from .errors import OrderError, OrderNotFound, OrderStateError
from .feedback import FeedbackError, FeedbackNotFound, editable_until, feedback_edit, feedback_leave
from .lifecycle import (
    MAX_PROOFS,
    clean_proofs,
    escrow_lock_set,
    expire_overdue_orders,
    order_cancel,
    order_expire,
    order_mark_paid,
    order_release,
)
from .placing import new_public_id, order_place
from .pricing import Quote, quote, quote_on
from .resignations import complete_due_resignations, complete_resignation
from .review import order_payment_check_clear, order_review_approve, order_review_reject

__all__ = [
    "CHAT_RATE_LIMIT",
    "MAX_PROOFS",
    "ChatClosed",
    "ChatError",
    "ChatNotFound",
    "ChatRateLimited",
    "FeedbackError",
    "FeedbackNotFound",
    "OrderError",
    "OrderNotFound",
    "OrderStateError",
    "Quote",
    "chat_post",
    "chat_post_image",
    "chat_system",
    "clean_proofs",
    "complete_due_resignations",
    "complete_resignation",
    "editable_until",
    "escrow_accounts",
    "escrow_lock_set",
    "expire_overdue_orders",
    "feedback_edit",
    "feedback_leave",
    "new_public_id",
    "open_escrow",
    "order_assign_staff",
    "order_cancel",
    "order_dispute_open",
    "order_dispute_withdraw",
    "order_expire",
    "order_lock_for_dispute",
    "order_mark_paid",
    "order_payment_check_clear",
    "order_place",
    "order_release",
    "order_resolve_refund",
    "order_resolve_release",
    "order_review_approve",
    "order_review_reject",
    "party_orders",
    "quote",
    "quote_on",
]
