"""Every read the order pages need. Orders are read only by their two parties (and the staff
member assigned to a dispute, for its chat): anyone else gets None, which the views answer with
404.

- `order_form`: the ad as a taker sees it and the live quote;
- `parties`: one order for its parties (actions, payment details, figures, timeline);
- `order_list`: the user's orders, filtered, and their CSV export;
- `chat`, `feedback`: the order chat and the feedback after a trade.
"""

from . import risk_history  # noqa: F401 - read by the staff console's scans
from .chat import chat_history, chat_history_payload, chat_image_for, is_party
from .feedback import (
    OrderFeedbackView,
    PublicFeedback,
    feedback_for_order,
    feedback_page,
    feedback_received,
    public_rows,
)
from .identity import BuyerIdentity, buyer_identity_for, normalised_name
from .order_form import (
    AdOffer,
    QuoteView,
    ad_for_order_form,
    payment_methods_for_ad,
    quote_for_form,
)
from .order_list import (
    EXPORT_HEADER,
    OrderFilters,
    OrderRow,
    order_export_rows,
    order_rows,
    orders_for_user,
)
from .parties import (
    ACTION_APPEAL,
    ACTION_CANCEL,
    ACTION_MARK_PAID,
    ACTION_RELEASE,
    PAYMENT_DETAILS_STATUSES,
    SIDE_BOUGHT,
    SIDE_SOLD,
    OrderFigures,
    TimelineLine,
    appeal_open,
    counterparty_name,
    order_actions,
    order_figures,
    order_for_party,
    order_review_due,
    order_shows_payment_details,
    order_timeline,
    proof_for_party,
    review_hours,
    seller_payment_types,
)
from .words import note_words

__all__ = [
    "ACTION_APPEAL",
    "ACTION_CANCEL",
    "ACTION_MARK_PAID",
    "ACTION_RELEASE",
    "EXPORT_HEADER",
    "PAYMENT_DETAILS_STATUSES",
    "SIDE_BOUGHT",
    "SIDE_SOLD",
    "AdOffer",
    "BuyerIdentity",
    "OrderFeedbackView",
    "OrderFigures",
    "OrderFilters",
    "OrderRow",
    "PublicFeedback",
    "QuoteView",
    "TimelineLine",
    "ad_for_order_form",
    "appeal_open",
    "buyer_identity_for",
    "chat_history",
    "chat_history_payload",
    "chat_image_for",
    "counterparty_name",
    "feedback_for_order",
    "feedback_page",
    "feedback_received",
    "is_party",
    "normalised_name",
    "note_words",
    "order_actions",
    "order_export_rows",
    "order_figures",
    "order_for_party",
    "order_review_due",
    "order_rows",
    "order_shows_payment_details",
    "order_timeline",
    "orders_for_user",
    "payment_methods_for_ad",
    "proof_for_party",
    "public_rows",
    "quote_for_form",
    "review_hours",
    "seller_payment_types",
]
