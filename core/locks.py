"""The one lock order of the whole project, and the one way to take a row lock.

Every service that locks rows takes them through `lock` / `lock_one`, naming the kind of row.
Kinds are ranked in the order DESIGN.md section 4 writes down; within a transaction a service
may only go down the list, never back up, and rows of one table are taken by ascending id. Two
transactions that both follow this order can wait for each other but never deadlock, which is
what keeps many buyers on one hot ad, a release racing a timeout and a staff decision racing a
cancel from failing with "deadlock detected".

The order is checked as locks are taken: a service that takes an ad after an order, or ledger
account 7 after account 9, raises `LockOrderError` at once (a programming error, caught by the
tests, never a message for a person). Rows already held may be locked again at any time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model, QuerySet

_M = TypeVar("_M", bound=Model)


class LockKind(IntEnum):
    """What is locked, in the order locks are taken (lowest first)."""

    USER = 10  # people: the actor and anyone else, by ascending id
    USER_RECORD = 20  # what one person owns: fund password, payment methods, KYC, restrictions
    MERCHANT_APPLICATION = 30
    MERCHANT = 40
    NAME = 45  # a public name being claimed (nickname, merchant name): an advisory lock
    AD = 50
    ORDER = 60
    ORDER_RECORD = 65  # what belongs to one order: its feedback
    DISPUTE = 70
    DECISION = 75  # a dispute's proposed decision
    WALLET = 80  # withdrawals and deposits
    HOLD = 90  # an escrow hold (a pending ledger transfer)
    LEDGER_ACCOUNT = 100


class LockOrderError(RuntimeError):
    """A service took a lock against the global order: fix the service, not the caller."""


@dataclass
class _Held:
    highest: LockKind | None = None
    # per table (or name scope): the highest id locked, and every id held
    top_id: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, set[Any]] = field(default_factory=dict)


def _held() -> _Held:
    """What this transaction holds, kept on its outermost atomic block (a test case's own
    wrapping block does not count: each service call in a test starts afresh)."""
    blocks = [b for b in connection.atomic_blocks if not getattr(b, "_from_testcase", False)]
    if not blocks:
        raise LockOrderError("Row locks are taken inside a service's transaction.")
    outermost = blocks[0]
    held: _Held | None = getattr(outermost, "_otc_locks_held", None)
    if held is None:
        held = _Held()
        outermost._otc_locks_held = held  # type: ignore[attr-defined]
    return held


def _check(kind: LockKind, table: str, keys: list[Any]) -> None:
    """Record that rows `keys` of `table` (of `kind`) are locked now; refuse what breaks the
    order. Rows this transaction already holds may be named again (waiting on them is
    impossible)."""
    held = _held()
    already = held.ids.setdefault(table, set())
    new = [key for key in keys if key not in already]
    if not new:
        return
    if held.highest is not None and kind < held.highest:
        raise LockOrderError(
            f"{kind.name} locked after {held.highest.name}: locks go "
            + " -> ".join(k.name for k in LockKind)
        )
    top = held.top_id.get(table)
    if top is not None and min(new) < top:
        raise LockOrderError(f"{table} {min(new)} locked after {table} {top}: by ascending id")
    already.update(new)
    held.top_id[table] = max(new)
    held.highest = kind


def lock(kind: LockKind, rows: QuerySet[_M]) -> list[_M]:
    """`SELECT ... FOR NO KEY UPDATE OF` the rows of `rows` (all of one kind), by ascending id,
    in one statement. NO KEY: no service changes a primary key, and a plain FOR UPDATE would
    also stop other transactions' foreign-key checks on the row (an order pointing at a locked
    user) until this one ends."""
    found = list(rows.select_for_update(of=("self",), no_key=True).order_by("pk"))
    _check(kind, rows.model._meta.db_table, [row.pk for row in found])
    return found


def lock_one(kind: LockKind, rows: QuerySet[_M]) -> _M | None:
    """Lock the single row `rows` selects (None when there is none)."""
    found = lock(kind, rows)
    if len(found) > 1:
        raise LockOrderError(f"lock_one({kind.name}) matched {len(found)} rows")
    return found[0] if found else None


def lock_shared(kind: LockKind, model: type[Model], ids: list[Any]) -> None:
    """`SELECT ... FOR SHARE` rows of `model` by id: many holders at once, but none while
    someone holds them through `lock` (orders placed on a merchant's ads share the merchant
    row, while staff suspending it or its resignation completing take it alone)."""
    keys = sorted(set(ids))
    if not keys:
        return
    _check(kind, model._meta.db_table, keys)
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE {column} = ANY(%s) ORDER BY {column} FOR SHARE",  # noqa: S608 - names from the model
            [keys],
        )


def lock_name(scope: str, name: str) -> None:
    """Serialise everyone claiming one public name of `scope` ("nickname", "merchant-name")
    until this transaction ends: an advisory lock on the name's hash, whatever its case."""
    key = f"{scope}:{name.lower()}"
    _check(LockKind.NAME, f"name:{scope}", [key])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
