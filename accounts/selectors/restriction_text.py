"""What a person is told about the restrictions on their account: what is paused, until when
(in their time zone, with UTC beside it, since staff and support speak UTC) and why. Several
restrictions that end together for the same reason read as one sentence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from ..models import Restriction
from ..models.security import RestrictionKind

# One kind alone: a whole sentence (English needs "is" or "are", Chinese word order differs).
KIND_PAUSED: dict[str, Promise] = {
    RestrictionKind.TRADE: gettext_lazy("New orders are paused on your account"),
    RestrictionKind.SELL: gettext_lazy("Selling is paused on this account"),
    RestrictionKind.WITHDRAW: gettext_lazy("Withdrawals are paused on your account"),
    RestrictionKind.LOGIN: gettext_lazy("Signing in is paused on this account"),
}
# Several kinds: named in a list inside one sentence.
KIND_NOUN: dict[str, Promise] = {
    RestrictionKind.TRADE: gettext_lazy("new orders"),
    RestrictionKind.SELL: gettext_lazy("selling"),
    RestrictionKind.WITHDRAW: gettext_lazy("withdrawals"),
    RestrictionKind.LOGIN: gettext_lazy("signing in"),
}


def moment_text(at: datetime) -> str:
    """`2026-12-05 18:00 (Asia/Hong_Kong), 10:00 UTC` in the active (the viewer's) zone; only
    the UTC time when that is the viewer's zone; the UTC date too when it is another day."""
    zone = timezone.get_current_timezone()
    utc = at.astimezone(UTC)
    local = at.astimezone(zone)
    if str(zone) in ("UTC", "Etc/UTC"):
        return _("%(utc)s UTC") % {"utc": f"{utc:%Y-%m-%d %H:%M}"}
    utc_part = f"{utc:%H:%M}" if utc.date() == local.date() else f"{utc:%Y-%m-%d %H:%M}"
    return _("%(local)s (%(zone)s), %(utc)s UTC") % {
        "local": f"{local:%Y-%m-%d %H:%M}",
        "zone": str(zone),
        "utc": utc_part,
    }


def listed(items: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`, in the active language."""
    if len(items) < 2:
        return "".join(items)
    head = pgettext("list separator", ", ").join(items[:-1])
    return _("%(items)s and %(last)s") % {"items": head, "last": items[-1]}


def paused_sentence(
    *, single: Promise | None, nouns: Sequence[str], until: datetime | None, reasons: Iterable[str]
) -> str:
    """One sentence: `single` is the whole-sentence text when one thing is paused; `nouns`
    name what is paused when there are several."""
    if single is not None:
        text = str(single)
        if until is not None:
            text = _("%(what)s until %(until)s") % {"what": text, "until": moment_text(until)}
    else:
        things = capfirst(listed(list(nouns)))
        if until is None:
            text = _("%(things)s are paused on your account") % {"things": things}
        else:
            text = _("%(things)s are paused on your account until %(until)s") % {
                "things": things,
                "until": moment_text(until),
            }
    why = list(dict.fromkeys(reason.strip() for reason in reasons if reason.strip()))
    if not why:
        return _("%(sentence)s.") % {"sentence": text}
    return _("%(sentence)s: %(reasons)s") % {"sentence": text, "reasons": "; ".join(why)}


def restriction_summary(restrictions: Iterable[Restriction]) -> list[str]:
    """The security page's list: restrictions ending at the same moment for the same reason
    are one line; selling is not named beside new orders (a sell order is an order)."""
    groups: dict[tuple[datetime | None, str], list[str]] = {}
    for restriction in restrictions:
        key = (restriction.until, restriction.reason.strip())
        kinds = groups.setdefault(key, [])
        if restriction.kind not in kinds:
            kinds.append(restriction.kind)
    lines = []
    for (until, reason), kinds in groups.items():
        if RestrictionKind.TRADE in kinds and RestrictionKind.SELL in kinds:
            kinds.remove(RestrictionKind.SELL)
        order = list(KIND_NOUN)
        kinds.sort(key=order.index)
        single = KIND_PAUSED[kinds[0]] if len(kinds) == 1 else None
        nouns = [str(KIND_NOUN[kind]) for kind in kinds]
        lines.append(paused_sentence(single=single, nouns=nouns, until=until, reasons=[reason]))
    return lines
