"""The real processes, started as `make run` starts them: uvicorn, the Celery worker and beat
against the test database for the tests, and the servers the benches measure."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
APP = "otc.asgi:application"
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def child_env(
    settings_module: str, database_url: str, redis_url: str, **extra: str
) -> dict[str, str]:
    """This process's environment for a child, with the settings, database and Redis it must
    use: named here, since the settings start nothing and read only the environment."""
    # the browser tests' escape hatch for their own process must not reach a server
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        **extra,
    }


def server_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: the test database and Redis of this run."""
    db = connections["default"].settings_dict  # names the test database once it exists
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return child_env("otc.settings.test", url, settings.REDIS_URL, **extra)


@dataclass
class Running:
    """A process started by `running`, and the file its output goes to."""

    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_answering(self, port: int, timeout: float = 60.0) -> int:
        """The status of the first answer to GET /healthz on `port`, whatever it is. Raises,
        with the end of the log, if the process exits or nothing answers within `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            status = answer_status(port, "/healthz")
            if status is not None:
                return status
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{self.log_tail()}")


def answer_status(port: int, path: str) -> int | None:
    """The status of one GET `path` on `port`, or None while nothing answers there."""
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


@contextlib.contextmanager
def running(
    name: str, args: list[str], env: dict[str, str], log_dir: Path, grace: float = 20.0
) -> Iterator[Running]:
    """`args` in a session of its own, its output in `log_dir/<name>.log`. On the way out its
    process group gets SIGTERM, and SIGKILL for whatever is left after `grace` seconds."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield Running(process, log_path)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace)
            # the group may outlive its leader; make sure nothing of it is left
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def uvicorn_command(port: int, *options: str, app: str = APP) -> list[str]:
    return [
        str(BIN / "uvicorn"),
        app,
        *options,
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]


def asgi_server(port: int, env: dict[str, str], log_dir: Path) -> AbstractContextManager[Running]:
    return running("asgi", uvicorn_command(port), env, log_dir)


def celery_worker(env: dict[str, str], log_dir: Path) -> AbstractContextManager[Running]:
    """A worker on an empty queue: what earlier tests queued with no worker (timeouts, mail)
    is dropped first, as their database rows were."""
    from otc.celery import app

    app.control.purge()
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


def celery_beat(env: dict[str, str], log_dir: Path) -> AbstractContextManager[Running]:
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


def wait_for(check: Callable[[], T], timeout: float, interval: float = 0.25) -> T:
    """Poll `check` until it returns something truthy; return the last value."""
    deadline = time.monotonic() + timeout
    value = check()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = check()
    return value
