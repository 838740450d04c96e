"""Test-wide wiring. The settings (otc.settings.test) connect to DATABASE_URL / REDIS_URL;
the plugin tests/embedded.py starts the embedded servers under .local/ when those are unset,
before the settings load, and stops what this run started."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _english_again() -> Iterator[None]:
    """A page asked for in Chinese (the language cookie LocaleMiddleware reads) leaves its
    language active on the thread; the next test starts in the platform's language."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _mail_sent_in_this_process(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mail is queued for the worker after the commit. Tests that run no worker send the queued
    message here, the moment it is queued, so `mail.outbox` shows what the worker would send;
    tests with real servers (and the browser tests) leave the queue to their worker."""
    if request.node.get_closest_marker("servers") or request.node.get_closest_marker("browser"):
        return
    from core.tasks import send_email

    monkeypatch.setattr(send_email, "delay", send_email.run)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly when tests that need a browser or Compose did not run."""
    skipped = terminalreporter.stats.get("skipped", [])
    not_run = [report for report in skipped if "NOT RUN" in str(report.longrepr)]
    not_run += [report for report in skipped if "NOT CHECKED" in str(report.longrepr)]
    if not_run:
        terminalreporter.write_sep("!", f"{len(not_run)} TESTS DID NOT RUN (not passed)", red=True)
        for report in not_run:
            terminalreporter.write_line(f"  {report.nodeid}: {report.longrepr[-1]}", red=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright keeps an event loop on the main thread for the rest
    of the session, and tests that run their own loop (sockets, channel layers) must go before."""
    items.sort(key=lambda item: "tests/browser/" in str(item.fspath))
