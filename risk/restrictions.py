"""Who is paused from what. Restrictions are accounts' records (staff, the security cool-down,
cancellation caps and lost disputes write them); this is where an action asks whether one
stops it, and what the person is told: what is paused, until when in their time zone (UTC
beside it), and why; several pauses that end together read as one sentence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Now
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from accounts.models import Restriction, User
from accounts.models.security import RestrictionKind
from accounts.selectors.restriction_text import paused_sentence
from core.errors import DomainError


class Action(StrEnum):
    """What a person is about to do, and so which restrictions stop it."""

    BUY = "buy"  # take an order as the buyer
    SELL = "sell"  # take an order as the seller, or put a sell ad online
    MAKE_BUY = "make_buy"  # be the merchant behind a buy ad someone takes
    MAKE_SELL = "make_sell"  # be the merchant behind a sell ad someone takes
    WITHDRAW = "withdraw"


# A trade pause stops every new order; a merchant who may not log in cannot release or pay,
# so their ads take no order either.
PAUSED_BY: dict[Action, tuple[RestrictionKind, ...]] = {
    Action.BUY: (RestrictionKind.TRADE,),
    Action.SELL: (RestrictionKind.TRADE, RestrictionKind.SELL),
    Action.MAKE_BUY: (RestrictionKind.TRADE, RestrictionKind.LOGIN),
    Action.MAKE_SELL: (RestrictionKind.TRADE, RestrictionKind.SELL, RestrictionKind.LOGIN),
    Action.WITHDRAW: (RestrictionKind.WITHDRAW,),
}

# One action paused: the whole sentence.
WHAT_IS_PAUSED: dict[Action, Promise] = {
    Action.BUY: gettext_lazy("New orders are paused on your account"),
    Action.SELL: gettext_lazy("Selling is paused on this account"),
    Action.MAKE_BUY: gettext_lazy("Your buy ads are paused"),
    Action.MAKE_SELL: gettext_lazy("Your sell ads are paused"),
    Action.WITHDRAW: gettext_lazy("Withdrawals are paused on your account"),
}
# Several paused together: each named in the list of one sentence.
ACTION_NOUN: dict[Action, Promise] = {
    Action.BUY: gettext_lazy("buying"),
    Action.SELL: gettext_lazy("selling"),
    Action.MAKE_BUY: gettext_lazy("your buy ads"),
    Action.MAKE_SELL: gettext_lazy("your sell ads"),
    Action.WITHDRAW: gettext_lazy("withdrawals"),
}
# What a person's own pages ask about.
PERSONAL_ACTIONS = (Action.BUY, Action.SELL, Action.WITHDRAW)


class Paused(DomainError):
    code = "paused"


def _active() -> QuerySet[Restriction]:
    """Restrictions in force now, by the database clock."""
    return Restriction.objects.filter(
        Q(until__isnull=True) | Q(until__gt=Now()), lifted_at__isnull=True, starts_at__lte=Now()
    )


def _longest(found: Sequence[Restriction]) -> Restriction:
    open_ended = [restriction for restriction in found if restriction.until is None]
    return open_ended[0] if open_ended else max(found, key=lambda r: r.until)  # type: ignore[arg-type,return-value]


def pausing(*, user: User, action: Action) -> Restriction | None:
    """The restriction that stops `user` doing `action` for longest (an open-ended one first)."""
    found = list(_active().filter(user=user, kind__in=PAUSED_BY[action]))
    return _longest(found) if found else None


def pause_text(restriction: Restriction, action: Action) -> str:
    """One restriction's sentence, in the active language and time zone."""
    return paused_sentence(
        single=WHAT_IS_PAUSED[action],
        nouns=[],
        until=restriction.until,
        reasons=[restriction.reason],
    )


def paused_summary(*, user: User, actions: Sequence[Action] = PERSONAL_ACTIONS) -> list[str]:
    """What stops `user` from `actions`, one sentence per end and reasons: a trade pause reads
    "Buying and selling are paused on your account until ...", not twice."""
    active = list(_active().filter(user=user))
    groups: dict[tuple[datetime | None, tuple[str, ...]], list[Action]] = {}
    for action in actions:
        found = [r for r in active if r.kind in PAUSED_BY[action]]
        if not found:
            continue
        # the reason of the pause that lasts longest first
        found.sort(key=lambda r: (r.until is not None, -(r.until.timestamp() if r.until else 0)))
        reasons = tuple(dict.fromkeys(r.reason.strip() for r in found))
        groups.setdefault((_longest(found).until, reasons), []).append(action)
    return [
        paused_sentence(
            single=WHAT_IS_PAUSED[stopped[0]] if len(stopped) == 1 else None,
            nouns=[str(ACTION_NOUN[action]) for action in stopped],
            until=until,
            reasons=reasons,
        )
        for (until, reasons), stopped in groups.items()
    ]


def require_not_paused(*, user: User, action: Action) -> None:
    """Refuse, with what is paused, until when and why, when a restriction stops `action`."""
    summary = paused_summary(user=user, actions=[action])
    if summary:
        raise Paused(summary[0])


def paused_users(action: Action) -> QuerySet[Restriction, Any]:
    """The ids of everyone a restriction stops from `action` now, as a subquery (the market
    leaves out the ads of merchants who may not trade them)."""
    return _active().filter(kind__in=PAUSED_BY[action]).values("user_id")
