"""What every ledger service shares: accounts looked up or opened, one entry per idempotency
key, amounts checked against the asset, and the ledger's locks (holds, then accounts, by
ascending id, through `core.locks`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.locks import LockKind, lock
from core.money import AmountOutOfRange, format_amount, has_at_most_places, to_decimal

from ..models import MAY_GO_NEGATIVE, AccountKind, Asset, LedgerAccount
from ..models.transfers import Entry, Transfer
from .errors import IdempotencyConflict, InsufficientFunds, InvalidAmount, LedgerError

IDEMPOTENCY_CONSTRAINT = "escrow_entry_idempotency_key_key"

T = TypeVar("T")

# the word for the figure a message is about, in the reader's language
_WHAT = {"amount": gettext_lazy("amount"), "fee": gettext_lazy("fee")}


def _what(what: str) -> dict[str, object]:
    return {"what": _WHAT.get(what, what)}


def account_for(*, owner: User, asset: Asset, kind: str = AccountKind.AVAILABLE) -> LedgerAccount:
    """The owner's account of `kind` for `asset`, created empty on first use."""
    account, _ = LedgerAccount.objects.get_or_create(owner=owner, asset=asset, kind=kind)
    return account


def platform_account(*, asset: Asset, kind: str) -> LedgerAccount:
    account, _ = LedgerAccount.objects.get_or_create(owner=None, asset=asset, kind=kind)
    return account


def _fingerprint(action: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps({"action": action, **payload}, sort_keys=True, default=_canonical)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _is_duplicate_key(error: IntegrityError) -> bool:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == IDEMPOTENCY_CONSTRAINT


def _once(
    *,
    key: str,
    action: str,
    payload: dict[str, Any],
    ref: str,
    apply: Callable[[Entry], T],
    replay: Callable[[Entry], T],
    actor: User | None = None,
    reason: str = "",
) -> T:
    """Run `apply` under a new entry for `key`, or return `replay` of the entry already there.

    Two calls racing with one key: the second blocks on the unique key until the first commits,
    then finds its entry and replays it.
    """
    key = (key or "").strip()
    if not key or len(key) > 200:
        raise LedgerError(_("An idempotency key of 1 to 200 characters is required."))
    fingerprint = _fingerprint(action, payload)
    for _attempt in range(2):
        existing = Entry.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.action != action or existing.fingerprint != fingerprint:
                raise IdempotencyConflict(
                    _("The key %(key)r was already used for a different request.") % {"key": key}
                )
            return replay(existing)
        try:
            with transaction.atomic(savepoint=True):  # a refused request leaves no entry
                entry = Entry.objects.create(
                    idempotency_key=key,
                    action=action,
                    ref=ref,
                    fingerprint=fingerprint,
                    actor=actor,
                    reason=reason,
                )
                return apply(entry)
        except IntegrityError as error:
            if not _is_duplicate_key(error):
                raise
    raise LedgerError(_("The request could not be recorded; try again."))  # pragma: no cover


def _amount(value: object, asset: Asset, *, what: str = "amount") -> Decimal:
    try:
        amount = to_decimal(value)
    except AmountOutOfRange as exc:
        raise InvalidAmount(_("The %(what)s is too large.") % _what(what)) from exc
    except (TypeError, ValueError) as exc:
        raise InvalidAmount(_("The %(what)s must be a decimal number.") % _what(what)) from exc
    if amount <= 0:
        raise InvalidAmount(_("The %(what)s must be greater than zero.") % _what(what))
    if not has_at_most_places(amount, asset.precision):
        raise InvalidAmount(
            _("%(symbol)s amounts have at most %(places)s decimal places.")
            % {"symbol": asset.symbol, "places": asset.precision}
        )
    return amount


def _optional_amount(value: object, asset: Asset, *, what: str) -> Decimal:
    """Zero, or a valid amount of `asset`."""
    try:
        if to_decimal(value) == 0:
            return Decimal(0)
    except AmountOutOfRange as exc:
        raise InvalidAmount(_("The %(what)s is too large.") % _what(what)) from exc
    except (TypeError, ValueError) as exc:
        raise InvalidAmount(_("The %(what)s must be a decimal number.") % _what(what)) from exc
    return _amount(value, asset, what=what)


def _canonical(value: object) -> str:
    """One spelling per number, so "10" and "10.00" are the same request."""
    try:
        return f"{to_decimal(value).normalize():f}"
    except (TypeError, ValueError):
        return repr(value)


def _lock_accounts(*account_ids: int) -> dict[int, LedgerAccount]:
    """Lock the accounts' rows in ascending id order and return them fresh from the database."""
    rows = LedgerAccount.objects.select_related("asset").filter(pk__in=set(account_ids))
    return {account.pk: account for account in lock(LockKind.LEDGER_ACCOUNT, rows)}


@dataclass(frozen=True)
class LockSet:
    """The holds and accounts a service is about to move funds through."""

    hold_ids: frozenset[int] = frozenset()
    account_ids: frozenset[int] = frozenset()

    def __or__(self, other: LockSet) -> LockSet:
        return LockSet(self.hold_ids | other.hold_ids, self.account_ids | other.account_ids)


def lock_set(
    *, holds: Iterable[int | None] = (), accounts: Iterable[LedgerAccount] = ()
) -> LockSet:
    return LockSet(
        frozenset(hold for hold in holds if hold is not None),
        frozenset(account.pk for account in accounts),
    )


def lock_for_moves(needed: LockSet) -> None:
    """Lock, before a service moves anything, every hold and every account it will touch: the
    holds first, then their accounts and the others named, all by ascending id. A service that
    moves funds in several steps (void an order's hold, then give its amount back from the ad
    reserve; post an order's hold, then take a penalty from a collateral hold) takes them here
    in one go, so that no later step has to lock a row that comes earlier in the order."""
    holds = (
        lock(LockKind.HOLD, Transfer.objects.filter(pk__in=needed.hold_ids))
        if needed.hold_ids
        else []
    )
    sides = [side for hold in holds for side in (hold.debit_account_id, hold.credit_account_id)]
    _lock_accounts(*sides, *needed.account_ids)


def _require_funds(account: LedgerAccount, amount: Decimal) -> None:
    if account.kind in MAY_GO_NEGATIVE:
        return
    if account.spendable < amount:
        raise InsufficientFunds(
            _("Insufficient %(symbol)s: %(available)s available, %(needed)s needed.")
            % {
                "symbol": account.asset.symbol,
                "available": format_amount(account.spendable),
                "needed": format_amount(amount),
            }
        )


def _same_asset(asset: Asset, *accounts: LedgerAccount) -> None:
    if any(account.asset_id != asset.pk for account in accounts):
        raise LedgerError(_("Both sides of a transfer must hold the same asset."))


def _two_sides(debit: LedgerAccount, credit: LedgerAccount) -> Asset:
    if debit.pk == credit.pk:
        raise LedgerError("A transfer needs two different accounts.")
    asset = debit.asset
    _same_asset(asset, credit)
    return asset
