"""How much of a balance may leave the platform now, given its withdrawal locks (T+N lots).

Locked crypto stays usable for trading, so a lock does not follow the coins: whatever the
person spends, all that is still locked is kept back from what they may withdraw. That is the
cautious reading (spending one's own deposit while a lock runs leaves less to withdraw, never
more) and it needs no bookkeeping of which coins went where."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models.functions import Now
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors.restriction_text import moment_text
from core.money import format_crypto

from ..models import AccountKind, Asset, LedgerAccount, WithdrawalLock


@dataclass(frozen=True)
class OpenLock:
    amount: Decimal
    unlocks_at: datetime


@dataclass(frozen=True)
class Withdrawable:
    """One asset of one person: what they may spend, what of it is locked, and so what they
    may withdraw now. `locks`: the locks still running, soonest end first."""

    asset: Asset
    spendable: Decimal
    locks: tuple[OpenLock, ...] = ()

    @property
    def locked(self) -> Decimal:
        return sum((lock.amount for lock in self.locks), Decimal(0))

    @property
    def withdrawable(self) -> Decimal:
        return max(Decimal(0), self.spendable - self.locked)

    @property
    def next_unlock(self) -> datetime | None:
        return self.locks[0].unlocks_at if self.locks else None


def _open_locks(user: User, asset: Asset | None = None) -> dict[int, list[OpenLock]]:
    """The user's locks still running by the database clock, per asset id, soonest first."""
    running = WithdrawalLock.objects.filter(owner=user, unlocks_at__gt=Now())
    if asset is not None:
        running = running.filter(asset=asset)
    rows = running.order_by("unlocks_at", "id").values_list("asset_id", "amount", "unlocks_at")
    found: dict[int, list[OpenLock]] = defaultdict(list)
    for asset_id, amount, unlocks_at in rows:
        found[asset_id].append(OpenLock(amount=amount, unlocks_at=unlocks_at))
    return found


def _spendable(user: User, asset: Asset | None = None) -> dict[int, Decimal]:
    accounts = LedgerAccount.objects.filter(owner=user, kind=AccountKind.AVAILABLE)
    if asset is not None:
        accounts = accounts.filter(asset=asset)
    return {account.asset_id: account.spendable for account in accounts}


def withdrawable(*, user: User, asset: Asset) -> Withdrawable:
    """What `user` may withdraw of `asset` now: their available balance less holds (spendable)
    less what is still locked, never below zero."""
    spendable = _spendable(user, asset).get(asset.pk, Decimal(0))
    locks = _open_locks(user, asset).get(asset.pk, [])
    return Withdrawable(asset=asset, spendable=spendable, locks=tuple(locks))


def withdrawable_by_asset(*, user: User, assets: list[Asset]) -> dict[int, Withdrawable]:
    """`withdrawable` for each of `assets`, by asset id, in two queries (the wallet page)."""
    spendable, locks = _spendable(user), _open_locks(user)
    return {
        asset.pk: Withdrawable(
            asset=asset,
            spendable=spendable.get(asset.pk, Decimal(0)),
            locks=tuple(locks.get(asset.pk, ())),
        )
        for asset in assets
    }


def withdrawable_text(funds: Withdrawable) -> str:
    """What a withdrawal form tells its reader, in their language and time zone: how much may
    leave now and, while locks run, how much is locked and when the next of it unlocks."""
    places = funds.asset.precision
    figures = {
        "amount": format_crypto(funds.withdrawable, places),
        "symbol": funds.asset.symbol,
    }
    if not funds.locks:
        return _("You can withdraw %(amount)s %(symbol)s now.") % figures
    first = funds.locks[0]
    return _(
        "You can withdraw %(amount)s %(symbol)s now. %(locked)s %(symbol)s bought in orders "
        "is locked for withdrawal; %(next)s %(symbol)s of it unlocks at %(when)s."
    ) % {
        **figures,
        "locked": format_crypto(funds.locked, places),
        "next": format_crypto(first.amount, places),
        "when": moment_text(first.unlocks_at),
    }
