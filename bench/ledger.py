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
import secrets
import string
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from harness import Result, hammer, print_ratio, ratio
from project import setup_django

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from raw_baseline import measure_raw, postgres_version  # noqa: E402

from accounts.models import User  # noqa: E402
from escrow.models import Asset, LedgerAccount, TransferKind  # noqa: E402
from escrow.models.transfers import Transfer  # noqa: E402
from escrow.services import account_for, deposit, hold_open  # noqa: E402

SEED_AMOUNT = Decimal(10) ** 9
HOLD_AMOUNT = Decimal(1)


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


# --- report -----------------------------------------------------------------------------------


def print_report(
    *, version: str, threads: int, seconds: float, ledger: Result, raw: Result
) -> None:
    print(version)
    print(f"threads: {threads}, seconds: {seconds:g} (Django DEBUG off for the run)")
    print()
    header = f"{'benchmark':<22} {'operations':>10} {'ops/s':>10} {'p50 ms':>8} {'p99 ms':>8}"
    print(header + f" {'errors':>7}")
    print("-" * (len(header) + 8))
    for result in (ledger, raw):
        print(
            f"{result.name:<22} {result.operations:>10} {result.ops_per_second:>10.1f} "
            f"{result.p50_ms:>8.2f} {result.p99_ms:>8.2f} {result.errors:>7}"
        )
    print()
    print_ratio("ledger holds run", ledger.ops_per_second, raw)
    for result in (ledger, raw):
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

    raw = measure_raw(suffix, args.threads, args.seconds)

    print_report(
        version=version, threads=args.threads, seconds=args.seconds, ledger=ledger, raw=raw
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
            "ratio_ledger_to_raw": round(ratio(ledger.ops_per_second, raw.ops_per_second), 4),
            "consistent": consistency.ok,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    connection.close()
    if not consistency.ok:
        return 1
    return 0 if ledger.operations and raw.operations else 2


if __name__ == "__main__":
    sys.exit(main())
