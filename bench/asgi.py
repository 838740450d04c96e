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
import json
import math
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from asgi_load import EndpointResult, http_worker, measure, ws_worker
from project import SERVER_STOP_GRACE, SETTINGS

from tests.servers import APP, BIN, HOST, child_env, free_port, running, uvicorn_command

SERVERS = ("uvicorn", "daphne")
HTTP_ENDPOINTS = ("/", "/healthz")
WS_PATH = "/ws/ping/"
WS_ENDPOINT = f"ws {WS_PATH}"
ENDPOINTS = (*HTTP_ENDPOINTS, WS_ENDPOINT)


# --- the servers ------------------------------------------------------------------------------


def server_command(name: str, port: int, daphne_quiet: bool) -> list[str]:
    if name == "uvicorn":
        return uvicorn_command(port)
    quiet = ["-v", "0"] if daphne_quiet else []
    return [str(BIN / "daphne"), *quiet, "-b", HOST, "-p", str(port), APP]


def service_env() -> dict[str, str]:
    """The servers' environment: dev settings, and the embedded services' URLs settled once
    here so that the servers do not race to start them."""
    from otc import localservices

    localservices.export_urls()
    return child_env(SETTINGS, os.environ["DATABASE_URL"], os.environ["REDIS_URL"])


async def bench_server(
    name: str, args: argparse.Namespace, env: dict[str, str], log_dir: Path
) -> list[EndpointResult]:
    port = free_port()
    command = server_command(name, port, args.daphne_quiet)
    print(f"\n{name}: {' '.join([Path(command[0]).name, *command[1:]])}")
    results: list[EndpointResult] = []
    with running(name, command, env, log_dir, grace=SERVER_STOP_GRACE) as server:
        pid = server.process.pid
        began = time.monotonic()
        status = await asyncio.to_thread(server.wait_answering, port)
        print(f"  answering after {time.monotonic() - began:.1f} s (GET /healthz -> {status})")
        for path in HTTP_ENDPOINTS:
            work = http_worker(HOST, port, path)
            result = await measure(
                name, path, pid, args.warmup, args.seconds, args.concurrency, work
            )
            results.append(result)
            print(f"  {path:<12} {result.requests:>8} requests  {result.rate:>9.1f} req/s")
        negotiated: set[str] = set()
        work = ws_worker(HOST, port, WS_PATH, negotiated)
        result = await measure(
            name, WS_ENDPOINT, pid, args.warmup, args.seconds, args.ws_sockets, work
        )
        result.note = "extensions: " + (", ".join(sorted(negotiated)) or "none")
        results.append(result)
        print(f"  {WS_ENDPOINT:<12} {result.requests:>8} round trips {result.rate:>7.1f} /s")
        if server.process.poll() is not None:
            raise RuntimeError(f"{name} died during the run:\n{server.log_tail()}")
    return results


# --- report -----------------------------------------------------------------------------------


def ratios(results: list[EndpointResult]) -> dict[str, float]:
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


def print_report(results: list[EndpointResult], per_endpoint: dict[str, float], line: str) -> None:
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


async def run(args: argparse.Namespace, env: dict[str, str], log_dir: Path) -> list[EndpointResult]:
    # SIGTERM cancels the run like Ctrl-C does, so the `finally` blocks stop the server
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    results: list[EndpointResult] = []
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
