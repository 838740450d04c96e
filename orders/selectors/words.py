"""The order's recorded notes in the reader's language. Events and cancel reasons are stored
once, in English, for staff and the audit trail; what the parties read of them is translated
here when it is one of the notes the services write. A note typed by a person stays as typed
after its translated lead-in."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

_FIXED = {
    "Order placed": gettext_lazy("Order placed"),
    "Escrow frozen; waiting for payment": gettext_lazy("Escrow frozen; waiting for payment"),
    "Approved by staff": gettext_lazy("Approved by staff"),
    "Released by the seller": gettext_lazy("Released by the seller"),
    "Not paid within the payment window": gettext_lazy("Not paid within the payment window"),
    "Buyer marked the order as paid": gettext_lazy("Buyer marked the order as paid"),
    "Approved by staff; the escrow is frozen": gettext_lazy(
        "Approved by staff; the escrow is frozen"
    ),
    "This payment is being checked by the platform; do not release until it is confirmed": (
        gettext_lazy(
            "This payment is being checked by the platform; do not release until it is confirmed"
        )
    ),
    "The platform has confirmed this payment": gettext_lazy(
        "The platform has confirmed this payment"
    ),
}

# a lead-in the services write, then a colon and what a person typed
_LEAD_INS = {
    "Canceled by the buyer": gettext_lazy("Canceled by the buyer: %(reason)s"),
    "Withdrawn during the review": gettext_lazy("Withdrawn during the review: %(reason)s"),
    "Rejected in review": gettext_lazy("Rejected in review: %(reason)s"),
    "Canceled": gettext_lazy("Canceled: %(reason)s"),
}

_PAID = re.compile(r"^Paid by (?P<method>.+?)(?:, (?P<count>\d+) proof images?)?$")


def note_words(note: str) -> str:
    """A recorded note as the reader should see it; an unknown note unchanged."""
    if not note:
        return ""
    fixed = _FIXED.get(note)
    if fixed is not None:
        return str(fixed)
    lead, sep, rest = note.partition(": ")
    if sep and lead in _LEAD_INS:
        return str(_LEAD_INS[lead]) % {"reason": note_words(rest)}
    paid = _PAID.match(note)
    if paid:
        method = paid.group("method")
        if paid.group("count"):
            count = int(paid.group("count"))
            return ngettext(
                "Paid by %(method)s, %(count)d proof image",
                "Paid by %(method)s, %(count)d proof images",
                count,
            ) % {"method": method, "count": count}
        return _("Paid by %(method)s") % {"method": method}
    return note
