"""What the synchronous risk rules add to placing an order: the per-order service time of
`orders.services.order_place` with the starter rules active, beside all rules switched off and
beside no engine at all, in one run.

Run from the repository root:

    .venv/bin/python bench/risk.py [--orders 300] [--rounds 5] [--json PATH]

(Not `bench/risk.py`: a script of that name would shadow the `risk` app for mypy, which sees
the scripts as top-level modules.)

One process, one thread, the development database. A fresh market (bench/hot_ad_market.py) has
three online sell ads, one per variant; each order is a different buyer (30 days old, verified,
no history, so no rule hits and nothing is held: the figures are the cost of asking). The
variants take turns, `--orders` / `--rounds` orders at a time, each round in a rotated order,
after a warm-up batch of each that is not counted, so drift in the database's warmth falls on
all three alike:

1. **no engine**: placement with the risk step patched out (no facts gathered, no decision);
2. **rules off**: every rule of the order placement point set to off (the facts are gathered
   and the settings read, no rule runs);
3. **starter rules active**: the rules' own defaults.

It prints the p50 and mean per order of each, and each as a ratio of the no-engine figures.
The rule settings the database had before are put back at the end.
"""

from __future__ import annotations

import argparse
import json
import secrets
import string
import sys
import time
from pathlib import Path
from statistics import fmean
from typing import Any

from harness import percentile, ratio
from project import setup_django

setup_django(MAKER_FEE_RATES="{}")

from hot_ad_market import ORDER_FIAT, bench_users, create_hot_ad, create_market  # noqa: E402

import orders.services.placing as placing  # noqa: E402
from orders.services import order_place  # noqa: E402
from risk.engine import Decision, Point, rules_at  # noqa: E402
from risk.models import Mode, RuleSetting  # noqa: E402

VARIANTS = ("no engine", "rules off", "starter rules active")


def _set_modes(codes: list[str], mode: str | None) -> None:
    """All of `codes` at `mode`; None: no rows (each rule active with its defaults)."""
    RuleSetting.objects.filter(code__in=codes).delete()
    if mode is not None:
        RuleSetting.objects.bulk_create(RuleSetting(code=code, mode=mode) for code in codes)


class _NoEngine:
    """The risk step of placement patched out, while the block runs."""

    def __enter__(self) -> None:
        self.saved = (placing.decide, placing.placement_facts)
        placing.decide = lambda **kwargs: Decision()
        placing.placement_facts = lambda **kwargs: None  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        placing.decide, placing.placement_facts = self.saved


def _place(ad_public_id: str, buyers: list[Any], key: str) -> list[float]:
    times = []
    for index, buyer in enumerate(buyers):
        started = time.perf_counter()
        order_place(
            actor=buyer,
            ad_public_id=ad_public_id,
            idempotency_key=f"{key}:{index}",
            fiat_amount=str(ORDER_FIAT),
        )
        times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300, help="orders per variant")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    per_round = max(args.orders // args.rounds, 1)
    total = per_round * args.rounds
    suffix = "".join(secrets.choice(string.ascii_uppercase) for _ in range(6))
    market = create_market(suffix)
    warm = per_round
    ads = {name: create_hot_ad(market, total + warm) for name in VARIANTS}
    buyers = {
        name: bench_users(f"risk{i}", suffix, total + warm) for i, name in enumerate(VARIANTS)
    }
    codes = [rule.code for rule in rules_at(Point.ORDER_PLACE)]
    saved = list(RuleSetting.objects.filter(code__in=codes).values())
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    try:
        for round_no in range(-1, args.rounds):  # round -1 warms up
            batch = slice((round_no + 1) * per_round, (round_no + 2) * per_round)
            turn = round_no % len(VARIANTS)
            for name in VARIANTS[turn:] + VARIANTS[:turn]:
                _set_modes(codes, Mode.OFF if name == "rules off" else None)
                key = f"bench-risk-{suffix}-{name}-{round_no}"
                if name == "no engine":
                    with _NoEngine():
                        took = _place(ads[name].public_id, buyers[name][batch], key)
                else:
                    took = _place(ads[name].public_id, buyers[name][batch], key)
                if round_no >= 0:
                    times[name] += took
    finally:
        RuleSetting.objects.filter(code__in=codes).delete()
        RuleSetting.objects.bulk_create(RuleSetting(**row) for row in saved)

    base = times["no engine"]
    print(f"{total} orders per variant, {args.rounds} rounds, rules at placement: {codes}")
    report = {}
    for name in VARIANTS:
        p50, mean = percentile(times[name], 50) * 1000, fmean(times[name]) * 1000
        report[name] = {"p50_ms": p50, "mean_ms": mean}
        print(
            f"{name:>22}: p50 {p50:7.2f} ms, mean {mean:7.2f} ms per order; "
            f"{ratio(mean, fmean(base) * 1000):.3f}x the no-engine mean"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
