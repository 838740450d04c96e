"""Recompute the ledger from its transfers and compare it with the cached balances."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from core.money import format_amount

from .models import MAY_GO_NEGATIVE

# Per account: what its four cached sums must be, from the transfers alone.
RECOMPUTE_SQL = """
WITH legs AS (
    SELECT debit_account_id AS account_id,
           CASE WHEN phase IN ('single', 'post') THEN amount ELSE 0 END AS posted_debit,
           0::numeric AS posted_credit,
           CASE WHEN phase = 'pending' AND status = 'pending' THEN amount ELSE 0 END
               AS pending_debit,
           0::numeric AS pending_credit
    FROM escrow_transfer
    UNION ALL
    SELECT credit_account_id, 0, CASE WHEN phase IN ('single', 'post') THEN amount ELSE 0 END,
           0, CASE WHEN phase = 'pending' AND status = 'pending' THEN amount ELSE 0 END
    FROM escrow_transfer
)
SELECT a.id, s.symbol, a.kind, a.owner_id,
       a.posted_debits, a.posted_credits, a.pending_debits, a.pending_credits,
       COALESCE(SUM(l.posted_debit), 0), COALESCE(SUM(l.posted_credit), 0),
       COALESCE(SUM(l.pending_debit), 0), COALESCE(SUM(l.pending_credit), 0)
FROM escrow_ledgeraccount a
JOIN escrow_asset s ON s.id = a.asset_id
LEFT JOIN legs l ON l.account_id = a.id
GROUP BY a.id, s.symbol
ORDER BY a.id
"""

# Holds whose resolution rows do not add up to the hold, or that ended more than once.
HOLDS_SQL = """
SELECT h.id, h.status, h.amount, COALESCE(SUM(r.amount), 0), COUNT(DISTINCT r.entry_id)
FROM escrow_transfer h
LEFT JOIN escrow_transfer r ON r.pending_id = h.id
WHERE h.phase = 'pending'
GROUP BY h.id
HAVING (h.status = 'pending' AND COUNT(r.id) > 0)
    OR (h.status <> 'pending' AND (COALESCE(SUM(r.amount), 0) <> h.amount
                                   OR COUNT(DISTINCT r.entry_id) <> 1))
"""

# Withdrawal locks that do not rest on what they claim: a posted transfer that credited the
# lock's owner's available account, in the lock's asset, with at least the lock's amount.
LOCKS_SQL = """
SELECT l.id, l.owner_id, s.symbol, l.amount, t.id, t.amount,
       t.phase IN ('single', 'post') AND t.status = 'posted',
       a.kind = 'available' AND a.owner_id = l.owner_id,
       t.asset_id = l.asset_id
FROM escrow_withdrawallock l
JOIN escrow_asset s ON s.id = l.asset_id
JOIN escrow_transfer t ON t.id = l.transfer_id
JOIN escrow_ledgeraccount a ON a.id = t.credit_account_id
WHERE NOT (t.phase IN ('single', 'post') AND t.status = 'posted'
           AND a.kind = 'available' AND a.owner_id = l.owner_id
           AND t.asset_id = l.asset_id AND l.amount <= t.amount)
ORDER BY l.id
"""

SUM_NAMES = ("posted debits", "posted credits", "pending debits", "pending credits")


@dataclass
class AssetTotals:
    accounts: int = 0
    balance: Decimal = Decimal(0)
    pending: Decimal = Decimal(0)
    held_by_users: Decimal = Decimal(0)


@dataclass
class Report:
    accounts: int = 0
    transfers: int = 0
    locks: int = 0
    assets: dict[str, AssetTotals] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> Report:
    report = Report()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM escrow_transfer")
        report.transfers = cursor.fetchone()[0]
        cursor.execute(RECOMPUTE_SQL)
        rows = cursor.fetchall()
        cursor.execute(HOLDS_SQL)
        bad_holds = cursor.fetchall()
        cursor.execute("SELECT COUNT(*) FROM escrow_withdrawallock")
        report.locks = cursor.fetchone()[0]
        cursor.execute(LOCKS_SQL)
        bad_locks = cursor.fetchall()
    for account_id, symbol, kind, owner_id, *sums in rows:
        report.accounts += 1
        cached, recomputed = sums[:4], sums[4:]
        label = f"account #{account_id} ({symbol} {kind}, owner {owner_id or 'platform'})"
        for name, have, want in zip(SUM_NAMES, cached, recomputed, strict=True):
            if have != want:
                report.problems.append(f"{label}: cached {name} {have} but transfers sum to {want}")
        posted_debits, posted_credits, pending_debits, pending_credits = cached
        balance = posted_credits - posted_debits
        if kind not in MAY_GO_NEGATIVE and balance - pending_debits < 0:
            report.problems.append(f"{label}: below zero ({balance - pending_debits})")
        totals = report.assets.setdefault(symbol, AssetTotals())
        totals.accounts += 1
        totals.balance += balance
        totals.pending += pending_credits - pending_debits
        if owner_id is not None:
            totals.held_by_users += balance
    for symbol, totals in report.assets.items():
        if totals.balance != 0 or totals.pending != 0:
            report.problems.append(
                f"{symbol}: balances sum to {totals.balance} and pending to {totals.pending}, "
                "not zero"
            )
    for hold_id, status, amount, resolved, entries in bad_holds:
        report.problems.append(
            f"hold #{hold_id} ({status}, {amount}): resolutions sum to {resolved} "
            f"in {entries} entries"
        )
    report.problems.extend(_lock_problem(*row) for row in bad_locks)
    return report


def _lock_problem(
    lock_id: int,
    owner_id: int,
    symbol: str,
    amount: Decimal,
    transfer_id: int,
    transfer_amount: Decimal,
    posted: bool,
    to_owner: bool,
    same_asset: bool,
) -> str:
    wrong = []
    if not posted:
        wrong.append("is not a posted transfer")
    if not to_owner:
        wrong.append("did not credit the owner's available account")
    if not same_asset:
        wrong.append("moved another asset")
    if amount > transfer_amount:
        wrong.append(f"moved only {format_amount(transfer_amount)}")
    return (
        f"withdrawal lock #{lock_id} ({format_amount(amount)} {symbol}, owner {owner_id}): "
        f"transfer #{transfer_id} {' and '.join(wrong)}"
    )
