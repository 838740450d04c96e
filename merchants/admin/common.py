"""What the merchant program's admin screens share: the acting staff member, badges, and a
collateral hold in one line."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext as _

from accounts.models import User
from core.money import format_crypto

from ..selectors import collateral_hold


def acting_staff(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def badge(label: str, color: str) -> str:
    return format_html(
        '<span style="background:{};color:#fff;padding:1px 8px;border-radius:9px;'
        'font-weight:600">{}</span>',
        color,
        label,
    )


def collateral_text(hold_id: int | None) -> str:
    hold = collateral_hold(hold_id=hold_id)
    if hold is None:
        return "-"
    state = hold.status_display.lower()
    amount = format_crypto(hold.amount, hold.asset.precision)
    return _("%(amount)s %(symbol)s (%(state)s, hold #%(id)s)") % {
        "amount": amount,
        "symbol": hold.asset.symbol,
        "state": state,
        "id": hold.pk,
    }
