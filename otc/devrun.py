"""The two commands behind `make run` and `make test`.

`run`: services, migrations, demo data, then web + worker + beat until Ctrl-C.
`test`: lint, format check, types, layer contracts, migrations check, then pytest.
`test-fast`: the same, with pytest leaving out the browser and subprocess-server tests.
`typecheck`: mypy alone.

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

from otc.layers import APPS

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


# Everything mypy checks: every app, the composition root, the tests and the benches.
TYPECHECK = ["mypy", *APPS, "tests", "bench"]
CHECKS = [
    ["ruff", "check", "."],
    ["ruff", "format", "--check", "."],
    TYPECHECK,
    ["lint-imports", "--no-logo"],
    ["python", "manage.py", "makemigrations", "--check", "--dry-run"],
]
# The translation catalogues under locale/: every language but the source language, from every
# template and module of the product (GNU gettext's xgettext does the reading).
CATALOGUE_LANGUAGES = ["zh_Hans", "zh_Hant"]
MAKEMESSAGES = [
    "makemessages",
    *(f"--locale={language}" for language in CATALOGUE_LANGUAGES),
    "--extension=html,txt,py",
    "--add-location=file",
    *(f"--ignore={folder}/*" for folder in (".venv", ".local", "tests", "bench", "node_modules")),
]
# The inner loop leaves out the browser and the tests that start servers as subprocesses.
FAST_LANE = ["-m", "not browser and not servers"]


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


def check(*, fast: bool) -> int:
    env, embedded = _environment()
    env["DJANGO_SETTINGS_MODULE"] = "otc.settings.test"
    try:
        for step in [*CHECKS, ["pytest", *(FAST_LANE if fast else [])]]:
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


def messages() -> int:
    """Refresh the catalogues from the code and compile them (`make messages`)."""
    env, embedded = _environment()
    try:
        _manage(*MAKEMESSAGES, env=env)
        _manage("compilemessages", "--ignore=.venv/*", env=env)
        return 0
    finally:
        _stop(embedded)


def typecheck() -> int:
    """mypy alone, over what `make test` checks (the pre-commit hook runs this)."""
    return subprocess.run(TYPECHECK, cwd=ROOT, env=_environment_for_tools(), check=False).returncode


def _environment_for_tools() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


COMMANDS = {
    "run": run,
    "test": lambda: check(fast=False),
    "test-fast": lambda: check(fast=True),
    "typecheck": typecheck,
    "messages": messages,
}

if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "run"
    if command not in COMMANDS:
        sys.exit(f"usage: python -m otc.devrun [{' | '.join(COMMANDS)}]")
    sys.exit(COMMANDS[command]())
