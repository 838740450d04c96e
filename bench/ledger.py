"""Ledger holds per second on one hot account, against a raw UPDATE + INSERT baseline.

Run from the repository root:

    .venv/bin/python bench/ledger.py [--threads 16] [--seconds 5] [--json PATH]

Both measurements run in the same process against the same (dev) database, one after the
other, with the same number of threads and the same duration:

1. `escrow.services.hold_open` from one seller's available account to one buyer's, amount 1,
   every call with a fresh idempotency key (so every call writes an entry and a transfer);
2. the same contention without the ledger: a one-row `UPDATE` plus one `INSERT` per
   transaction through psycopg, every thread on one hot row of a scratch table.

Each thread has its own database connection. Ledger rows cannot be deleted, so the asset,
users and transfers the run creates stay in the database, named `B<suffix>` /
`bench-...-<suffix>@bench.local`; the scratch tables are dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import string
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "otc.settings.dev"

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from psycopg import sql  # noqa: E402

from accounts.models import User  # noqa: E402
from escrow.models import Asset, LedgerAccount, TransferKind  # noqa: E402
from escrow.models.transfers import Transfer  # noqa: E402
from escrow.services import account_for, deposit, hold_open  # noqa: E402

SEED_AMOUNT = Decimal(10) ** 9
HOLD_AMOUNT = Decimal(1)


# --- the timing harness -----------------------------------------------------------------------


class Worker(Protocol):
    """One thread's side of a benchmark: built inside its thread, so it owns its connection."""

    def call(self, seq: int) -> None: ...

    def close(self) -> None: ...


@dataclass
class Result:
    name: str
    operations: int
    errors: int
    elapsed: float
    latencies: list[float]
    first_error: str = ""

    @property
    def ops_per_second(self) -> float:
        return self.operations / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies, 50) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies, 99) * 1000

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "operations": self.operations,
            "errors": self.errors,
            "elapsed_seconds": round(self.elapsed, 4),
            "ops_per_second": round(self.ops_per_second, 2),
            "p50_ms": round(self.p50_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "first_error": self.first_error,
        }


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class _ThreadOutcome:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    finished_at: float = 0.0


def hammer(name: str, make_worker: Callable[[int], Worker], threads: int, seconds: float) -> Result:
    """Run `threads` workers calling `call` in a loop for `seconds`, all starting together.

    Only successful calls count as operations and only their latencies are kept. Connection
    set-up happens before the common start, so it is not timed.
    """
    outcomes = [_ThreadOutcome() for _ in range(threads)]
    clock: dict[str, float] = {}
    barrier = threading.Barrier(threads, action=lambda: clock.update(start=time.perf_counter()))
    setup_errors: list[str] = []

    def run(index: int) -> None:
        outcome = outcomes[index]
        try:
            worker = make_worker(index)
        except Exception as exc:
            setup_errors.append(f"thread {index}: {exc!r}")
            barrier.abort()
            return
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            worker.close()
            return
        deadline = clock["start"] + seconds
        seq = 0
        try:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                try:
                    worker.call(seq)
                except Exception as exc:
                    outcome.errors += 1
                    outcome.first_error = outcome.first_error or repr(exc)
                else:
                    outcome.latencies.append(time.perf_counter() - began)
                seq += 1
            outcome.finished_at = time.perf_counter()
        finally:
            worker.close()

    pool = [threading.Thread(target=run, args=(i,), name=f"{name}-{i}") for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if setup_errors:
        raise RuntimeError(f"{name}: a worker could not start: {setup_errors[0]}")

    latencies = [latency for outcome in outcomes for latency in outcome.latencies]
    first_errors = [outcome.first_error for outcome in outcomes if outcome.first_error]
    return Result(
        name=name,
        operations=len(latencies),
        errors=sum(outcome.errors for outcome in outcomes),
        elapsed=max(outcome.finished_at for outcome in outcomes) - clock["start"],
        latencies=latencies,
        first_error=first_errors[0] if first_errors else "",
    )


# --- 1. ledger holds on one hot account -------------------------------------------------------


@dataclass
class LedgerFixture:
    suffix: str
    asset: Asset
    seller_account_id: int
    buyer_account_id: int


def bench_user(role: str, suffix: str) -> User:
    name = f"bench-{role}-{suffix.lower()}"
    return User.objects.create_user(username=name, email=f"{name}@bench.local")


def create_ledger_fixture(suffix: str) -> LedgerFixture:
    """A fresh asset, a seller holding SEED_AMOUNT of it and a counterparty, all named for the
    run. Disabled, so the asset is never offered for trading in the dev site."""
    asset = Asset.objects.create(
        symbol=f"B{suffix}", name=f"Bench asset {suffix}", precision=6, enabled=False
    )
    seller = bench_user("seller", suffix)
    buyer = bench_user("buyer", suffix)
    deposit(
        owner=seller,
        asset=asset,
        amount=SEED_AMOUNT,
        ref=f"bench:{suffix}",
        idempotency_key=f"bench:{suffix}:deposit",
    )
    return LedgerFixture(
        suffix=suffix,
        asset=asset,
        seller_account_id=account_for(owner=seller, asset=asset).pk,
        buyer_account_id=account_for(owner=buyer, asset=asset).pk,
    )


class LedgerWorker:
    """Opens holds of 1 from the seller to the buyer, on this thread's Django connection."""

    def __init__(self, fixture: LedgerFixture, index: int) -> None:
        accounts = LedgerAccount.objects.select_related("asset").in_bulk(
            [fixture.seller_account_id, fixture.buyer_account_id]
        )
        self.debit = accounts[fixture.seller_account_id]
        self.credit = accounts[fixture.buyer_account_id]
        self.ref = f"bench:{fixture.suffix}"
        self.key_prefix = f"bench:{fixture.suffix}:hold:{index}"

    def call(self, seq: int) -> None:
        hold_open(
            debit=self.debit,
            credit=self.credit,
            amount=HOLD_AMOUNT,
            kind=TransferKind.TRADE,
            ref=self.ref,
            idempotency_key=f"{self.key_prefix}:{seq}",
        )

    def close(self) -> None:
        connection.close()


@dataclass
class Consistency:
    expected: Decimal
    seller_pending_debits: Decimal
    buyer_pending_credits: Decimal
    open_holds: int

    @property
    def ok(self) -> bool:
        return (
            self.seller_pending_debits == self.expected
            and self.buyer_pending_credits == self.expected
            and Decimal(self.open_holds) * HOLD_AMOUNT == self.expected
        )


def check_consistency(fixture: LedgerFixture, holds: int) -> Consistency:
    seller = LedgerAccount.objects.get(pk=fixture.seller_account_id)  # fresh from the database
    buyer = LedgerAccount.objects.get(pk=fixture.buyer_account_id)
    open_holds = Transfer.objects.filter(
        debit_account_id=seller.pk, phase=Transfer.Phase.PENDING, status=Transfer.Status.PENDING
    ).count()
    return Consistency(
        expected=holds * HOLD_AMOUNT,
        seller_pending_debits=seller.pending_debits,
        buyer_pending_credits=buyer.pending_credits,
        open_holds=open_holds,
    )


# --- 2. raw UPDATE + INSERT baseline ----------------------------------------------------------


def psycopg_params() -> dict[str, Any]:
    """Connection parameters of Django's default database, for psycopg directly."""
    db = settings.DATABASES["default"]
    names = {
        "NAME": "dbname",
        "USER": "user",
        "HOST": "host",
        "PORT": "port",
        "PASSWORD": "password",
    }
    return {param: str(db[key]) for key, param in names.items() if db.get(key)}


@dataclass
class RawTables:
    hot: sql.Identifier
    log: sql.Identifier


def create_raw_tables(suffix: str) -> RawTables:
    tables = RawTables(
        hot=sql.Identifier(f"bench_hot_{suffix.lower()}"),
        log=sql.Identifier(f"bench_log_{suffix.lower()}"),
    )
    with psycopg.connect(**psycopg_params(), autocommit=True) as conn:
        conn.execute(
            sql.SQL(
                "CREATE TABLE {} (id int PRIMARY KEY, balance numeric(38, 18) NOT NULL)"
            ).format(tables.hot)
        )
        conn.execute(
            sql.SQL(
                "CREATE TABLE {} (id bigserial PRIMARY KEY, amount numeric(38, 18) NOT NULL, "
                "at timestamptz NOT NULL DEFAULT now())"
            ).format(tables.log)
        )
        conn.execute(sql.SQL("INSERT INTO {} VALUES (1, %s)").format(tables.hot), [SEED_AMOUNT])
    return tables


def drop_raw_tables(tables: RawTables) -> None:
    with psycopg.connect(**psycopg_params(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}, {}").format(tables.hot, tables.log))


class RawWorker:
    """One transaction per call: debit the hot row by 1, log the amount, commit."""

    def __init__(self, tables: RawTables) -> None:
        self.conn = psycopg.connect(**psycopg_params())
        self.update = sql.SQL("UPDATE {} SET balance = balance - 1 WHERE id = 1").format(tables.hot)
        self.insert = sql.SQL("INSERT INTO {} (amount) VALUES (1)").format(tables.log)

    def call(self, seq: int) -> None:
        try:
            self.conn.execute(self.update)
            self.conn.execute(self.insert)
            self.conn.commit()
        except Exception:
            self.conn.rollback()
            raise

    def close(self) -> None:
        self.conn.close()


# --- report -----------------------------------------------------------------------------------


def postgres_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        row = cursor.fetchone()
    return str(row[0]) if row else "unknown"


def print_report(
    *, version: str, threads: int, seconds: float, results: list[Result], ratio: float
) -> None:
    print(version)
    print(f"threads: {threads}, seconds: {seconds:g} (Django DEBUG off for the run)")
    print()
    header = f"{'benchmark':<22} {'operations':>10} {'ops/s':>10} {'p50 ms':>8} {'p99 ms':>8}"
    print(header + f" {'errors':>7}")
    print("-" * (len(header) + 8))
    for result in results:
        print(
            f"{result.name:<22} {result.operations:>10} {result.ops_per_second:>10.1f} "
            f"{result.p50_ms:>8.2f} {result.p99_ms:>8.2f} {result.errors:>7}"
        )
    print()
    print(f"ledger holds run at {ratio:.2f}x the raw UPDATE+INSERT rate")
    for result in results:
        if result.first_error:
            print(f"first error in {result.name}: {result.first_error}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=16, help="concurrent threads (16)")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each part (5)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    args = parser.parse_args(argv)
    if args.threads < 1 or args.seconds <= 0:
        parser.error("--threads must be at least 1 and --seconds positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # The dev settings turn DEBUG on, which wraps every cursor to log its queries; production
    # runs without it, so the ledger is measured without it too.
    settings.DEBUG = False
    suffix = "".join(secrets.choice(string.ascii_uppercase) for _ in range(6))
    version = postgres_version()

    fixture = create_ledger_fixture(suffix)
    ledger = hammer(
        "ledger hold_open",
        lambda index: LedgerWorker(fixture, index),
        args.threads,
        args.seconds,
    )
    consistency = check_consistency(fixture, ledger.operations)

    tables = create_raw_tables(suffix)
    try:
        raw = hammer(
            "raw UPDATE+INSERT", lambda _index: RawWorker(tables), args.threads, args.seconds
        )
    finally:
        drop_raw_tables(tables)

    ratio = ledger.ops_per_second / raw.ops_per_second if raw.ops_per_second else 0.0
    print_report(
        version=version,
        threads=args.threads,
        seconds=args.seconds,
        results=[ledger, raw],
        ratio=ratio,
    )
    print(
        f"hot account {fixture.asset.symbol} #{fixture.seller_account_id}: pending_debits "
        f"{consistency.seller_pending_debits.normalize():f}, buyer pending_credits "
        f"{consistency.buyer_pending_credits.normalize():f}, open holds "
        f"{consistency.open_holds}, successful holds {ledger.operations}"
    )
    print(f"consistent: {'yes' if consistency.ok else 'no'}")

    if args.json:
        figures = {
            "postgres": version,
            "threads": args.threads,
            "seconds": args.seconds,
            "django_debug": False,
            "asset": fixture.asset.symbol,
            "results": [ledger.as_dict(), raw.as_dict()],
            "ratio_ledger_to_raw": round(ratio, 4),
            "consistent": consistency.ok,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    connection.close()
    if not consistency.ok:
        return 1
    return 0 if ledger.operations and raw.operations else 2


if __name__ == "__main__":
    sys.exit(main())
