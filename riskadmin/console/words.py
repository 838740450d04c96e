"""How the console puts a due time into words."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _


def duration_text(span: timedelta) -> str:
    minutes = int(abs(span).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


def sla_text(left: timedelta) -> str:
    """`3 h 20 min left`, or `overdue by 2 h 5 min`."""
    if left.total_seconds() < 0:
        return _("overdue by %(span)s") % {"span": duration_text(left)}
    return _("%(span)s left") % {"span": duration_text(left)}
