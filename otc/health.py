"""Liveness of the parts a trade needs: PostgreSQL, Redis and the Celery worker and beat."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .celery import BEAT_HEARTBEAT_KEY, WORKER_HEARTBEAT_KEY


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _redis() -> dict[str, Any]:
    cache.set("health:ping", "pong", timeout=10)
    return {"ok": cache.get("health:ping") == "pong"}


def _heartbeat(key: str, max_age: float) -> dict[str, Any]:
    beat = cache.get(key)
    if beat is None:
        return {"ok": False, "detail": "no heartbeat"}
    age = round(time.time() - float(beat), 1)
    return {"ok": age <= max_age, "age_seconds": age}


def check() -> dict[str, Any]:
    """Each part's state; a part whose check raises is reported down with the reason."""
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE
    checks = {
        "database": _database,
        "redis": _redis,
        "worker": lambda: _heartbeat(WORKER_HEARTBEAT_KEY, max_age),
        # beat schedules a heartbeat task; a worker must run it for the value to be fresh
        "beat": lambda: _heartbeat(
            BEAT_HEARTBEAT_KEY, max(max_age, 3 * settings.BEAT_HEARTBEAT_SECONDS)
        ),
    }
    report: dict[str, Any] = {}
    for name, probe in checks.items():
        try:
            report[name] = probe()
        except Exception as exc:  # noqa: BLE001 - a health probe reports every failure
            report[name] = {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:400]}
    return report
