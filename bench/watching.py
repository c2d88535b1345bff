"""The subscriber side of ``live.py``: the ``subscribers.py`` processes holding the
subscriptions, driven line by line, and what they received, counted and timed."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from storm import REPO, Claim, Run, quantile

from schema.relay import to_global_id

PEAK_WINDOW = 5.0  # seconds


@dataclass
class Delivery:
    """What the subscribers received of the storm's events."""

    subscribers: int
    expected: int
    received: int
    lost: int
    duplicated: int
    unexpected: int
    latencies: list[float]  # seconds, one per event received
    problems: list[Any]
    cpu: dict[str, float]  # seconds, over the storm and its delivery
    wall: float  # from the storm's start to the last event received
    peak: float  # events/s, the most in any PEAK_WINDOW seconds

    def server_cpu_per_delivery(self, alone: Run) -> float:
        """Microseconds of server CPU per event delivered: the servers' CPU beyond what
        the same storm took without subscribers."""
        claims = alone.cpu["server"] * len(alone.latencies) / 1000
        return (self.cpu["server"] - claims) / max(1, self.received) * 1e6

    def ms(self, q: float) -> float:
        return quantile(self.latencies, q) * 1000


# --- the subscriber processes ----------------------------------------------------------


class SubscriberProcesses:
    """``subscribers.py`` processes holding the subscriptions, driven line by line."""

    def __init__(self, processes: list[asyncio.subprocess.Process]) -> None:
        self.processes = processes

    @property
    def groups(self) -> list[int]:
        return [p.pid for p in self.processes]

    async def ask(self, command: str) -> list[str]:
        """Send ``command`` to every process; their answers."""
        for p in self.processes:
            assert p.stdin is not None
            p.stdin.write(f"{command}\n".encode())
            await p.stdin.drain()
        return [await answer_of(p) for p in self.processes]

    async def received(self) -> int:
        return sum(int(a.split()[1]) for a in await self.ask("count"))

    async def wait_for(self, expected: int, settle: float) -> float:
        """Until ``expected`` events have arrived, or none for ``settle`` seconds; the
        time of the last progress seen (``time.time()``)."""
        last, progress = -1, time.time()
        while True:
            now = await self.received()
            if now != last:
                last, progress = now, time.time()
            if now >= expected or time.time() - progress > settle:
                return progress
            await asyncio.sleep(0.2)

    async def dump(self) -> tuple[list[list[Any]], list[Any]]:
        records: list[list[Any]] = []
        problems: list[Any] = []
        with tempfile.TemporaryDirectory() as folder:
            paths = [Path(folder) / f"{n}.json" for n in range(len(self.processes))]
            for p, path in zip(self.processes, paths, strict=True):
                assert p.stdin is not None
                p.stdin.write(f"dump {path}\n".encode())
                await p.stdin.drain()
                await answer_of(p)
                dumped = orjson.loads(path.read_bytes())
                records += dumped["records"]
                problems += dumped["problems"]
        return records, problems


async def answer_of(process: asyncio.subprocess.Process, timeout: float = 120) -> str:
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), timeout)
    if not line:
        raise RuntimeError(f"subscriber process {process.pid} exited")
    return line.decode().strip()


@contextlib.asynccontextmanager
async def subscriber_processes(
    subscribers: int, clients: int, deflate: bool, fair_id: int, urls: list[str]
) -> AsyncIterator[SubscriberProcesses]:
    """``clients`` processes holding ``subscribers`` subscriptions to the fair between them,
    split evenly over the servers at ``urls``."""
    ws = ",".join(url.replace("http://", "ws://") + "/graphql" for url in urls)
    share = -(-subscribers // clients)
    processes = []
    try:
        for first in range(0, subscribers, share):
            command = [
                str(REPO / "bench" / "subscribers.py"), "--fair", to_global_id("Fair", fair_id),
                "--urls", ws, "--count", str(min(share, subscribers - first)),
                "--first", str(first), *([] if deflate else ["--no-deflate"]),
            ]  # fmt: skip
            processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    *command,
                    cwd=REPO,
                    start_new_session=True,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                )
            )
        ready = [await answer_of(p) for p in processes]
        assert sum(int(r.split()[1]) for r in ready) == subscribers, ready
        yield SubscriberProcesses(processes)
    finally:
        for p in processes:
            if p.returncode is None and p.stdin is not None:
                with contextlib.suppress(OSError):
                    p.stdin.write(b"quit\n")
        for p in processes:
            try:
                await asyncio.wait_for(p.wait(), 30)
            except TimeoutError:
                p.kill()
                await p.wait()


# --- counting what arrived -------------------------------------------------------------


def count_deliveries(
    subscribers: int,
    winners: Mapping[int, int],
    warm_up: list[Claim],
    records: list[list[Any]],
    problems: list[Any],
    cpu: dict[str, float],
    wall: float,
) -> Delivery:
    expected = {to_global_id("Project", p) for p in winners}
    ignored = {to_global_id("Project", c.project_id) for c in warm_up}
    seen: defaultdict[int, set[str]] = defaultdict(set)
    copies: Counter[tuple[int, str]] = Counter()
    latencies: list[float] = []
    unexpected = 0
    moments: dict[str, float] = {}
    for subscriber, event_id, _kind, project, at, arrival in records:
        if project in ignored:
            continue
        if project not in expected:
            unexpected += 1
            continue
        copies[subscriber, event_id] += 1
        seen[subscriber].add(project)
        moment = moments.setdefault(event_id, datetime.fromisoformat(at).timestamp())
        latencies.append(arrival - moment)
    lost = sum(len(expected - seen[s]) for s in range(subscribers))
    return Delivery(
        subscribers=subscribers,
        expected=len(expected) * subscribers,
        received=len(latencies),
        lost=lost,
        duplicated=sum(n - 1 for n in copies.values()),
        unexpected=unexpected,
        latencies=latencies,
        problems=problems,
        cpu=cpu,
        wall=wall,
        peak=peak_rate(sorted(moments.values())),
    )


def peak_rate(moments: list[float]) -> float:
    """The most events in any ``PEAK_WINDOW`` seconds, per second: the storm's wins come
    early (the first claim on each project wins), so its average rate understates them."""
    most, start = 0, 0
    for end, moment in enumerate(moments):
        while moment - moments[start] > PEAK_WINDOW:
            start += 1
        most = max(most, end - start + 1)
    return most / PEAK_WINDOW
