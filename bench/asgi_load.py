"""The load generator of bench/asgi.py: keep-alive HTTP/1.1 connections and WebSocket round
trips, each counted only if it ends inside the measured window, with the server's CPU time over
that window read from /proc."""

from __future__ import annotations

import asyncio
import json
import math
import os
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from harness import Latencies, ratio
from websockets.asyncio.client import connect as ws_connect
from websockets.typing import Origin

IO_TIMEOUT = 30.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# one worker of a measurement: records into the sample until the given perf_counter time
Work = Callable[["Sample", float], Coroutine[Any, Any, None]]


@dataclass
class Sample:
    """What the workers of one measurement collect: exchanges that end inside the window."""

    window_start: float = math.inf
    window_end: float = math.inf
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: int = 0
    first_error: str = ""

    def record(self, began: float, ended: float, status: str) -> None:
        if self.window_start <= ended <= self.window_end:
            self.latencies.append(ended - began)
            self.statuses[status] += 1

    def fail(self, exc: BaseException) -> None:
        if time.perf_counter() <= self.window_end:
            self.errors += 1
            self.first_error = self.first_error or repr(exc)[:200]


@dataclass
class EndpointResult(Latencies):
    server: str
    endpoint: str
    requests: int
    seconds: float
    latencies: list[float]
    statuses: dict[str, int]
    errors: int
    first_error: str
    server_cpu_seconds: float
    generator_cpu_seconds: float
    note: str = ""

    @property
    def rate(self) -> float:
        return ratio(self.requests, self.seconds)

    @property
    def server_cpu_ms_per_request(self) -> float:
        return 1000 * ratio(self.server_cpu_seconds, self.requests)

    def as_dict(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "endpoint": self.endpoint,
            "requests": self.requests,
            "seconds": round(self.seconds, 4),
            "requests_per_second": round(self.rate, 2),
            "p50_ms": round(self.p50_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "statuses": self.statuses,
            "errors": self.errors,
            "first_error": self.first_error,
            "server_cpu_seconds": round(self.server_cpu_seconds, 3),
            "server_cpu_ms_per_request": round(self.server_cpu_ms_per_request, 4),
            "generator_cpu_seconds": round(self.generator_cpu_seconds, 3),
            "note": self.note,
        }


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (all its threads), from /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


async def measure(
    server: str,
    endpoint: str,
    pid: int,
    warmup: float,
    seconds: float,
    workers: int,
    work: Work,
) -> EndpointResult:
    """Run `workers` copies of `work` until the window closes; time and CPU only the window."""
    sample = Sample()
    start = time.perf_counter() + warmup
    sample.window_start, sample.window_end = start, start + seconds
    tasks = [asyncio.create_task(work(sample, sample.window_end)) for _ in range(workers)]
    try:
        await asyncio.sleep(max(0.0, sample.window_start - time.perf_counter()))
        cpu_server, cpu_here = process_cpu_seconds(pid), time.process_time()
        await asyncio.sleep(max(0.0, sample.window_end - time.perf_counter()))
        cpu_server = process_cpu_seconds(pid) - cpu_server
        cpu_here = time.process_time() - cpu_here
        await asyncio.wait_for(asyncio.gather(*tasks), IO_TIMEOUT)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return EndpointResult(
        server=server,
        endpoint=endpoint,
        requests=len(sample.latencies),
        seconds=seconds,
        latencies=sample.latencies,
        statuses=dict(sorted(sample.statuses.items())),
        errors=sample.errors,
        first_error=sample.first_error,
        server_cpu_seconds=cpu_server,
        generator_cpu_seconds=cpu_here,
    )


# --- HTTP/1.1 on raw keep-alive connections ---------------------------------------------------


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one whole response; return its status and whether the connection stays open."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    version, status = lines[0].split(" ", 2)[:2]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip().lower()
    keep_alive = version == "HTTP/1.1" and "close" not in headers.get("connection", "")
    if "chunked" in headers.get("transfer-encoding", ""):
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                    pass
                break
            await reader.readexactly(size + 2)
    elif "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    else:
        await reader.read()  # delimited by the end of the connection
        keep_alive = False
    return int(status), keep_alive


async def send_get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    writer.write(request)
    await writer.drain()
    return await read_response(reader)


def http_worker(host: str, port: int, path: str) -> Work:
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()

    async def work(sample: Sample, until: float) -> None:
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while time.perf_counter() < until:
                try:
                    if connection is None:
                        connection = await asyncio.open_connection(host, port)
                    began = time.perf_counter()
                    status, keep_alive = await asyncio.wait_for(
                        send_get(*connection, request), IO_TIMEOUT
                    )
                    sample.record(began, time.perf_counter(), str(status))
                except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                    sample.fail(exc)
                    keep_alive = False
                    await asyncio.sleep(0.01)
                if not keep_alive and connection is not None:
                    connection[1].close()
                    connection = None
        finally:
            if connection is not None:
                connection[1].close()

    return work


# --- WebSocket round trips --------------------------------------------------------------------


def ws_worker(host: str, port: int, path: str, negotiated: set[str]) -> Work:
    url = f"ws://{host}:{port}{path}"
    origin = Origin(f"http://{host}:{port}")
    message = json.dumps({"ping": 1})

    async def work(sample: Sample, until: float) -> None:
        while time.perf_counter() < until:
            try:
                async with ws_connect(
                    url, origin=origin, proxy=None, open_timeout=IO_TIMEOUT
                ) as ws:
                    headers = ws.response.headers if ws.response else {}
                    extensions = headers.get("Sec-WebSocket-Extensions") or "none"
                    negotiated.add(extensions.split(";")[0])
                    while time.perf_counter() < until:
                        began = time.perf_counter()
                        await ws.send(message)
                        reply = json.loads(await asyncio.wait_for(ws.recv(), IO_TIMEOUT))
                        ended = time.perf_counter()
                        sample.record(began, ended, "pong" if reply.get("pong") else "other")
            except (OSError, TimeoutError, ValueError, websockets.WebSocketException) as exc:
                sample.fail(exc)
                await asyncio.sleep(0.05)

    return work
