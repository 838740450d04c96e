"""The analytics dashboard over a year of orders, against the same figures computed raw.

Run from the repository root:

    .venv/bin/python bench/analytics.py [--orders 1000000] [--days 365] [--runs 5] [--json PATH]

The run builds a scratch database of its own (migrated like the test database, dropped at the
end): three assets, three fiats, a few merchants with an ad per pair (through the ORM), then the
orders in SQL, spread evenly over the days with a realistic mix of final states and payment and
release times. Then, in the same run:

1. the rollup: `operations.analytics.rollup.rollup_days` over the whole year (what the nightly
   job does for 30 days and the hourly one for 3), its time per day;
2. the dashboard page (the admin view, through Django's test client) for the whole year and for
   the last 30 days: server time (best of --runs) and its query count;
3. the raw baseline: the dashboard's main figures (orders per day by state, completed volume and
   the payment and release medians) computed in one grouped query straight over the orders,
   what the page would cost without the rollups.

It prints the three and the ratio of the page to the raw query.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from project import setup_django

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

SCRATCH = "bench_analytics"
PAIRS = [("BUSD", "BHK"), ("BUSD", "BCN"), ("BBTC", "BHK"), ("BETH", "BUS"), ("BBTC", "BUS")]

FILL = """
SET session_replication_role = replica;
INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
                           is_staff, is_active, date_joined, nickname, language, time_zone)
SELECT '!', false, 'taker' || g, '', '', 'taker' || g || '@bench.local', false, true,
       now() - interval '400 days', 'taker' || g, '', ''
FROM generate_series(1, 2000) g;
CREATE TEMP TABLE bench_takers AS
SELECT row_number() OVER (ORDER BY id) AS n, id FROM accounts_user
WHERE email LIKE 'taker%%@bench.local';
CREATE TEMP TABLE bench_ads AS
SELECT row_number() OVER (ORDER BY a.id) AS n, a.id, a.asset_id, a.fiat_id,
       m.user_id AS merchant_user FROM ads_ad a JOIN merchants_merchant m ON m.id = a.merchant_id;
INSERT INTO orders_order (public_id, ad_id, taker_id, buyer_id, seller_id, asset_id, fiat_id,
    price, amount, fiat_total, fee, escrow_amount, buyer_receives, status,
    payment_window_minutes, seller_payment_details, idempotency_key, review_reason, created_at,
    paid_at, paid_method, paid_note, paid_from_name, released_at, canceled_at, cancel_reason,
    hold_id, payment_check)
SELECT 'B' || lpad(g::text, 15, '0'), ad.id, t.id, t.id, ad.merchant_user, ad.asset_id,
       ad.fiat_id, 7.8, 100, 780, 0.1, 100.1, 100,
       CASE WHEN g %% 10 = 0 THEN 'canceled' WHEN g %% 97 = 0 THEN 'disputed'
            ELSE 'released' END,
       15, '[]', 'bench:' || g, '', created,
       CASE WHEN g %% 10 = 0 THEN NULL ELSE created + (60 + g %% 900) * interval '1 second' END,
       '', '', '',
       CASE WHEN g %% 10 = 0 OR g %% 97 = 0 THEN NULL
            ELSE created + (60 + g %% 900 + 30 + g %% 600) * interval '1 second' END,
       CASE WHEN g %% 10 = 0 THEN created + interval '15 minutes' END, '', g, ''
FROM (
    SELECT g, date_trunc('day', now()) - (g %% %(days)s) * interval '1 day'
              + (g %% 86400) * interval '1 second' AS created
    FROM generate_series(1, %(orders)s) g
) s
JOIN bench_ads ad ON ad.n = 1 + s.g %% (SELECT count(*) FROM bench_ads)
JOIN bench_takers t ON t.n = 1 + s.g %% 2000;
SET session_replication_role = DEFAULT;
ANALYZE orders_order;
"""

RAW = """
SELECT date_trunc('day', created_at) AS day, count(*),
       count(*) FILTER (WHERE status = 'released'),
       count(*) FILTER (WHERE status = 'canceled'),
       sum(amount) FILTER (WHERE status = 'released'),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM paid_at - created_at)),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM released_at - paid_at))
FROM orders_order WHERE created_at >= %s GROUP BY 1 ORDER BY 1
"""


def _setup_market() -> Any:
    from accounts.models import User
    from ads.models import Ad
    from core.models import FiatCurrency
    from escrow.models import Asset
    from merchants.models import Merchant, MerchantApplication, MerchantTier

    assets = {
        s: Asset.objects.create(symbol=s, name=s, precision=6)
        for s in dict.fromkeys(a for a, _ in PAIRS)
    }
    fiats = {
        f: FiatCurrency.objects.create(code=f, name=f, symbol=f, minor_units=2)
        for f in dict.fromkeys(f for _, f in PAIRS)
    }
    tier = MerchantTier.objects.create(
        code="bench",
        name="Bench",
        badge_label="B",
        collateral_asset=next(iter(assets.values())),
        collateral_amount=Decimal(1),
    )
    for number in range(4):
        user = User.objects.create_user(
            username=f"maker{number}", email=f"maker{number}@bench.local", password=None
        )
        application = MerchantApplication.objects.create(
            user=user, display_name=f"Maker {number}", contact="-", tier=tier, status="approved"
        )
        merchant = Merchant.objects.create(
            user=user, display_name=f"Maker {number}", tier=tier, application=application
        )
        for code, fiat in PAIRS:
            Ad.objects.create(
                public_id=f"BA{number}{code}{fiat}"[:16],
                merchant=merchant,
                side="sell",
                asset=assets[code],
                fiat=fiats[fiat],
                price_type="fixed",
                fixed_price=Decimal("7.8"),
                total_quantity=Decimal(1000),
                remaining_quantity=Decimal(1000),
                min_order_fiat=Decimal(100),
                max_order_fiat=Decimal(5000),
            )
    from allauth.mfa.totp.internal.auth import TOTP

    admin = User.objects.create_superuser(
        username="bench-admin", email="bench-admin@bench.local", password=None
    )
    TOTP.activate(admin, "BENCHANALYTICSTOTP")  # staff reach the admin with 2FA only
    return admin


def _page(client: Client, days: int, runs: int) -> tuple[float, int]:
    url = reverse("admin:operations_orderday_changelist")
    client.get(url, {"days": days})
    best = float("inf")
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"days": days})
        best = min(best, time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return best, len(captured.captured_queries)


def _raw(days: int, runs: int) -> float:
    since = timezone.now() - timedelta(days=days)
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(RAW, [since])
            cursor.fetchall()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    connection.settings_dict["TEST"].update(NAME=SCRATCH)
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from operations.analytics.rollup import rollup_days

        admin = _setup_market()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FILL, {"orders": args.orders, "days": args.days})
            cursor.execute("SELECT count(*) FROM orders_order")
            (count,) = cursor.fetchone()
        print(
            f"filled {count:,} orders over {args.days} days "
            f"in {time.perf_counter() - started:.1f} s"
        )
        today = timezone.now().date()
        started = time.perf_counter()
        rolled = rollup_days(first=today - timedelta(days=args.days - 1), last=today)
        rollup_s = time.perf_counter() - started
        print(
            f"rollup      : {rollup_s:.1f} s for {rolled} days "
            f"({rollup_s / rolled * 1000:.0f} ms a day)"
        )
        client = Client()
        client.force_login(admin)
        year_s, year_queries = _page(client, 365, args.runs)
        month_s, month_queries = _page(client, 30, args.runs)
        raw_s = _raw(365, args.runs)
        print(
            f"dashboard   : 365 days {year_s * 1000:.1f} ms, {year_queries} queries; "
            f"30 days {month_s * 1000:.1f} ms, {month_queries} queries (best of {args.runs})"
        )
        print(
            f"raw baseline: {raw_s * 1000:.1f} ms for the main figures of 365 days straight "
            f"over {count:,} orders"
        )
        print(f"the page over a year takes {year_s / raw_s:.3f}x the raw query")
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "orders": count,
                        "days": args.days,
                        "rollup_seconds": rollup_s,
                        "page_year_seconds": year_s,
                        "page_year_queries": year_queries,
                        "page_month_seconds": month_s,
                        "page_month_queries": month_queries,
                        "raw_seconds": raw_s,
                        "ratio": year_s / raw_s,
                    },
                    indent=2,
                )
            )
        return 0
    finally:
        connection.close()
        connection.settings_dict["NAME"] = SCRATCH
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
