"""The real ASGI server, Celery worker and beat as subprocesses, as `make run` starts them."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.error import HTTPError

import pytest
import websockets
from websockets.typing import Origin

from tests.servers import (
    asgi_server,
    celery_beat,
    celery_worker,
    free_port,
    server_env,
    wait_for,
)

pytestmark = pytest.mark.servers
T = TypeVar("T")


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local server
            return response.status, json.load(response)
    except HTTPError as error:
        return error.code, json.load(error)
    except OSError:
        return 0, {}


def in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a thread of its own (the browser tests keep a loop on this one)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_healthz_sees_server_worker_and_beat_alive(django_db_setup, tmp_path):
    port = free_port()
    env = server_env(BEAT_HEARTBEAT_SECONDS="1")
    base = f"http://127.0.0.1:{port}"
    with asgi_server(port, env, tmp_path):

        def answered() -> tuple[int, dict] | None:
            reply = get_json(f"{base}/healthz")
            return reply if reply[0] else None

        first = wait_for(answered, 30)
        assert first is not None, "the server never answered"
        status, body = first
        assert status == 503
        assert body["checks"]["worker"]["ok"] is False
        with celery_worker(env, tmp_path), celery_beat(env, tmp_path):
            status, body = wait_for(
                lambda: (r := get_json(f"{base}/healthz"))[0] == 200 and r, 90
            ) or get_json(f"{base}/healthz")
            logs = {p.name: p.read_text()[-2000:] for p in tmp_path.glob("*.log")}
            assert status == 200, (json.dumps(body), logs)
            assert all(part["ok"] for part in body["checks"].values())


def test_the_same_server_speaks_websocket_and_checks_origin(django_db_setup, tmp_path):
    port = free_port()
    url = f"ws://127.0.0.1:{port}/ws/ping/"

    async def ping(origin: str) -> dict:
        async with websockets.connect(url, origin=Origin(origin), open_timeout=5) as socket:
            await socket.send(json.dumps({"ping": 1}))
            return json.loads(await asyncio.wait_for(socket.recv(), 5))

    with asgi_server(port, server_env(), tmp_path):
        assert wait_for(lambda: get_json(f"http://127.0.0.1:{port}/healthz")[0], 30)
        assert in_own_loop(ping(f"http://127.0.0.1:{port}"))["pong"] is True
        with pytest.raises(websockets.exceptions.InvalidStatus):
            in_own_loop(ping("http://evil.example"))
