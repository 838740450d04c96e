from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.money import format_amount

from ...reconciliation import reconcile


class Command(BaseCommand):
    help = (
        "Per asset, what the platform owes (users' balances, its own fees and adjustments) "
        "against what the custody provider holds (plus withdrawals sent but not yet posted, "
        "less deposits not yet credited). Prints each difference; exits 1 when one is past "
        "the tolerance."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tolerance", default="0", help="The difference allowed per asset (default 0)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tolerance = Decimal(options["tolerance"])
        except InvalidOperation as error:
            raise CommandError("--tolerance must be a number, e.g. 0.000001") from error
        if not tolerance.is_finite() or tolerance < 0:
            raise CommandError("--tolerance must be zero or more")
        report = reconcile(tolerance=tolerance)
        for line in report.assets:
            self.stdout.write(
                f"  {line.symbol}: owed {format_amount(line.owed)} (users "
                f"{format_amount(line.users)}, platform {format_amount(line.platform)}); held "
                f"{format_amount(line.held)} (provider {format_amount(line.provider)}, sent "
                f"{format_amount(line.sent_not_posted)}, arriving {format_amount(line.arriving)})"
                f"; difference {format_amount(line.difference)}"
            )
        if report.ok:
            self.stdout.write(self.style.SUCCESS("Wallets reconciled: every asset agrees."))
            return
        for line in report.off:
            self.stderr.write(
                self.style.ERROR(
                    f"OFF {line.symbol}: the chain side holds {format_amount(line.difference)} "
                    "more than the ledger owes"
                    if line.difference > 0
                    else f"OFF {line.symbol}: the chain side holds "
                    f"{format_amount(-line.difference)} less than the ledger owes"
                )
            )
        raise SystemExit(1)
