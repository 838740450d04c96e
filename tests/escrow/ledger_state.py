from __future__ import annotations

from typing import Any

from escrow.models import LedgerAccount
from escrow.models.transfers import Entry, Transfer
from escrow.verification import verify


def snapshot() -> dict[str, Any]:
    """Everything a refused ledger call must leave untouched."""
    return {
        "accounts": list(
            LedgerAccount.objects.order_by("pk").values_list(
                "pk", "posted_debits", "posted_credits", "pending_debits", "pending_credits"
            )
        ),
        "transfers": list(Transfer.objects.order_by("pk").values_list("pk", "status")),
        "entries": Entry.objects.count(),
    }


def assert_ledger_verifies() -> None:
    report = verify()
    assert report.ok, report.problems
