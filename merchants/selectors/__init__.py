"""Reads about the merchant program: requirements, tiers, applications, merchants, figures,
and business hours (`is_open`, a pure function).

This app sits below `ads` and `orders`, so nothing here queries them: figures are read from the
daily trade counters the orders app writes into accounts (accounts.selectors.figures), and
checks about open ads or orders are passed in by the higher layer that knows them (see
services.merchant_complete_resignation).
"""

from . import risk_history  # noqa: F401 - read by the staff console's scans
from .figures import (
    MerchantFigures,
    duration_text,
    merchant_figures,
    merchant_public_figures,
)
from .hours import (
    COMMON_TIMEZONES,
    DAY_MINUTES,
    WEEKDAY_NAMES,
    WEEKDAYS,
    business_hours_rows,
    clock_minutes,
    is_open,
    merchants_open_state,
)
from .members import (
    application_pending,
    applications_for_user,
    collateral_hold,
    display_name_taken,
    merchant_can_manage,
    merchant_can_review,
    merchant_exempt_from_withdrawal_lock,
    merchant_for_user,
    merchant_is_current,
    merchants_due_for_resignation,
    resignation_due_at,
)
from .program import (
    ApplicantFacts,
    Requirement,
    account_age_days,
    applicant_facts,
    completed_orders_count,
    merchant_assets_choosable,
    merchant_fiats_choosable,
    merchant_program,
    merchant_requirements,
    merchant_tiers_enabled,
    tier_limit,
)

__all__ = [
    "COMMON_TIMEZONES",
    "DAY_MINUTES",
    "WEEKDAYS",
    "WEEKDAY_NAMES",
    "ApplicantFacts",
    "MerchantFigures",
    "Requirement",
    "account_age_days",
    "applicant_facts",
    "application_pending",
    "applications_for_user",
    "business_hours_rows",
    "clock_minutes",
    "collateral_hold",
    "completed_orders_count",
    "display_name_taken",
    "duration_text",
    "is_open",
    "merchant_assets_choosable",
    "merchant_can_manage",
    "merchant_can_review",
    "merchant_exempt_from_withdrawal_lock",
    "merchant_fiats_choosable",
    "merchant_figures",
    "merchant_for_user",
    "merchant_is_current",
    "merchant_program",
    "merchant_public_figures",
    "merchant_requirements",
    "merchant_tiers_enabled",
    "merchants_due_for_resignation",
    "merchants_open_state",
    "resignation_due_at",
    "tier_limit",
]
