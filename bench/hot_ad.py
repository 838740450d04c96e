"""Orders per second on one hot sell ad, through the service and over HTTP, against a raw
UPDATE + INSERT baseline.

Run from the repository root:

    .venv/bin/python bench/hot_ad.py [--threads 16] [--orders 200] [--json PATH]

One run, one process, the same (dev) database:

1. **service**: `--threads` threads make `--orders` attempts between them with
   `orders.services.order_place` on one online sell ad whose quantity covers exactly
   N = `--orders` / 2 orders; every attempt is a different buyer, fiat amount 100.00 HKD at a
   fixed price of 10.00 (10 units, no maker fee), so N attempts succeed and the rest are refused;
2. **HTTP**: the same against a second, fresh ad, each attempt a POST of the order form
   (`/orders/new/<ad>/`) to uvicorn, started here as a subprocess;
3. **raw**: the same contention without the application, a one-row `UPDATE` plus one `INSERT`
   per transaction through psycopg (bench/ledger.py's baseline).

Then it checks each ad: exactly N orders, nothing oversold, the escrow of the orders equals what
the ad gave up, and `escrow.verification.verify()` finds the ledger consistent.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import string
import sys
import tempfile
from pathlib import Path
from typing import Any

from harness import Result, print_ratio, ratio
from project import BENCH, SERVER_STOP_GRACE, SETTINGS, setup_django

# read by otc/settings/base.py, here and in the server: no maker fee, no open-order cap
setup_django(MAKER_FEE_RATES="{}", ORDER_MAX_OPEN_PER_USER="1000000")

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from hot_ad_market import (  # noqa: E402
    bench_users,
    check_ad,
    create_hot_ad,
    create_market,
    reserve_problem,
)
from hot_ad_orders import (  # noqa: E402
    HttpAttempt,
    OrderRun,
    ServiceAttempt,
    login_cookie,
    place_orders,
)
from raw_baseline import measure_raw, postgres_version  # noqa: E402

from ads import services as ad_services  # noqa: E402
from escrow.models import Asset  # noqa: E402
from escrow.verification import verify  # noqa: E402
from tests.servers import child_env, free_port, running, uvicorn_command  # noqa: E402


def server_application() -> Any:
    """The ASGI app for uvicorn (`hot_ad:server_application --factory`): the site's own
    `otc.asgi.application`, with DEBUG off as in the service measurement."""
    settings.DEBUG = False
    from otc.asgi import application

    return application


def uvicorn_args(port: int, workers: int) -> list[str]:
    return uvicorn_command(
        port,
        "--factory",
        "--app-dir",
        str(BENCH),
        "--workers",
        str(workers),
        app="hot_ad:server_application",
    )


def print_report(
    *,
    version: str,
    threads: int,
    orders: int,
    covered: int,
    workers: int,
    runs: list[OrderRun],
    raw: Result,
) -> None:
    print(version)
    print(
        f"threads: {threads}, attempts per ad: {orders}, orders each ad covers: {covered}, "
        f"cores: {os.cpu_count()}, uvicorn workers: {workers} (DEBUG off on both sides)"
    )
    print()
    header = (
        f"{'measurement':<20} {'placed':>7} {'refused':>7} {'errors':>6} {'placed/s':>9} "
        f"{'attempts/s':>10} {'p50 ms':>8} {'p99 ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        print(
            f"{run.name:<20} {run.placed:>7} {run.refused:>7} {run.errors:>6} "
            f"{run.placed_per_second:>9.1f} {run.attempts_per_second:>10.1f} "
            f"{run.p50_ms:>8.2f} {run.p99_ms:>8.2f}"
        )
    print(
        f"{raw.name:<20} {raw.operations:>7} {'-':>7} {raw.errors:>6} "
        f"{raw.ops_per_second:>9.1f} {raw.ops_per_second:>10.1f} "
        f"{raw.p50_ms:>8.2f} {raw.p99_ms:>8.2f}"
    )
    print()
    print(
        "placed/s: successful orders up to the last one; attempts/s: all attempts, refusals "
        "included; p50/p99: successful orders (raw: transactions)"
    )
    for run in runs:
        print_ratio(f"{run.name} places orders", run.placed_per_second, raw, digits=3)
    errors = [(run.name, run.first_error) for run in runs] + [(raw.name, raw.first_error)]
    for name, error in errors:
        if error:
            print(f"first error in {name}: {error}")
    for run in runs:
        if run.first_refusal:
            print(f"first refusal in {run.name}: {run.first_refusal}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--threads", type=int, default=16, help="concurrent threads (16)")
    parser.add_argument(
        "--orders", type=int, default=200, help="attempts per ad; each ad covers half (200)"
    )
    parser.add_argument(
        "--raw-seconds", type=float, default=3.0, help="duration of the raw baseline (3)"
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (1)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    args = parser.parse_args(argv)
    if args.threads < 1 or args.orders < 2 or args.raw_seconds <= 0 or args.workers < 1:
        parser.error("--threads and --workers must be at least 1, --orders at least 2")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings.DEBUG = False  # as bench/ledger.py: no query logging
    suffix = "".join(secrets.choice(string.ascii_uppercase) for _ in range(6))
    covered = args.orders // 2
    version = postgres_version()

    market = create_market(suffix)
    service_ad = create_hot_ad(market, covered)
    http_ad = create_hot_ad(market, covered)
    service_buyers = bench_users("s", suffix, args.orders)
    http_buyers = bench_users("h", suffix, args.orders)
    sessions = [login_cookie(user) for user in http_buyers]
    connection.close()  # the threads open their own

    service = place_orders(
        "service order_place",
        lambda notes: ServiceAttempt(
            service_ad.public_id, service_buyers, f"bench:{suffix}", notes
        ),
        args.threads,
        args.orders,
    )

    env = child_env(SETTINGS, str(settings.DATABASE_URL), str(settings.REDIS_URL))
    with tempfile.TemporaryDirectory(prefix="bench-hot-ad-") as folder:
        port = free_port()
        command = uvicorn_args(port, args.workers)
        with running("uvicorn", command, env, Path(folder), grace=SERVER_STOP_GRACE) as server:
            server.wait_answering(port)
            over_http = place_orders(
                "HTTP POST order",
                lambda notes: HttpAttempt(port, http_ad.public_id, sessions, notes),
                args.threads,
                args.orders,
            )
        server_log = server.log_tail()

    raw = measure_raw(suffix, args.threads, args.raw_seconds)

    checks = [
        check_ad("service", service_ad, covered, service.placed),
        check_ad("HTTP", http_ad, covered, over_http.placed),
    ]
    reserve = reserve_problem(market, [service_ad, http_ad])
    # leave nothing on the dev market: the ads go offline (the reservation returns to the
    # available balance) and the asset is disabled
    for ad in (service_ad, http_ad):
        ad_services.ad_go_offline(actor=market.merchant, ad_id=ad.pk)
    Asset.objects.filter(pk=market.asset.pk).update(enabled=False)
    report = verify()

    runs = [service, over_http]
    print_report(
        version=version,
        threads=args.threads,
        orders=args.orders,
        covered=covered,
        workers=args.workers,
        runs=runs,
        raw=raw,
    )
    print()
    problems: list[str] = []
    for check in checks:
        print(
            f"ad {check.public_id} ({check.label}): {check.orders_in_db} orders "
            f"(covers {check.expected_orders}), total {check.total.normalize():f}, remaining "
            f"{check.remaining.normalize():f}, orders' escrow {check.escrow_sum.normalize():f}"
        )
        problems += [f"{check.label} ad: {problem}" for problem in check.problems]
    if reserve:
        problems.append(reserve)
    print(
        f"escrow.verification.verify(): {'ok' if report.ok else 'NOT ok'} "
        f"({report.accounts} accounts, {report.transfers} transfers)"
    )
    problems += [f"ledger: {problem}" for problem in report.problems[:20]]
    if over_http.errors and server_log.strip():
        print(f"end of the uvicorn log:\n{server_log}")
    print(f"asset {market.asset.symbol}; consistent: {'yes' if not problems else 'no'}")
    for problem in problems:
        print(f"  problem: {problem}")

    if args.json:
        figures = {
            "postgres": version,
            "threads": args.threads,
            "orders": args.orders,
            "orders_covered_per_ad": covered,
            "cores": os.cpu_count(),
            "uvicorn_workers": args.workers,
            "django_debug": False,
            "asset": market.asset.symbol,
            "runs": [run.as_dict() for run in runs],
            "raw": raw.as_dict(),
            "ratios_to_raw": {
                run.name: round(ratio(run.placed_per_second, raw.ops_per_second), 4) for run in runs
            },
            "ledger_verified": report.ok,
            "problems": problems,
            "consistent": not problems,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    connection.close()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
