"""The project's own apps, lowest layer first (DESIGN.md section 2): an app may import its own
layer and those below it. The settings install them in this order, mypy checks them, and
tests/test_architecture.py holds the code and the import-linter contract to it."""

APPS = (
    "core",
    "accounts",
    "risk",
    "escrow",
    "merchants",
    "ads",
    "orders",
    "disputes",
    "riskadmin",
    "operations",
    "otc",
)
