from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.money import format_amount

from ...verification import verify


class Command(BaseCommand):
    help = (
        "Recompute every ledger account from its transfers; check that each asset sums to "
        "zero, no user account is below zero, every hold ended once and every withdrawal lock "
        "rests on a posted credit of its amount to its owner. Exits 1 on any discrepancy, "
        "naming each."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify()
        self.stdout.write(
            f"Checked {report.accounts} accounts, {report.transfers} transfers and "
            f"{report.locks} withdrawal locks."
        )
        for symbol, totals in sorted(report.assets.items()):
            self.stdout.write(
                f"  {symbol}: {totals.accounts} accounts, users hold "
                f"{format_amount(totals.held_by_users)}, sum of balances "
                f"{format_amount(totals.balance)}"
            )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("Ledger verified: no discrepancies."))
            return
        for problem in report.problems:
            self.stderr.write(self.style.ERROR(f"DISCREPANCY {problem}"))
        self.stderr.write(self.style.ERROR(f"{len(report.problems)} discrepancies found."))
        raise SystemExit(1)
