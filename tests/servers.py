"""The real processes, started as `make run` starts them, against the test database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: the test database and Redis of this run."""
    db = connections["default"].settings_dict  # names the test database once it exists
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    # the browser tests' escape hatch for their own process must not reach a server
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "otc.settings.test",
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        **extra,
    }


@contextmanager
def running(name: str, args: list[str], env: dict[str, str], log_dir: Path) -> Iterator[None]:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def asgi_server(port: int, env: dict[str, str], log_dir: Path):  # type: ignore[no-untyped-def]
    args = [
        str(BIN / "uvicorn"),
        "otc.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    return running("asgi", args, env, log_dir)


def celery_worker(env: dict[str, str], log_dir: Path):  # type: ignore[no-untyped-def]
    args = [
        str(BIN / "celery"),
        "-A",
        "otc",
        "worker",
        "--loglevel=INFO",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--pool=solo",
    ]
    return running("worker", args, env, log_dir)


def celery_beat(env: dict[str, str], log_dir: Path):  # type: ignore[no-untyped-def]
    schedule = log_dir / "celerybeat-schedule"
    args = [
        str(BIN / "celery"),
        "-A",
        "otc",
        "beat",
        "--loglevel=INFO",
        "--schedule",
        str(schedule),
    ]
    return running("beat", args, env, log_dir)


def wait_for(check, timeout: float, interval: float = 0.25):  # type: ignore[no-untyped-def]
    """Poll `check` until it returns something truthy; return the last value."""
    deadline = time.monotonic() + timeout
    value = check()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = check()
    return value
