"""Importing the settings starts nothing: no process, no socket. They read DATABASE_URL and
REDIS_URL, and without them they say who starts the embedded servers; the entry points
(manage.py, otc.devrun, tests/embedded.py) do the starting."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.servers import ROOT

# Runs in a fresh interpreter: an audit hook records every process start and socket use, then
# the settings module is imported (and, when it loads, Django set up with it).
PROBE = r"""
import json, sys
events = []
WATCHED = ("subprocess.Popen", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn",
           "os.exec", "os.system", "socket.bind", "socket.connect", "socket.getaddrinfo")
def hook(event, args):
    if event in WATCHED:
        events.append([event, repr(args)[:200]])
sys.addaudithook(hook)
import importlib, os
error = None
try:
    importlib.import_module(sys.argv[1])
    import django
    django.setup()
except Exception as exc:
    error = f"{type(exc).__name__}: {exc}"
print(json.dumps({"events": events, "error": error}))
"""


def probe(module: str, **environ: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(environ, DJANGO_SETTINGS_MODULE=module)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(json.loads(result.stdout.splitlines()[-1]))


def dotenv_sets_a_url() -> bool:
    from dotenv import dotenv_values

    values = dotenv_values(ROOT / ".env")
    return bool(values.get("DATABASE_URL") or values.get("REDIS_URL"))


@pytest.mark.parametrize("module", ["otc.settings.dev", "otc.settings.test"])
def test_without_the_urls_the_settings_refuse_and_start_nothing(module):
    if dotenv_sets_a_url():
        pytest.skip("NOT RUN: this checkout's .env sets DATABASE_URL or REDIS_URL")
    outcome = probe(module)
    assert outcome["events"] == []
    error = outcome["error"]
    assert isinstance(error, str)  # None when the settings load
    assert error.startswith("ImproperlyConfigured: DATABASE_URL and REDIS_URL not set")
    assert "manage.py" in error
    assert "make run" in error


@pytest.mark.parametrize("module", ["otc.settings.dev", "otc.settings.test"])
def test_with_the_urls_the_settings_load_and_connect_to_nothing(module):
    # port 9 (discard) on loopback: nothing may dial it, and nothing does
    outcome = probe(
        module,
        DATABASE_URL="postgresql://nobody@127.0.0.1:9/nothing",
        REDIS_URL="redis://127.0.0.1:9/0",
    )
    assert outcome == {"events": [], "error": None}


def test_only_one_url_missing_is_named():
    if dotenv_sets_a_url():
        pytest.skip("NOT RUN: this checkout's .env sets DATABASE_URL or REDIS_URL")
    outcome = probe("otc.settings.dev", DATABASE_URL="postgresql://nobody@127.0.0.1:9/nothing")
    assert outcome["events"] == []
    assert str(outcome["error"]).startswith("ImproperlyConfigured: REDIS_URL not set")
