"""Maintenance switches: staff turn off new orders or new ads platform-wide, with a message; what
is already open goes on. Each service asks before it starts. (Withdrawals have their own
platform-wide pause with a message: the wallet switch, escrow's WalletControl.)"""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import config_value

NEW_ORDERS = "MAINTENANCE_NO_NEW_ORDERS"
NEW_ADS = "MAINTENANCE_NO_NEW_ADS"


def switched_off(switch: str) -> str | None:
    """What people are told while `switch` is on, or None when the action may go ahead."""
    if not config_value(switch):
        return None
    message = config_value("MAINTENANCE_MESSAGE")
    if message:
        return str(message)
    standard = {
        NEW_ORDERS: _("New orders are paused for maintenance. Open orders go on; try again soon."),
        NEW_ADS: _("New ads are paused for maintenance. Ads online stay; try again soon."),
    }
    return standard[switch]
