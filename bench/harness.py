"""The benches' timing harness: threads that start together, their latencies and rates, and
ratios against a baseline measured in the same run."""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def ratio(numerator: float, denominator: float) -> float:
    """A rate per second, or a rate against a baseline; 0 where the denominator measured
    nothing."""
    return numerator / denominator if denominator > 0 else 0.0


class Latencies:
    """The p50 and p99, in milliseconds, of the latencies (in seconds) a figure keeps."""

    latencies: list[float]

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies, 50) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(self.latencies, 99) * 1000


class Worker(Protocol):
    """One thread's side of a benchmark: built inside its thread, so it owns its connection."""

    def call(self, seq: int) -> bool | None:
        """Operation number `seq`; False if the application refused it. Raises on an error."""
        ...

    def close(self) -> None: ...


@dataclass
class Tally:
    """What the threads of one run did, on one perf_counter clock."""

    start: float
    finished: float  # the end of the last thread
    last_success: float  # the end of the last successful call, or the start
    latencies: list[float]  # of the successful calls
    refused: list[float]
    errors: int
    first_error: str

    @property
    def elapsed(self) -> float:
        return self.finished - self.start


@dataclass
class _ThreadOutcome:
    latencies: list[float] = field(default_factory=list)
    refused: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    last_success_at: float = 0.0
    finished_at: float = 0.0


def run_together(
    name: str,
    make_worker: Callable[[int], Worker],
    threads: int,
    numbers: Callable[[float], Iterator[int]],
) -> Tally:
    """`threads` threads build their workers, then all start at one instant, `start`: each
    calls its worker with the numbers that `numbers(start)` gives it. Set-up (connections)
    happens before the common start, so it is not timed."""
    outcomes = [_ThreadOutcome() for _ in range(threads)]
    clock: dict[str, float] = {}
    barrier = threading.Barrier(threads, action=lambda: clock.update(start=time.perf_counter()))
    setup_errors: list[str] = []

    def run(index: int) -> None:
        outcome = outcomes[index]
        try:
            worker = make_worker(index)
        except Exception as exc:  # noqa: BLE001 - a thread that cannot start is reported, not raised
            setup_errors.append(f"thread {index}: {exc!r}")
            barrier.abort()
            return
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            worker.close()
            return
        try:
            for seq in numbers(clock["start"]):
                began = time.perf_counter()
                try:
                    succeeded = worker.call(seq) is not False
                except Exception as exc:  # noqa: BLE001 - a failed call counts as an error
                    outcome.errors += 1
                    outcome.first_error = outcome.first_error or repr(exc)
                    continue
                ended = time.perf_counter()
                if succeeded:
                    outcome.latencies.append(ended - began)
                    outcome.last_success_at = ended
                else:
                    outcome.refused.append(ended - began)
            outcome.finished_at = time.perf_counter()
        finally:
            worker.close()

    pool = [threading.Thread(target=run, args=(i,), name=f"{name}-{i}") for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if setup_errors:
        raise RuntimeError(f"{name}: a worker could not start: {setup_errors[0]}")
    start = clock["start"]
    first_errors = [outcome.first_error for outcome in outcomes if outcome.first_error]
    return Tally(
        start=start,
        finished=max(outcome.finished_at for outcome in outcomes),
        last_success=max((o.last_success_at for o in outcomes if o.latencies), default=start),
        latencies=[latency for outcome in outcomes for latency in outcome.latencies],
        refused=[latency for outcome in outcomes for latency in outcome.refused],
        errors=sum(outcome.errors for outcome in outcomes),
        first_error=first_errors[0] if first_errors else "",
    )


def share_attempts(
    name: str, make_worker: Callable[[int], Worker], threads: int, attempts: int
) -> Tally:
    """`threads` workers share `attempts` numbered calls between them, all starting together."""
    numbers = iter(range(attempts))
    lock = threading.Lock()

    def draw() -> Iterator[int]:
        while True:
            with lock:
                seq = next(numbers, None)
            if seq is None:
                return
            yield seq

    return run_together(name, make_worker, threads, lambda _start: draw())


@dataclass
class Result(Latencies):
    name: str
    operations: int
    errors: int
    elapsed: float
    latencies: list[float]
    first_error: str = ""

    @property
    def ops_per_second(self) -> float:
        return ratio(self.operations, self.elapsed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "operations": self.operations,
            "errors": self.errors,
            "elapsed_seconds": round(self.elapsed, 4),
            "ops_per_second": round(self.ops_per_second, 2),
            "p50_ms": round(self.p50_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "first_error": self.first_error,
        }


def hammer(name: str, make_worker: Callable[[int], Worker], threads: int, seconds: float) -> Result:
    """`threads` workers calling in a loop for `seconds`, all starting together. Only
    successful calls count as operations and only their latencies are kept."""

    def until_deadline(start: float) -> Iterator[int]:
        deadline = start + seconds
        return itertools.takewhile(lambda _seq: time.perf_counter() < deadline, itertools.count())

    tally = run_together(name, make_worker, threads, until_deadline)
    return Result(
        name=name,
        operations=len(tally.latencies),
        errors=tally.errors,
        elapsed=tally.elapsed,
        latencies=tally.latencies,
        first_error=tally.first_error,
    )


def print_ratio(subject: str, rate: float, baseline: Result, digits: int = 2) -> None:
    """One line: `subject` at this multiple of the baseline's rate."""
    print(
        f"{subject} at {ratio(rate, baseline.ops_per_second):.{digits}f}x the {baseline.name} rate"
    )
