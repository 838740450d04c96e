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
import contextlib
import http.client
import itertools
import json
import os
import re
import secrets
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from importlib import import_module
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
for folder in (ROOT, BENCH):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
os.environ["DJANGO_SETTINGS_MODULE"] = "otc.settings.dev"
# read by otc/settings/base.py, here and in the server: no maker fee, no open-order cap
os.environ["MAKER_FEE_RATES"] = "{}"
os.environ["ORDER_MAX_OPEN_PER_USER"] = "1000000"

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.utils import timezone  # noqa: E402
from harness import Result, hammer, percentile  # noqa: E402
from raw_baseline import RawWorker, create_raw_tables, drop_raw_tables, postgres_version  # noqa: E402

from accounts.models import KycSubmission, PaymentMethodType, User, UserPaymentMethod  # noqa: E402
from accounts.models.kyc import KycLevel, KycStatus  # noqa: E402
from ads import services as ad_services  # noqa: E402
from ads.models import Ad, Side  # noqa: E402
from core.models import FiatCurrency  # noqa: E402
from escrow import services as ledger_services  # noqa: E402
from escrow.models import AccountKind, Asset  # noqa: E402
from escrow.verification import verify  # noqa: E402
from merchants.models import (  # noqa: E402
    Merchant,
    MerchantApplication,
    MerchantStatus,
    MerchantTier,
)
from orders.models import Order  # noqa: E402
from orders.services import OrderError, order_place  # noqa: E402

PRICE = Decimal("10.00")
ORDER_UNITS = Decimal(10)
ORDER_FIAT = PRICE * ORDER_UNITS  # 100.00 HKD buys 10 units
SEED_AMOUNT = Decimal(10) ** 9
HOST = "127.0.0.1"
READY_TIMEOUT = 60.0
IO_TIMEOUT = 60.0
CSRF_CHARS = string.ascii_letters + string.digits


def server_application() -> Any:
    """The ASGI app for uvicorn (`hot_ad:server_application --factory`): the site's own
    `otc.asgi.application`, with DEBUG off as in the service measurement."""
    settings.DEBUG = False
    from otc.asgi import application

    return application


# --- fixtures ---------------------------------------------------------------------------------


@dataclass
class Market:
    suffix: str
    asset: Asset
    fiat: FiatCurrency
    merchant: User
    method: UserPaymentMethod


def bench_users(role: str, suffix: str, count: int) -> list[User]:
    """Buyers that may trade: verified email, approved identity (level 0 has no HKD allowance),
    joined 30 days ago (no new-account risk hold). No password: they log in by session."""
    users = []
    for index in range(count):
        name = f"bench-hot-{role}{index:04d}-{suffix.lower()}"
        users.append(User.objects.create_user(username=name, email=f"{name}@bench.local"))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    KycSubmission.objects.bulk_create(
        KycSubmission(
            user=user,
            level=KycLevel.IDENTITY,
            status=KycStatus.APPROVED,
            legal_name="Bench Buyer",
            reviewed_at=timezone.now(),
        )
        for user in users
    )
    User.objects.filter(pk__in=[user.pk for user in users]).update(
        date_joined=timezone.now() - timedelta(days=30)
    )
    return list(User.objects.filter(pk__in=[user.pk for user in users]).order_by("pk"))


def create_market(suffix: str) -> Market:
    """A fresh asset, HKD, and an active merchant holding SEED_AMOUNT with a payment method."""
    asset = Asset.objects.create(
        symbol=f"H{suffix}", name=f"Bench hot-ad asset {suffix}", precision=6
    )
    fiat, _ = FiatCurrency.objects.get_or_create(
        code="HKD", defaults={"name": "Hong Kong dollar", "minor_units": 2}
    )
    merchant_user = bench_users("merchant", suffix, 1)[0]
    tier = MerchantTier.objects.create(
        code=f"bench-hot-{suffix.lower()}",
        name=f"Bench {suffix}",
        badge_label="Bench",
        collateral_asset=asset,
        collateral_amount=Decimal(100),
    )
    name = f"Bench merchant {suffix}"
    application = MerchantApplication.objects.create(
        user=merchant_user, display_name=name, contact="bench", tier=tier, status="approved"
    )
    Merchant.objects.create(
        user=merchant_user,
        display_name=name,
        tier=tier,
        status=MerchantStatus.ACTIVE,
        application=application,
        on_break=False,
        open_now=True,
    )
    kind = PaymentMethodType.objects.create(
        code=f"bench-hot-{suffix.lower()}", name=f"Bench pay {suffix}", enabled=True
    )
    kind.fiats.set([fiat])
    method = UserPaymentMethod.objects.create(
        user=merchant_user, method_type=kind, holder_name="Bench Merchant", details={"account": "1"}
    )
    ledger_services.deposit(
        owner=merchant_user,
        asset=asset,
        amount=SEED_AMOUNT,
        ref=f"bench:{suffix}",
        idempotency_key=f"bench:{suffix}:deposit",
    )
    return Market(suffix=suffix, asset=asset, fiat=fiat, merchant=merchant_user, method=method)


def create_hot_ad(market: Market, orders_covered: int) -> Ad:
    """An online sell ad at PRICE whose quantity covers exactly `orders_covered` orders."""
    ad = ad_services.ad_create(
        user=market.merchant,
        side=Side.SELL,
        asset=market.asset,
        fiat=market.fiat,
        total_quantity=ORDER_UNITS * orders_covered,
        price_type="fixed",
        fixed_price=PRICE,
        margin_percent=None,
        min_order_fiat=ORDER_FIAT,
        max_order_fiat=Decimal(5000),
        payment_window_minutes=15,
        terms="Benchmark ad.",
        auto_reply="",
        min_kyc_level=0,
        min_account_age_days=0,
        min_completed_orders=0,
        min_completion_rate=Decimal(0),
        payment_method_ids=[market.method.pk],
    )
    return ad_services.ad_go_online(user=market.merchant, ad_id=ad.pk)


# --- the fixed-count harness ------------------------------------------------------------------


class Attempt(Protocol):
    """One thread's side: built inside its thread, so it owns its connection."""

    def call(self, seq: int) -> bool:
        """Place order number `seq`: True if placed, False if refused; raises on an error."""
        ...

    def close(self) -> None: ...


@dataclass
class OrderRun:
    name: str
    attempts: int
    placed: int
    refused: int
    errors: int
    elapsed: float  # from the common start to the last attempt's end
    placing_elapsed: float  # from the common start to the last successful order's end
    placed_latencies: list[float]
    refused_latencies: list[float]
    first_error: str = ""
    first_refusal: str = ""

    @property
    def placed_per_second(self) -> float:
        return self.placed / self.placing_elapsed if self.placing_elapsed > 0 else 0.0

    @property
    def attempts_per_second(self) -> float:
        return self.attempts / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def p50_ms(self) -> float:
        return percentile(self.placed_latencies, 50) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(self.placed_latencies, 99) * 1000

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "attempts": self.attempts,
            "placed": self.placed,
            "refused": self.refused,
            "errors": self.errors,
            "elapsed_seconds": round(self.elapsed, 4),
            "placing_elapsed_seconds": round(self.placing_elapsed, 4),
            "placed_per_second": round(self.placed_per_second, 2),
            "attempts_per_second": round(self.attempts_per_second, 2),
            "placed_p50_ms": round(self.p50_ms, 3),
            "placed_p99_ms": round(self.p99_ms, 3),
            "refused_p50_ms": round(percentile(self.refused_latencies, 50) * 1000, 3),
            "first_error": self.first_error,
            "first_refusal": self.first_refusal,
        }


@dataclass
class _Outcome:
    placed: list[float] = field(default_factory=list)
    refused: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    last_placed_at: float = 0.0
    finished_at: float = 0.0


def run_attempts(
    name: str, make: Callable[[int], Attempt], threads: int, attempts: int
) -> OrderRun:
    """`threads` threads share `attempts` numbered attempts, all starting together. Set-up
    (connections) happens before the common start and is not timed."""
    outcomes = [_Outcome() for _ in range(threads)]
    clock: dict[str, float] = {}
    barrier = threading.Barrier(threads, action=lambda: clock.update(start=time.perf_counter()))
    numbers = itertools.count()
    numbers_lock = threading.Lock()
    setup_errors: list[str] = []

    def next_number() -> int | None:
        with numbers_lock:
            seq = next(numbers)
        return seq if seq < attempts else None

    def run(index: int) -> None:
        outcome = outcomes[index]
        try:
            worker = make(index)
        except Exception as exc:
            setup_errors.append(f"thread {index}: {exc!r}")
            barrier.abort()
            return
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            worker.close()
            return
        try:
            while (seq := next_number()) is not None:
                began = time.perf_counter()
                try:
                    placed = worker.call(seq)
                except Exception as exc:
                    outcome.errors += 1
                    outcome.first_error = outcome.first_error or repr(exc)
                    continue
                ended = time.perf_counter()
                if placed:
                    outcome.placed.append(ended - began)
                    outcome.last_placed_at = ended
                else:
                    outcome.refused.append(ended - began)
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
    start = clock["start"]
    last_placed = max((o.last_placed_at for o in outcomes if o.placed), default=start)
    errors = [o.first_error for o in outcomes if o.first_error]
    return OrderRun(
        name=name,
        attempts=attempts,
        placed=sum(len(o.placed) for o in outcomes),
        refused=sum(len(o.refused) for o in outcomes),
        errors=sum(o.errors for o in outcomes),
        elapsed=max(o.finished_at for o in outcomes) - start,
        placing_elapsed=last_placed - start,
        placed_latencies=[latency for o in outcomes for latency in o.placed],
        refused_latencies=[latency for o in outcomes for latency in o.refused],
        first_error=errors[0] if errors else "",
    )


# --- 1. the service ---------------------------------------------------------------------------


class RefusalNotes:
    """The first refusal message of a run (all threads share one)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.first = ""

    def note(self, message: str) -> None:
        with self.lock:
            self.first = self.first or message


class ServiceAttempt:
    def __init__(self, ad_public_id: str, buyers: list[User], key: str, notes: RefusalNotes):
        connection.ensure_connection()
        self.ad_public_id, self.buyers, self.key, self.notes = ad_public_id, buyers, key, notes

    def call(self, seq: int) -> bool:
        try:
            order_place(
                user=self.buyers[seq],
                ad_public_id=self.ad_public_id,
                idempotency_key=f"{self.key}:{seq}",
                fiat_amount=str(ORDER_FIAT),
            )
        except OrderError as error:
            self.notes.note(error.message)
            return False
        return True

    def close(self) -> None:
        connection.close()


# --- 2. over HTTP -----------------------------------------------------------------------------


def login_cookie(user: User) -> str:
    """A logged-in session for `user`, saved where the server reads sessions; its key."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return str(store.session_key)


# where the order page says why it refused: a form error, or the "not available" note
REFUSAL_TEXT = re.compile(
    r'<ul class="errorlist[^"]*"[^>]*>\s*<li>(.*?)</li>|<p class="note" role="status">(.*?)<',
    re.S,
)


class HttpAttempt:
    """POSTs the order form on one keep-alive connection; 302 = placed, 200 = refused."""

    def __init__(self, port: int, ad_public_id: str, sessions: list[str], notes: RefusalNotes):
        self.port, self.sessions, self.notes = port, sessions, notes
        self.path = f"/orders/new/{ad_public_id}/"
        self.csrf = "".join(secrets.choice(CSRF_CHARS) for _ in range(32))
        self.conn: http.client.HTTPConnection | None = None

    def call(self, seq: int) -> bool:
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": self.csrf,
                "pay_in": "fiat",
                "amount": str(ORDER_FIAT),
                "idempotency_key": uuid.uuid4().hex,
            }
        )
        headers = {
            "Host": f"{HOST}:{self.port}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.sessions[seq]}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf}",
        }
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=IO_TIMEOUT)
        try:
            self.conn.request("POST", self.path, body=body, headers=headers)
            response = self.conn.getresponse()
            page = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        location = response.getheader("Location") or ""
        if response.status == 302 and location.startswith("/orders/"):
            return True
        if response.status == 200:
            found = REFUSAL_TEXT.search(page.decode(errors="replace"))
            text = (found.group(1) or found.group(2)).strip() if found else ""
            self.notes.note(text or "200 without an error message")
            return False
        raise RuntimeError(f"HTTP {response.status} {location}".strip())

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_env() -> dict[str, str]:
    """This process's environment with the database and Redis it uses: the server must not
    start embedded services of its own."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "otc.settings.dev",
        "DATABASE_URL": str(settings.DATABASE_URL),
        "REDIS_URL": str(settings.REDIS_URL),
        "MAKER_FEE_RATES": "{}",
        "ORDER_MAX_OPEN_PER_USER": "1000000",
    }


def wait_ready(port: int, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            conn.close()
    tail = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else ""
    raise RuntimeError(f"uvicorn did not answer on port {port}; its log ends:\n{tail}")


@contextlib.contextmanager
def uvicorn(port: int, workers: int, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """uvicorn in its own session; SIGTERM to its group on the way out, SIGKILL after 10 s."""
    command = [
        str(Path(sys.executable).parent / "uvicorn"),
        "hot_ad:server_application",
        "--factory",
        "--app-dir",
        str(BENCH),
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=server_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_ready(port, process, log_path)
            yield process
        finally:
            import signal

            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- checks -----------------------------------------------------------------------------------


@dataclass
class AdCheck:
    label: str
    public_id: str
    expected_orders: int
    placed_reported: int
    orders_in_db: int
    total: Decimal
    remaining: Decimal
    escrow_sum: Decimal

    @property
    def problems(self) -> list[str]:
        found = []
        if self.remaining < 0:
            found.append(f"remaining quantity {self.remaining} is below zero")
        if self.orders_in_db != self.expected_orders:
            found.append(f"{self.orders_in_db} orders, the quantity covers {self.expected_orders}")
        if self.placed_reported != self.orders_in_db:
            found.append(f"{self.placed_reported} reported placed, {self.orders_in_db} in the db")
        if self.escrow_sum != self.total - self.remaining:
            found.append(
                f"orders' escrow {self.escrow_sum} != total - remaining "
                f"{self.total - self.remaining}"
            )
        return found


def check_ad(label: str, ad: Ad, expected: int, placed: int) -> AdCheck:
    ad.refresh_from_db()
    orders = Order.objects.filter(ad=ad)
    return AdCheck(
        label=label,
        public_id=ad.public_id,
        expected_orders=expected,
        placed_reported=placed,
        orders_in_db=orders.count(),
        total=ad.total_quantity,
        remaining=ad.remaining_quantity,
        escrow_sum=orders.aggregate(total=Sum("escrow_amount"))["total"] or Decimal(0),
    )


def reserve_problem(market: Market, ads: list[Ad]) -> str:
    """The reservation rule: the ad-reserve account holds what the online sell ads remain."""
    reserve = ledger_services.account_for(
        owner=market.merchant, asset=market.asset, kind=AccountKind.AD_RESERVE
    )
    reserve.refresh_from_db()
    remaining = sum((Ad.objects.get(pk=ad.pk).remaining_quantity for ad in ads), Decimal(0))
    if reserve.spendable != remaining:
        return f"ad reserve spendable {reserve.spendable} != remaining on the ads {remaining}"
    return ""


# --- report -----------------------------------------------------------------------------------


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
        ratio = run.placed_per_second / raw.ops_per_second if raw.ops_per_second else 0.0
        print(f"{run.name} places orders at {ratio:.3f}x the raw UPDATE+INSERT rate")
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
    settings.MAKER_FEE_RATES = {}
    settings.ORDER_MAX_OPEN_PER_USER = 1_000_000
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

    notes = RefusalNotes()
    service = run_attempts(
        "service order_place",
        lambda _i: ServiceAttempt(service_ad.public_id, service_buyers, f"bench:{suffix}", notes),
        args.threads,
        args.orders,
    )
    service.first_refusal = notes.first

    http_notes = RefusalNotes()
    with tempfile.TemporaryDirectory(prefix="bench-hot-ad-") as folder:
        log_path = Path(folder) / "uvicorn.log"
        port = free_port()
        with uvicorn(port, args.workers, log_path):
            over_http = run_attempts(
                "HTTP POST order",
                lambda _i: HttpAttempt(port, http_ad.public_id, sessions, http_notes),
                args.threads,
                args.orders,
            )
        over_http.first_refusal = http_notes.first
        server_log = log_path.read_text(errors="replace")[-2000:]

    tables = create_raw_tables(suffix)
    try:
        raw = hammer(
            "raw UPDATE+INSERT", lambda _i: RawWorker(tables), args.threads, args.raw_seconds
        )
    finally:
        drop_raw_tables(tables)

    checks = [
        check_ad("service", service_ad, covered, service.placed),
        check_ad("HTTP", http_ad, covered, over_http.placed),
    ]
    reserve = reserve_problem(market, [service_ad, http_ad])
    # leave nothing on the dev market: the ads go offline (the reservation returns to the
    # available balance) and the asset is disabled
    for ad in (service_ad, http_ad):
        ad_services.ad_go_offline(user=market.merchant, ad_id=ad.pk)
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
                run.name: round(run.placed_per_second / raw.ops_per_second, 4)
                if raw.ops_per_second
                else 0.0
                for run in runs
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
