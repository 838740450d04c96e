"""Limits an order must stay within. The caller passes the limit it read (the person's KYC
level, the merchant's tier) and what was used; this decides and words the refusal."""

from __future__ import annotations

from decimal import Decimal

from core.errors import DomainError
from core.money import format_amount


class OverLimit(DomainError):
    code = "over_limit"


def require_within_daily(
    *, limit: Decimal | None, used: Decimal, amount: Decimal, fiat_code: str, whose: str
) -> None:
    """Refuse `amount` when `used` + `amount` passes a daily `limit` (None: no limit).
    `whose`: "yours" for the person's own limit, "the merchant's" for a tier's."""
    if limit is None or used + amount <= limit:
        return
    left = max(limit - used, Decimal(0))
    if whose == "yours":
        raise OverLimit(
            f"Your verification level allows {format_amount(limit)} {fiat_code} a day; "
            f"{format_amount(used)} is used. Verify a higher level to trade more."
        )
    raise OverLimit(
        f"This ad can take at most {format_amount(left)} {fiat_code} more today; try a "
        "smaller amount or another ad."
    )


def require_within_order_max(*, limit: Decimal | None, amount: Decimal, fiat_code: str) -> None:
    """Refuse an order above the merchant tier's per-order ceiling (None: no ceiling)."""
    if limit is not None and amount > limit:
        raise OverLimit(
            f"This ad takes orders of at most {format_amount(limit)} {fiat_code}; "
            "try a smaller amount."
        )
