"""Every read about accounts, other apps' included: they ask here, never the models.

- `security`: restrictions in force, and the security page (second factors, sessions, logins);
- `kyc`: the verified level, what may be submitted next, daily limits, documents;
- `profiles`: the public profile, nicknames and blocks;
- `payment_methods`: the enabled types and a user's saved methods;
- `fund_password`: whether it is set or locked, and reset links;
- `figures`: trade figures from the daily counters the orders app writes;
- `activity`: a user's notifications.
"""

from . import risk_history  # noqa: F401 - read by the staff console's scans
from .activity import notifications_for_user, unread_count
from .figures import (
    FIGURES_DAYS,
    TradeFigures,
    completion_rate_sql,
    rate,
    trade_figures,
    trade_figures_grouped,
    trade_orders_by_day,
    trade_volume_by_asset,
    window_start,
)
from .fund_password import fund_password_reset_usable, fund_password_status, user_has_totp
from .kyc import (
    KYC_LEVELS,
    LEVEL_TITLES,
    KycLevelState,
    KycLimitRow,
    KycOverview,
    kyc_can_review,
    kyc_country,
    kyc_daily_limit,
    kyc_document_for_viewer,
    kyc_latest_submissions,
    kyc_legal_name,
    kyc_level,
    kyc_limit_table,
    kyc_overview,
    kyc_submit_blocker,
)
from .payment_methods import (
    payment_method_detail_lines,
    payment_method_for_owner,
    payment_method_type_enabled,
    payment_method_types_enabled,
    payment_methods_for_user,
)
from .profiles import (
    block_made,
    blocks_made,
    has_blocked,
    is_blocked_between,
    nickname_next_change_at,
    public_stats,
    user_by_nickname,
)
from .security import (
    HISTORY_ROWS,
    SecurityOverview,
    active_restriction,
    active_restrictions,
    security_overview,
    user_has_mfa,
)

__all__ = [
    "FIGURES_DAYS",
    "HISTORY_ROWS",
    "KYC_LEVELS",
    "LEVEL_TITLES",
    "KycLevelState",
    "KycLimitRow",
    "KycOverview",
    "SecurityOverview",
    "TradeFigures",
    "active_restriction",
    "active_restrictions",
    "block_made",
    "blocks_made",
    "completion_rate_sql",
    "fund_password_reset_usable",
    "fund_password_status",
    "has_blocked",
    "is_blocked_between",
    "kyc_can_review",
    "kyc_country",
    "kyc_daily_limit",
    "kyc_document_for_viewer",
    "kyc_latest_submissions",
    "kyc_legal_name",
    "kyc_level",
    "kyc_limit_table",
    "kyc_overview",
    "kyc_submit_blocker",
    "nickname_next_change_at",
    "notifications_for_user",
    "payment_method_detail_lines",
    "payment_method_for_owner",
    "payment_method_type_enabled",
    "payment_method_types_enabled",
    "payment_methods_for_user",
    "public_stats",
    "rate",
    "security_overview",
    "trade_figures",
    "trade_figures_grouped",
    "trade_orders_by_day",
    "trade_volume_by_asset",
    "unread_count",
    "user_by_nickname",
    "user_has_mfa",
    "user_has_totp",
    "window_start",
]
