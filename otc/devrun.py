"""The two commands behind `make run` and `make test`.

`run`: services, migrations, demo data, then web + worker + beat until Ctrl-C.
`test`: lint, format check, types, layer contracts, migrations check, then pytest.

With DATABASE_URL / REDIS_URL unset (in the environment and in .env), the embedded PostgreSQL
and Redis are started first (otc.localservices) and the ones started here are stopped again on
exit, so nothing is left running; every step and child process gets the URLs in its environment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


CHECKS = [
    ["ruff", "check", "."],
    ["ruff", "format", "--check", "."],
    [
        "mypy",
        "core",
        "otc",
        "escrow",
        "accounts",
        "merchants",
        "ads",
        "orders",
        "disputes",
        "riskadmin",
    ],
    ["lint-imports", "--no-logo"],
    ["python", "manage.py", "makemigrations", "--check", "--dry-run"],
    ["pytest"],
]


def _environment() -> tuple[dict[str, str], list[str]]:
    """The environment for every child, and which embedded services it uses."""
    from otc import localservices

    env = dict(os.environ)
    embedded = localservices.export_urls(env, LOCAL)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env, embedded


def _stop(embedded: list[str]) -> None:
    """Stop the embedded servers started here; those found running are someone else's."""
    if embedded:
        from otc import localservices

        stopped = localservices.stop_started_here(LOCAL)
        if stopped:
            print(f"Embedded {' and '.join(stopped)} stopped.")


def test() -> int:
    env, embedded = _environment()
    env["DJANGO_SETTINGS_MODULE"] = "otc.settings.test"
    try:
        for step in CHECKS:
            print(f"\n==> {' '.join(step)}", flush=True)
            if subprocess.run(step, cwd=ROOT, env=env, check=False).returncode != 0:
                print(f"FAILED: {' '.join(step)}", flush=True)
                return 1
        return 0
    finally:
        _stop(embedded)


def run() -> int:
    env, embedded = _environment()
    env.setdefault("DJANGO_SETTINGS_MODULE", "otc.settings.dev")
    venv_bin = str(Path(sys.executable).parent)
    host, port = env.setdefault("OTC_HOST", "127.0.0.1"), env.setdefault("OTC_PORT", "8000")
    honcho = None
    try:
        _manage("migrate", "--no-input", env=env)
        _manage("seed_demo", env=env)
        print(f"\nOTC Exchange: http://{host}:{port}/   (admin: http://{host}:{port}/admin/)")
        if embedded:
            print(f"Embedded {' and '.join(embedded)} under .local/ (stopped on exit).")
        print("Ctrl-C stops the web server, the worker and beat.\n", flush=True)
        honcho = subprocess.Popen(
            [os.path.join(venv_bin, "honcho"), "start", "-f", "Procfile"], cwd=ROOT, env=env
        )
        return honcho.wait()
    except KeyboardInterrupt:
        if honcho is not None:
            # honcho got the same Ctrl-C from the terminal; give it time to stop its children
            try:
                honcho.wait(timeout=20)
            except subprocess.TimeoutExpired:
                honcho.send_signal(signal.SIGTERM)
                honcho.wait(timeout=10)
        return 0
    finally:
        _stop(embedded)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "run"
    sys.exit(test() if command == "test" else run())
