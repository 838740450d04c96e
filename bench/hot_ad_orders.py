"""The two ways bench/hot_ad.py places orders, the service and the order form over HTTP, and the
figures of a run of them. Imported once Django is set up."""

from __future__ import annotations

import http.client
import re
import secrets
import string
import threading
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from harness import Latencies, Worker, percentile, ratio, share_attempts
from hot_ad_market import ORDER_FIAT

from accounts.models import User
from orders.services import OrderError, order_place
from tests.servers import HOST

IO_TIMEOUT = 60.0
CSRF_CHARS = string.ascii_letters + string.digits


@dataclass
class OrderRun(Latencies):
    name: str
    attempts: int
    placed: int
    refused: int
    errors: int
    elapsed: float  # from the common start to the last attempt's end
    placing_elapsed: float  # from the common start to the last successful order's end
    latencies: list[float]  # of the successful orders
    refused_latencies: list[float]
    first_error: str = ""
    first_refusal: str = ""

    @property
    def placed_per_second(self) -> float:
        return ratio(self.placed, self.placing_elapsed)

    @property
    def attempts_per_second(self) -> float:
        return ratio(self.attempts, self.elapsed)

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


class RefusalNotes:
    """The first refusal message of a run (all threads share one)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.first = ""

    def note(self, message: str) -> None:
        with self.lock:
            self.first = self.first or message


class ServiceAttempt:
    """Places orders through `orders.services.order_place`, on this thread's connection."""

    def __init__(self, ad_public_id: str, buyers: list[User], key: str, notes: RefusalNotes):
        connection.ensure_connection()
        self.ad_public_id, self.buyers, self.key, self.notes = ad_public_id, buyers, key, notes

    def call(self, seq: int) -> bool:
        try:
            order_place(
                actor=self.buyers[seq],
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


def place_orders(
    name: str, make: Callable[[RefusalNotes], Worker], threads: int, attempts: int
) -> OrderRun:
    """`threads` threads share `attempts` orders, each thread with a worker from `make`."""
    notes = RefusalNotes()
    tally = share_attempts(name, lambda _index: make(notes), threads, attempts)
    return OrderRun(
        name=name,
        attempts=attempts,
        placed=len(tally.latencies),
        refused=len(tally.refused),
        errors=tally.errors,
        elapsed=tally.elapsed,
        placing_elapsed=tally.last_success - tally.start,
        latencies=tally.latencies,
        refused_latencies=tally.refused,
        first_error=tally.first_error,
        first_refusal=notes.first,
    )
