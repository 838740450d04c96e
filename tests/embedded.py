"""pytest plugin (`-p tests.embedded` in pyproject.toml): the test run's PostgreSQL and Redis.

pytest-django imports the settings in its `pytest_load_initial_conftests`, before any conftest
is read, and the settings only read DATABASE_URL / REDIS_URL. This hook wraps that one: where
neither the environment nor `.env` sets a URL, it starts (or reuses) the embedded server under
`.local/` and exports its URL first, so the settings and every subprocess the tests start
(tests/servers.py) see the same servers. At the end of the run it stops the servers this run
started, and leaves alone the ones it found running."""

from __future__ import annotations

import os
from collections.abc import Generator
from types import ModuleType

import pytest


def _localservices() -> ModuleType:
    """otc.localservices, imported without changing which settings pytest-django picks:
    importing the otc package defaults DJANGO_SETTINGS_MODULE to the dev settings (the Celery
    app, otc/celery.py), and pytest-django would prefer that to pyproject.toml's choice."""
    chosen = os.environ.get("DJANGO_SETTINGS_MODULE")
    from otc import localservices

    if chosen is None:
        os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    return localservices


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> Generator[None, None, None]:
    namespace = early_config.known_args_namespace
    if not (namespace.help or namespace.version):
        _localservices().export_urls()
    return (yield)


def pytest_unconfigure(config: pytest.Config) -> None:
    from otc import localservices

    if localservices.started_here:
        from django.db import connections

        connections.close_all()
        localservices.stop_started_here()
