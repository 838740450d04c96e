"""Browser tests: Playwright driving Debian's chromium against the real ASGI server.

Without /usr/bin/chromium (or CHROMIUM_PATH) these tests are skipped, and the run says so
loudly at the end: a skipped browser test is never a passed one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import ROOT, asgi_server, celery_worker, free_port, server_env, wait_for

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"BROWSER TESTS NOT RUN: no chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API keeps an event loop on this thread; the ORM calls the tests make
    # between page actions are ordinary blocking calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(autouse=True)
def private_media(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The served app keeps uploads in this test's folder, not in .local/."""
    folder = tmp_path / "media"
    folder.mkdir()
    monkeypatch.setenv("MEDIA_ROOT", str(folder))
    return folder


@pytest.fixture
def live_env(transactional_db: None, tmp_path: Path) -> tuple[dict[str, str], Path]:
    """The served app's environment (the test database and Redis of this run), and the folder
    its mail goes to, one file per message."""
    folder = tmp_path / "mail"
    folder.mkdir()
    env = server_env(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(folder),
    )
    return env, folder


@pytest.fixture
def outbox_dir(live_env: tuple[dict[str, str], Path], tmp_path: Path) -> Iterator[Path]:
    """The mail the app sends: asking for it starts the Celery worker that sends it (mail
    leaves through the worker, after the commit)."""
    env, folder = live_env
    with celery_worker(env, tmp_path):
        yield folder


def read_outbox(folder: Path, expect: str = "", timeout: float = 20) -> str:
    """Every message the worker wrote, once one contains `expect` (mail is sent a moment after
    the page answers)."""

    def mail() -> str:
        return "\n".join(p.read_text() for p in sorted(folder.glob("*")))

    wait_for(lambda: expect in mail() and mail(), timeout)
    return mail()


@pytest.fixture
def live_url(live_env: tuple[dict[str, str], Path], tmp_path: Path) -> Iterator[str]:
    """The app served by uvicorn on a free port, reading the test database."""
    import urllib.request

    port = free_port()
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            urllib.request.urlopen(f"{url}/", timeout=2)  # noqa: S310 - local server
            return True
        except OSError:
            return False

    env, _mail = live_env
    with asgi_server(port, env, tmp_path):
        assert wait_for(up, 30), (tmp_path / "asgi.log").read_text()
        yield url


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 860})  # type: ignore[attr-defined]
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
