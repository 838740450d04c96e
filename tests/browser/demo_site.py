"""The demo data in a browser test: the `demo` fixture serves the app with `seed_demo` loaded,
and `log_in` signs a demo user in through the login form."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command

from escrow.models import Network, Withdrawal
from orders.models import Order

DEMO_PASSWORD = "demo-pass-2026"  # otc.demo.DEMO_PASSWORD


def log_in(page, live_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{live_url}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.locator("main").inner_text()


def demo_order_path() -> str:
    order = Order.objects.get(idempotency_key="demo-trade-completed")
    return f"/orders/{order.public_id}/"


def demo_path(path: str) -> str:
    """A page of the demo: "order" is its completed trade, "deposit" alice's USDT address on
    TRON, "withdrawal" bob's withdrawal waiting for review; any other path is itself."""
    if path == "order":
        return demo_order_path()
    if path == "deposit":
        tron = Network.objects.get(asset__symbol="USDT", code="tron")
        return f"/wallet/deposit/?network={tron.pk}"
    if path == "withdrawal":
        waiting = Withdrawal.objects.get(request_key="demo-withdrawal-bob")
        return f"/wallet/withdrawals/{waiting.public_id}/"
    return path


@pytest.fixture
def demo(live_url: str) -> str:
    seed_demo()
    return live_url


def seed_demo() -> None:
    """The demo data, written from a thread of its own: Playwright's event loop holds this one,
    and the services' live updates (async_to_sync) refuse to run next to it."""
    from django.db import connection

    def run() -> None:
        try:
            call_command("seed_demo", verbosity=0)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
