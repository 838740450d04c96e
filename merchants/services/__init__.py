"""Every write of the merchant program: applications with their collateral, staff review,
merchant status, breaks, business hours and resignation.

Collateral is an escrow hold from the applicant's available balance to their collateral account
(ref "merchant-application:<id>"). It is opened with the application and stays frozen while the
person is a merchant; it comes back (hold void, key "merchant-application:<id>:return") when the
application is withdrawn or rejected, or when a resignation completes.

Each service runs in one transaction, checks who may act, locks the rows it changes (the
application or merchant first, then the ledger's own locks) and refuses with a `MerchantError`
whose message a person reads, having changed nothing. Mail goes out only after commit
(`robust`: a mail failure is logged, never turned into an error for a decision already made).
"""

from .applications import (
    NAME_LENGTH,
    ONE_PENDING_CONSTRAINT,
    merchant_apply,
    merchant_withdraw_application,
)
from .availability import (
    MAX_RANGES_PER_DAY,
    clean_business_hours,
    merchant_refresh_open_now,
    merchant_set_break,
    merchant_set_business_hours,
)
from .errors import (
    CollateralUnavailable,
    MerchantError,
    MerchantInvalid,
    MerchantNotAllowed,
    RequirementsNotMet,
)
from .resignation import (
    merchant_cancel_resignation,
    merchant_complete_resignation,
    merchant_request_resignation,
)
from .review import merchant_approve, merchant_reject
from .status import (
    STAFF_TRANSITIONS,
    merchant_set_status,
    merchant_set_withdrawal_lock_exemption,
)

__all__ = [
    "MAX_RANGES_PER_DAY",
    "NAME_LENGTH",
    "ONE_PENDING_CONSTRAINT",
    "STAFF_TRANSITIONS",
    "CollateralUnavailable",
    "MerchantError",
    "MerchantInvalid",
    "MerchantNotAllowed",
    "RequirementsNotMet",
    "clean_business_hours",
    "merchant_apply",
    "merchant_approve",
    "merchant_cancel_resignation",
    "merchant_complete_resignation",
    "merchant_refresh_open_now",
    "merchant_reject",
    "merchant_request_resignation",
    "merchant_set_break",
    "merchant_set_business_hours",
    "merchant_set_status",
    "merchant_set_withdrawal_lock_exemption",
    "merchant_withdraw_application",
]
