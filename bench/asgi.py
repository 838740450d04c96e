"""uvicorn against daphne: HTTP and WebSocket throughput of `otc.asgi:application`.

Run from the repository root:

    .venv/bin/python bench/asgi.py [--seconds 5] [--concurrency 32] [--ws-sockets 4]
                                   [--warmup 1] [--daphne-quiet] [--json PATH]

One run starts the application under uvicorn, measures it, stops it, then does the same under
daphne. Each server is a subprocess in its own session with `otc.settings.dev`, pointed at the
embedded PostgreSQL and Redis under `.local/` (started here first if needed, and left running).

Per server, one after the other, each for `--seconds` after `--warmup` seconds not counted:

- `GET /` (a rendered template) and `GET /healthz` (JSON; one PostgreSQL and a few Redis
  round trips; 503 without a Celery worker, which still counts as a completed request), driven
  by `--concurrency` raw HTTP/1.1 keep-alive connections, each sending its next request as soon
  as the previous response is read;
- WebSocket round trips on `/ws/ping/`: `--ws-sockets` sockets, each sending `{"ping": 1}` and
  waiting for the pong before sending again.

The load generator runs in this process, on the same machine as the server: both compete for
the same CPU cores, so the figures are a comparison between the two servers, not a capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from websockets.asyncio.client import connect as ws_connect
from websockets.typing import Origin

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SETTINGS = "otc.settings.dev"
APP = "otc.asgi:application"
HOST = "127.0.0.1"
SERVERS = ("uvicorn", "daphne")
HTTP_ENDPOINTS = ("/", "/healthz")
WS_PATH = "/ws/ping/"
WS_ENDPOINT = f"ws {WS_PATH}"
ENDPOINTS = (*HTTP_ENDPOINTS, WS_ENDPOINT)
READY_TIMEOUT = 60.0
IO_TIMEOUT = 30.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# one worker of a measurement: records into the sample until the given perf_counter time
Work = Callable[["Sample", float], Coroutine[Any, Any, None]]


# --- figures ----------------------------------------------------------------------------------


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
class Result:
    server: str
    endpoint: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]
    errors: int
    first_error: str
    server_cpu_seconds: float
    generator_cpu_seconds: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def server_cpu_ms_per_request(self) -> float:
        return 1000 * self.server_cpu_seconds / self.requests if self.requests else 0.0

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


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


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
) -> Result:
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
    return Result(
        server=server,
        endpoint=endpoint,
        requests=len(sample.latencies),
        seconds=seconds,
        p50_ms=percentile(sample.latencies, 50) * 1000,
        p99_ms=percentile(sample.latencies, 99) * 1000,
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


def http_worker(port: int, path: str) -> Work:
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()

    async def work(sample: Sample, until: float) -> None:
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while time.perf_counter() < until:
                try:
                    if connection is None:
                        connection = await asyncio.open_connection(HOST, port)
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


def ws_worker(port: int, negotiated: set[str]) -> Work:
    url = f"ws://{HOST}:{port}{WS_PATH}"
    origin = Origin(f"http://{HOST}:{port}")
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


# --- the servers ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_command(name: str, port: int, daphne_quiet: bool) -> list[str]:
    if name == "uvicorn":
        return [
            str(BIN / "uvicorn"),
            APP,
            "--host",
            HOST,
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
    quiet = ["-v", "0"] if daphne_quiet else []
    return [str(BIN / "daphne"), *quiet, "-b", HOST, "-p", str(port), APP]


def service_env() -> dict[str, str]:
    """The children's environment: dev settings, and the embedded services' URLs settled once
    here so that the servers do not race to start them."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
    local = ROOT / ".local"
    if not env.get("DATABASE_URL") or not env.get("REDIS_URL"):
        from otc import localservices

        env["DATABASE_URL"] = env.get("DATABASE_URL") or localservices.postgres_url(local)
        env["REDIS_URL"] = env.get("REDIS_URL") or localservices.redis_url(local)
    return env


def log_tail(path: Path, chars: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


@contextlib.contextmanager
def running_server(
    command: list[str], env: dict[str, str], log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """The server as a subprocess in its own session; its process group ends on the way out."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield process
        finally:
            stop_group(process)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, then SIGKILL whatever is left after 10 seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    # the group may outlive its leader; make sure nothing of it is left
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


async def probe(port: int) -> int | None:
    """The status of one GET /healthz, or None if nothing answers yet."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), 2)
    except (OSError, TimeoutError):
        return None
    try:
        request = f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"
        status, _ = await asyncio.wait_for(send_get(reader, writer, request.encode()), 10)
        return status
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
        return None
    finally:
        writer.close()


async def wait_ready(process: subprocess.Popen[bytes], port: int, log_path: Path) -> int:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server exited with {process.returncode}:\n{log_tail(log_path)}"
            )
        status = await probe(port)
        if status is not None:
            return status
        await asyncio.sleep(0.2)
    raise RuntimeError(
        f"the server did not answer within {READY_TIMEOUT:.0f} s:\n{log_tail(log_path)}"
    )


async def bench_server(
    name: str, args: argparse.Namespace, env: dict[str, str], log_dir: Path
) -> list[Result]:
    port = free_port()
    log_path = log_dir / f"{name}.log"
    command = server_command(name, port, args.daphne_quiet)
    print(f"\n{name}: {' '.join([Path(command[0]).name, *command[1:]])}")
    results: list[Result] = []
    with running_server(command, env, log_path) as process:
        began = time.monotonic()
        status = await wait_ready(process, port, log_path)
        print(f"  answering after {time.monotonic() - began:.1f} s (GET /healthz -> {status})")
        for path in HTTP_ENDPOINTS:
            result = await measure(
                name,
                path,
                process.pid,
                args.warmup,
                args.seconds,
                args.concurrency,
                http_worker(port, path),
            )
            results.append(result)
            print(f"  {path:<12} {result.requests:>8} requests  {result.rate:>9.1f} req/s")
        negotiated: set[str] = set()
        result = await measure(
            name,
            WS_ENDPOINT,
            process.pid,
            args.warmup,
            args.seconds,
            args.ws_sockets,
            ws_worker(port, negotiated),
        )
        result.note = "extensions: " + (", ".join(sorted(negotiated)) or "none")
        results.append(result)
        print(f"  {WS_ENDPOINT:<12} {result.requests:>8} round trips {result.rate:>7.1f} /s")
        if process.poll() is not None:
            raise RuntimeError(f"{name} died during the run:\n{log_tail(log_path)}")
    return results


# --- report -----------------------------------------------------------------------------------


def ratios(results: list[Result]) -> dict[str, float]:
    """uvicorn's rate divided by daphne's, per endpoint measured on both."""
    rate = {(r.server, r.endpoint): r.rate for r in results}
    return {
        endpoint: rate[("uvicorn", endpoint)] / rate[("daphne", endpoint)]
        for endpoint in ENDPOINTS
        if rate.get(("daphne", endpoint)) and ("uvicorn", endpoint) in rate
    }


def verdict(per_endpoint: dict[str, float]) -> str:
    if not per_endpoint:
        return "verdict: no endpoint was measured on both servers"
    mean = math.exp(sum(math.log(r) for r in per_endpoint.values()) / len(per_endpoint))
    faster, slower = ("uvicorn", "daphne") if mean >= 1 else ("daphne", "uvicorn")
    factor = mean if mean >= 1 else 1 / mean
    winners = {"uvicorn" if r >= 1 else "daphne" for r in per_endpoint.values()}
    agreement = "on every endpoint" if len(winners) == 1 else "overall, but not on every endpoint"
    return (
        f"verdict: {faster} is faster, {factor:.2f}x {slower}'s rate "
        f"(geometric mean over {len(per_endpoint)} endpoints; {agreement})"
    )


def print_report(results: list[Result], per_endpoint: dict[str, float], line: str) -> None:
    header = (
        f"{'server':<8} {'endpoint':<12} {'requests':>9} {'req/s':>9} {'p50 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6} {'srv cpu ms/req':>14} {'gen cpu %':>9}  statuses"
    )
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        statuses = " ".join(f"{code}:{count}" for code, count in r.statuses.items()) or "-"
        if r.note:
            statuses += f"  ({r.note})"
        gen_share = 100 * r.generator_cpu_seconds / r.seconds if r.seconds else 0.0
        print(
            f"{r.server:<8} {r.endpoint:<12} {r.requests:>9} {r.rate:>9.1f} {r.p50_ms:>8.2f} "
            f"{r.p99_ms:>8.2f} {r.errors:>6} {r.server_cpu_ms_per_request:>14.3f} "
            f"{gen_share:>9.0f}  {statuses}"
        )
    for r in results:
        if r.first_error:
            print(f"first error, {r.server} {r.endpoint}: {r.first_error}")
    print()
    for endpoint, ratio in per_endpoint.items():
        print(f"uvicorn/daphne {endpoint:<12} {ratio:.2f}x")
    print()
    print(line)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per endpoint")
    parser.add_argument("--concurrency", type=int, default=32, help="HTTP keep-alive connections")
    parser.add_argument("--ws-sockets", type=int, default=4, help="concurrent WebSockets")
    parser.add_argument("--warmup", type=float, default=1.0, help="uncounted seconds first")
    parser.add_argument(
        "--daphne-quiet",
        action="store_true",
        help="run daphne with -v 0 (no access log line per request, like uvicorn at warning)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures here")
    args = parser.parse_args()
    if args.seconds <= 0 or args.concurrency < 1 or args.ws_sockets < 1 or args.warmup < 0:
        parser.error("--seconds must be > 0, --concurrency and --ws-sockets >= 1, --warmup >= 0")
    return args


async def run(args: argparse.Namespace, env: dict[str, str], log_dir: Path) -> list[Result]:
    # SIGTERM cancels the run like Ctrl-C does, so the `finally` blocks stop the server
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    results: list[Result] = []
    for name in SERVERS:
        results.extend(await bench_server(name, args, env, log_dir))
    return results


def event_loop_name() -> str:
    try:
        import uvloop
    except ImportError:
        return "asyncio"
    uvloop.install()
    return "asyncio on uvloop"


def main() -> int:
    args = parse_args()
    cpus = os.cpu_count() or 1
    env = service_env()
    loop_name = event_loop_name()
    print(
        f"settings {SETTINGS}; {args.seconds:g} s per endpoint after {args.warmup:g} s warm-up; "
        f"{args.concurrency} HTTP connections, {args.ws_sockets} WebSockets"
    )
    print(
        f"NOTE: the load generator ({loop_name}, one process) runs on the same {cpus}-core "
        "machine as the server and competes with it for CPU: compare the two servers, do not "
        "read the rates as capacity."
    )
    load = os.getloadavg()
    print(
        f"load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        "(anything else busy on the machine skews one server's figures more than the other's)"
    )
    if not args.daphne_quiet:
        print(
            "NOTE: daphne at its default verbosity writes an access-log line per request "
            "(to a log file here); uvicorn at --log-level warning does not. --daphne-quiet "
            "removes that difference."
        )
    with tempfile.TemporaryDirectory(prefix="bench-asgi-") as log_dir:
        try:
            results = asyncio.run(run(args, env, Path(log_dir)))
        except asyncio.CancelledError:
            print("terminated; the server was stopped", file=sys.stderr)
            return 128 + signal.SIGTERM
    per_endpoint = ratios(results)
    line = verdict(per_endpoint)
    print_report(results, per_endpoint, line)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "settings": SETTINGS,
                    "cpus": cpus,
                    "seconds": args.seconds,
                    "warmup_seconds": args.warmup,
                    "concurrency": args.concurrency,
                    "ws_sockets": args.ws_sockets,
                    "daphne_quiet": args.daphne_quiet,
                    "load_generator": loop_name,
                    "load_average_before": [round(x, 2) for x in load],
                    "results": [r.as_dict() for r in results],
                    "ratios_uvicorn_over_daphne": {k: round(v, 4) for k, v in per_endpoint.items()},
                    "verdict": line,
                },
                indent=2,
            )
            + "\n"
        )
        print(f"figures written to {args.json}")
    return 0 if all(r.requests for r in results) else 2


if __name__ == "__main__":
    sys.exit(main())
