"""`verify_ledger` over a million transfers, against a raw scan of the same rows.

Run from the repository root:

    .venv/bin/python bench/verify.py [--transfers 1000000] [--accounts 2000] [--json PATH]

Ledger rows can never be deleted, so the run builds a scratch database of its own (migrated
like the test database, dropped at the end) and fills it in SQL: every user account gets a
deposit from the platform's external account, then single transfers between users, open holds,
and holds already posted, about a tenth each of the last two. The rows go in with the
ledger's triggers paused for the session (`session_replication_role = replica`) and the cached
sums are then set from the transfers in one statement: loading a million rows through the
per-row trigger would measure the loader, not the verification.

Two timings, in the same run, on the same rows:

1. `escrow.verification.verify()`, what `manage.py verify_ledger` runs: every account's four
   cached sums recomputed from its transfers, the per-asset zero sum, the below-zero check and
   every hold's resolutions;
2. the raw floor: one `SELECT count(*), sum(amount)` over the transfers, the least any check of
   them must read.

It prints both, the ratio, and whether the verification found the ledger clean (it must); then
it forges one account's cached sum and checks the verification names it. Exit status: 0 when
clean and the forgery is caught, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from project import setup_django

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from escrow.verification import verify  # noqa: E402

SCRATCH = "bench_verify_ledger"

FILL = """
SET session_replication_role = replica;
INSERT INTO escrow_asset (symbol, name, precision, enabled) VALUES ('BVER', 'Bench', 6, true);
INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
                           is_staff, is_active, date_joined, nickname, language, time_zone)
SELECT '!', false, 'bench' || g, '', '', 'bench' || g || '@bench.local', false, true, now(),
       'bench' || g, '', ''
FROM generate_series(1, %(accounts)s) g;
INSERT INTO escrow_ledgeraccount (owner_id, asset_id, kind, posted_debits, posted_credits,
                                  pending_debits, pending_credits)
SELECT u.id, a.id, 'available', 0, 0, 0, 0
FROM accounts_user u, escrow_asset a WHERE a.symbol = 'BVER' AND u.email LIKE '%%@bench.local';
INSERT INTO escrow_ledgeraccount (owner_id, asset_id, kind, posted_debits, posted_credits,
                                  pending_debits, pending_credits)
SELECT NULL, id, 'external', 0, 0, 0, 0 FROM escrow_asset WHERE symbol = 'BVER';

CREATE TEMP TABLE bench_accounts AS
SELECT row_number() OVER (ORDER BY id) AS n, id FROM escrow_ledgeraccount
WHERE kind = 'available' AND asset_id = (SELECT id FROM escrow_asset WHERE symbol = 'BVER');

INSERT INTO escrow_entry (idempotency_key, action, ref, fingerprint, reason)
SELECT 'bench:' || g, 'transfer', '', '', '' FROM generate_series(1, %(entries)s) g;
CREATE TEMP TABLE bench_entries AS
SELECT row_number() OVER (ORDER BY id) AS n, id FROM escrow_entry
WHERE idempotency_key LIKE 'bench:%%';

-- a deposit to every account
INSERT INTO escrow_transfer (entry_id, debit_account_id, credit_account_id, asset_id, amount,
                             kind, phase, status, ref)
SELECT e.id, x.id, a.id, x.asset_id, 1000000, 'deposit', 'single', 'posted', ''
FROM bench_accounts a
JOIN bench_entries e ON e.n = a.n
CROSS JOIN (SELECT id, asset_id FROM escrow_ledgeraccount WHERE kind = 'external'
            AND asset_id = (SELECT id FROM escrow_asset WHERE symbol = 'BVER')) x;

-- single transfers between users (the credit side is 1 to N-1 accounts further on: never the
-- debit side itself)
INSERT INTO escrow_transfer (entry_id, debit_account_id, credit_account_id, asset_id, amount,
                             kind, phase, status, ref)
SELECT e.id, d.id, c.id, (SELECT id FROM escrow_asset WHERE symbol = 'BVER'), 1, 'trade',
       'single', 'posted', ''
FROM generate_series(1, %(singles)s) g
JOIN bench_entries e ON e.n = %(accounts)s + g
JOIN bench_accounts d ON d.n = 1 + g %% %(accounts)s
JOIN bench_accounts c
  ON c.n = 1 + (g + 1 + (g / %(accounts)s) %% (%(accounts)s - 1)) %% %(accounts)s;

-- holds: the first half stay open, the second half were posted
INSERT INTO escrow_transfer (entry_id, debit_account_id, credit_account_id, asset_id, amount,
                             kind, phase, status, ref)
SELECT e.id, d.id, c.id, (SELECT id FROM escrow_asset WHERE symbol = 'BVER'), 2, 'trade',
       'pending', CASE WHEN g <= %(holds)s / 2 THEN 'pending' ELSE 'posted' END,
       'bench-hold:' || g
FROM generate_series(1, %(holds)s) g
JOIN bench_entries e ON e.n = %(accounts)s + %(singles)s + g
JOIN bench_accounts d ON d.n = 1 + g %% %(accounts)s
JOIN bench_accounts c
  ON c.n = 1 + (g + 1 + (g / %(accounts)s) %% (%(accounts)s - 1)) %% %(accounts)s;
INSERT INTO escrow_transfer (entry_id, debit_account_id, credit_account_id, asset_id, amount,
                             kind, phase, status, ref, pending_id)
SELECT e.id, h.debit_account_id, h.credit_account_id, h.asset_id, h.amount, 'trade', 'post',
       'posted', h.ref, h.id
FROM escrow_transfer h
JOIN bench_entries e ON e.n = %(accounts)s + %(singles)s + %(holds)s
                               + split_part(h.ref, ':', 2)::int - %(holds)s / 2
WHERE h.ref LIKE 'bench-hold:%%' AND h.status = 'posted';

-- the cached sums, as the trigger would have left them
WITH legs AS (
    SELECT debit_account_id AS id,
           SUM(CASE WHEN phase IN ('single', 'post') THEN amount ELSE 0 END) AS pd,
           0::numeric AS pc,
           SUM(CASE WHEN phase = 'pending' AND status = 'pending' THEN amount ELSE 0 END) AS qd,
           0::numeric AS qc
    FROM escrow_transfer GROUP BY debit_account_id
    UNION ALL
    SELECT credit_account_id, 0, SUM(CASE WHEN phase IN ('single', 'post') THEN amount ELSE 0 END),
           0, SUM(CASE WHEN phase = 'pending' AND status = 'pending' THEN amount ELSE 0 END)
    FROM escrow_transfer GROUP BY credit_account_id
), sums AS (
    SELECT id, SUM(pd) pd, SUM(pc) pc, SUM(qd) qd, SUM(qc) qc FROM legs GROUP BY id
)
UPDATE escrow_ledgeraccount a
SET posted_debits = s.pd, posted_credits = s.pc, pending_debits = s.qd, pending_credits = s.qc
FROM sums s WHERE s.id = a.id;
SET session_replication_role = DEFAULT;
ANALYZE escrow_transfer;
ANALYZE escrow_ledgeraccount;
"""

RAW = "SELECT count(*), sum(amount) FROM escrow_transfer"


def shape(transfers: int, accounts: int) -> dict[str, int]:
    """How many rows of each kind make about `transfers` transfers."""
    holds = (transfers // 10) // 2 * 2  # open and posted, evenly
    posts = holds // 2
    singles = max(transfers - accounts - holds - posts, 0)
    return {
        "accounts": accounts,
        "singles": singles,
        "holds": holds,
        "entries": accounts + singles + holds + posts,
    }


def best_of(runs: int, call) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transfers", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3, help="timings kept: the best of these")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    settings.DEBUG = False
    connection.settings_dict["TEST"].update(NAME=SCRATCH)
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        rows = shape(args.transfers, args.accounts)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FILL, rows)
            cursor.execute("SELECT count(*) FROM escrow_transfer")
            (count,) = cursor.fetchone()
        print(
            f"filled {count:,} transfers over {args.accounts:,} accounts "
            f"in {time.perf_counter() - start:.1f} s"
        )

        report_holder: dict[str, object] = {}

        def run_verify() -> None:
            report_holder["report"] = verify()

        def run_raw() -> None:
            with connection.cursor() as cursor:
                cursor.execute(RAW)
                cursor.fetchone()

        verify_s = best_of(args.runs, run_verify)
        raw_s = best_of(args.runs, run_raw)
        report = report_holder["report"]
        clean = report.ok  # type: ignore[attr-defined]
        print(f"verify_ledger: {verify_s:.2f} s for {count:,} transfers (best of {args.runs})")
        print(f"raw scan     : {raw_s:.2f} s (count and sum of every transfer)")
        print(
            f"verify_ledger takes {verify_s / raw_s:.1f}x the raw scan; goal <= 5 s: "
            f"{'met' if verify_s <= 5 else 'missed'}"
        )
        print(f"ledger clean: {'yes' if clean else 'no'}")
        if not clean:
            for problem in report.problems[:10]:  # type: ignore[attr-defined]
                print(f"  {problem}")
        # the same check must catch one forged cached sum among the million
        with connection.cursor() as cursor:
            cursor.execute(
                "SET session_replication_role = replica; "
                "UPDATE escrow_ledgeraccount SET posted_credits = posted_credits + 1 "
                "WHERE id = (SELECT min(id) FROM escrow_ledgeraccount WHERE kind = 'available'); "
                "SET session_replication_role = DEFAULT;"
            )
        caught = not verify().ok
        print(f"a forged cached sum is caught: {'yes' if caught else 'NO'}")
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "transfers": count,
                        "accounts": args.accounts,
                        "verify_seconds": verify_s,
                        "raw_seconds": raw_s,
                        "ratio": verify_s / raw_s,
                        "clean": clean,
                        "forgery_caught": caught,
                    },
                    indent=2,
                )
            )
        return 0 if clean and caught else 1
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
