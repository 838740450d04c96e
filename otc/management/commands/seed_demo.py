from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from otc.demo import DEMO_ADMIN_TOTP_SECRET, DEMO_PASSWORD, seed
from otc.demo_trades import DEMO_FUND_PASSWORD


class Command(BaseCommand):
    help = "Load the demo data (assets, fiat currencies, staff, merchants, users). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        people = seed()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password for all: {DEMO_PASSWORD}):")
        )
        for person in people:
            speaks = f" ({person.speaks})" if person.speaks else ""
            self.stdout.write(f"  {person.email:<28} {person.role}{speaks}")
        self.stdout.write(
            f"The admin asks staff for a 2FA code: add the secret {DEMO_ADMIN_TOTP_SECRET} to "
            f"an authenticator app (or run: oathtool --totp -b {DEMO_ADMIN_TOTP_SECRET})."
        )
        self.stdout.write(f"Fund password of every demo user (to release): {DEMO_FUND_PASSWORD}")
