"""Who is paused from what. Restrictions are accounts' records (staff, the security cool-down,
cancellation caps and lost disputes write them); this is where an action asks whether one
stops it, and what the person is told."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Now

from accounts.models import Restriction, User
from accounts.models.security import RestrictionKind
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

WHAT_IS_PAUSED: dict[Action, str] = {
    Action.BUY: "New orders are paused on your account",
    Action.SELL: "Selling is paused on this account",
    Action.MAKE_BUY: "Your buy ads are paused",
    Action.MAKE_SELL: "Your sell ads are paused",
    Action.WITHDRAW: "Withdrawals are paused on your account",
}


class Paused(DomainError):
    code = "paused"


def _active() -> QuerySet[Restriction]:
    """Restrictions in force now, by the database clock."""
    return Restriction.objects.filter(
        Q(until__isnull=True) | Q(until__gt=Now()), lifted_at__isnull=True, starts_at__lte=Now()
    )


def pausing(*, user: User, action: Action) -> Restriction | None:
    """The restriction that stops `user` doing `action` for longest (an open-ended one first)."""
    found = list(_active().filter(user=user, kind__in=PAUSED_BY[action]))
    if not found:
        return None
    open_ended = [restriction for restriction in found if restriction.until is None]
    return open_ended[0] if open_ended else max(found, key=lambda r: r.until)  # type: ignore[arg-type,return-value]


def pause_text(restriction: Restriction, action: Action) -> str:
    until = f" until {restriction.until:%Y-%m-%d %H:%M} UTC" if restriction.until else ""
    return f"{WHAT_IS_PAUSED[action]}{until}: {restriction.reason}"


def require_not_paused(*, user: User, action: Action) -> None:
    """Refuse, with what is paused, until when and why, when a restriction stops `action`."""
    restriction = pausing(user=user, action=action)
    if restriction is not None:
        raise Paused(pause_text(restriction, action))


def paused_users(action: Action) -> QuerySet[Restriction, Any]:
    """The ids of everyone a restriction stops from `action` now, as a subquery (the market
    leaves out the ads of merchants who may not trade them)."""
    return _active().filter(kind__in=PAUSED_BY[action]).values("user_id")
