"""Limits an order must stay within. The caller passes the limit it read (the person's KYC
level, the merchant's tier) and what was used; this decides and words the refusal."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

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
            _(
                "Your verification level allows %(limit)s %(fiat)s a day; %(used)s is used. "
                "Verify a higher level to trade more."
            )
            % {"limit": format_amount(limit), "fiat": fiat_code, "used": format_amount(used)}
        )
    raise OverLimit(
        _(
            "This ad can take at most %(left)s %(fiat)s more today; try a smaller amount or "
            "another ad."
        )
        % {"left": format_amount(left), "fiat": fiat_code}
    )


def require_within_order_max(*, limit: Decimal | None, amount: Decimal, fiat_code: str) -> None:
    """Refuse an order above the merchant tier's per-order ceiling (None: no ceiling)."""
    if limit is not None and amount > limit:
        raise OverLimit(
            _("This ad takes orders of at most %(limit)s %(fiat)s; try a smaller amount.")
            % {"limit": format_amount(limit), "fiat": fiat_code}
        )
