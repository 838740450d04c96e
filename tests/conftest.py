"""Test-wide wiring. The settings (otc.settings.test) connect to DATABASE_URL / REDIS_URL, or
start the embedded servers under .local/ when those are unset; this file stops servers that
this test run started, so a run leaves nothing behind."""

from __future__ import annotations

import pytest

from otc import localservices
from otc.settings.base import BASE_DIR


def pytest_unconfigure(config: pytest.Config) -> None:
    if localservices.started_here:
        from django.db import connections

        connections.close_all()
        localservices.stop(BASE_DIR / ".local")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()
