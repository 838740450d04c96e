"""What staff may change while the platform runs: each knob's type, bounds, default and a line of
help. Pure declarations, read by the settings (which hand them to django-constance) as well as by
the app. A knob's default is the environment variable of the same name where the deployment set
one, so moving a value here changes nothing until staff change it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum

from django.utils.translation import gettext_lazy as _


class Kind(Enum):
    INT = "int"
    BOOL = "bool"
    TEXT = "text"
    INT_LIST = "int_list"  # "15,30,45": stored as text, read as a list of ints


@dataclass(frozen=True)
class Knob:
    key: str
    kind: Kind
    default: str
    help: object
    group: object
    min: int | None = None
    max: int | None = None
    # risky knobs show their effect before they are saved
    risky: bool = False

    def raw_default(self) -> str:
        return os.environ.get(self.key, self.default)


ORDERS = _("Orders")
TRADE_RULES = _("Cancellations, reminders and appeals")
ACCOUNTS = _("Accounts and prices")
MAINTENANCE = _("Maintenance")

KNOBS: tuple[Knob, ...] = (
    Knob(
        "AD_PAYMENT_WINDOWS",
        Kind.INT_LIST,
        "15,30,45,60",
        _("Payment windows (minutes) merchants may choose for their ads."),
        ORDERS,
        min=5,
        max=240,
        risky=True,
    ),
    Knob(
        "ORDER_MAX_OPEN_PER_USER",
        Kind.INT,
        "3",
        _("Open orders one person may have at once as a taker."),
        ORDERS,
        min=1,
        max=50,
        risky=True,
    ),
    Knob(
        "ORDER_REVIEW_HOURS",
        Kind.INT,
        "2",
        _("Hours within which staff review a held order (what the order page promises)."),
        ORDERS,
        min=1,
        max=72,
    ),
    Knob(
        "ORDER_CANCEL_LIMIT",
        Kind.INT,
        "3",
        _("Buyer cancellations (timeouts count) in 24 hours before new orders pause."),
        TRADE_RULES,
        min=1,
        max=50,
        risky=True,
    ),
    Knob(
        "ORDER_CANCEL_RESTRICT_HOURS",
        Kind.INT_LIST,
        "1,4,24",
        _("The pause in hours for the first, second and later times."),
        TRADE_RULES,
        min=1,
        max=720,
    ),
    Knob(
        "ORDER_PAYMENT_REMINDER_MINUTES",
        Kind.INT,
        "5",
        _("Remind the buyer this many minutes before the payment deadline."),
        TRADE_RULES,
        min=1,
        max=60,
    ),
    Knob(
        "ORDER_RELEASE_REMINDER_MINUTES",
        Kind.INT,
        "15",
        _("Remind the seller this many minutes after the buyer marked paid."),
        TRADE_RULES,
        min=1,
        max=240,
    ),
    Knob(
        "ORDER_APPEAL_AFTER_MINUTES",
        Kind.INT,
        "15",
        _("Either party may appeal a paid order this many minutes after it was marked paid."),
        TRADE_RULES,
        min=5,
        max=1440,
    ),
    Knob(
        "DISPUTE_RESPONSE_HOURS",
        Kind.INT,
        "12",
        _("Hours the other party has to respond to a dispute or add evidence."),
        TRADE_RULES,
        min=1,
        max=168,
    ),
    Knob(
        "FEEDBACK_EDIT_DAYS",
        Kind.INT,
        "15",
        _("Days a negative feedback may be edited."),
        TRADE_RULES,
        min=0,
        max=90,
    ),
    Knob(
        "SECURITY_COOLDOWN_HOURS",
        Kind.INT,
        "24",
        _("Hours withdrawals and selling pause after a security change."),
        ACCOUNTS,
        min=0,
        max=168,
        risky=True,
    ),
    Knob(
        "PRICE_INDEX_MAX_AGE_SECONDS",
        Kind.INT,
        "900",
        _("Floating ads hide when their price index is older than this (seconds)."),
        ACCOUNTS,
        min=60,
        max=86400,
        risky=True,
    ),
    Knob(
        "MAINTENANCE_NO_NEW_ORDERS",
        Kind.BOOL,
        "false",
        _("Refuse new orders platform-wide; open orders go on."),
        MAINTENANCE,
        risky=True,
    ),
    Knob(
        "MAINTENANCE_NO_NEW_ADS",
        Kind.BOOL,
        "false",
        _("Refuse new ads and ads going online; ads online stay."),
        MAINTENANCE,
        risky=True,
    ),
    Knob(
        "MAINTENANCE_MESSAGE",
        Kind.TEXT,
        "",
        _("What people are told while something is switched off (empty: a standard line)."),
        MAINTENANCE,
        max=300,
    ),
)
BY_KEY = {knob.key: knob for knob in KNOBS}


def constance_config() -> dict[str, tuple[object, str, type]]:
    """CONSTANCE_CONFIG: every knob stored as text or int, typed again when read."""
    stored: dict[str, tuple[object, str, type]] = {}
    for knob in KNOBS:
        raw = knob.raw_default()
        if knob.kind is Kind.INT:
            stored[knob.key] = (int(raw), "", int)
        elif knob.kind is Kind.BOOL:
            stored[knob.key] = (raw.strip().lower() in ("1", "true", "yes", "on"), "", bool)
        else:
            stored[knob.key] = (raw, "", str)
    return stored
