"""Benchmark: the live fair board (1,000 fairActivity subscribers) during the claim storm.

The claim storm of ``claim_storm.py`` (city scale on PostgreSQL, database
``sheqia_bench``; set-up, server and checks shared through ``storm.py``), run against
``--servers`` uvicorn processes of one worker each, on a port each, joined by a real
broker (``--broker redis``: Redis on 127.0.0.1:6379, database 15; ``postgres``:
LISTEN/NOTIFY on the bench database; ``memory`` only makes sense with one server). Two
processes on two ports rather than ``--workers 2`` on one: the subscribers and the claims
are then split evenly between the workers, where the kernel's choice would not be.

Each run plays two storms, each on fresh data and in the same shuffled order:

1. without subscribers — the baseline for the claim throughput;
2. with ``--subscribers`` graphql-transport-ws subscriptions to the storm fair's
   ``fairActivity`` (public board: signed in as nobody), opened by ``--clients``
   processes of their own (``subscribers.py``, driven and counted by ``watching.py``)
   so the client does not share the harness's loop, split evenly over the servers.

Before each storm, three claims on projects of their own warm the path; with subscribers
the storm starts only once every subscriber has received those three events, so every
subscription is known to be live. After the storm the subscribers are given until every
expected event has arrived, or ``--settle`` seconds without a new one.

Every winning claim announces one CLAIMED event, so every subscriber expects one event per
project won. Reported: events expected (wins × subscribers), received, lost, duplicated;
the delivery latency — arrival at the subscriber minus the event's ``at`` (stamped after
the claim's commit; one machine, one clock) — at p50/p95/p99/max; the claim throughput
(claims answered/s) and latency with and without the subscribers; and the CPU time of the
servers, PostgreSQL, the subscriber processes and the harness over the storm and its
delivery, because the machine is shared, with the servers' CPU per delivery (beyond what
the storm alone took). ``--rate`` paces the storm (claims/s) instead of releasing every
claim at once; the first claim on a project wins, so wins come early either way and the
report gives the most events in any 5 seconds. ``--profile DIR`` samples the servers with
py-spy while they deliver; ``--save FILE`` keeps every delivery for a closer look.

    python bench/live.py [--runs 3] [--broker redis|postgres] [--rate 0] [--subscribers 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import shutil
import signal
import statistics
import sys
import time
from collections.abc import AsyncIterator, Collection, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import uvloop
from storm import (
    BASELINE,
    Claim,
    Run,
    bench_database,
    bench_fair,
    bench_url,
    burst,
    claims,
    clean_up,
    clocks,
    http_clients,
    outcome,
    server,
    spread,
    use_database,
    verify,
)
from watching import Delivery, SubscriberProcesses, count_deliveries, subscriber_processes

BROKERS = {
    "redis": "redis://127.0.0.1:6379/15",
    "postgres": "",  # the bench database itself (storm.bench_url)
    "memory": "memory://",
}
WARM_UP = 3  # claims before each storm, on projects of their own
TARGET_P95_MS = 200
# Installed beside this Python (``pip install py-spy``), or anywhere on the PATH.
PY_SPY = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))


# --- one storm -------------------------------------------------------------------------


async def one_storm(
    args: argparse.Namespace,
    number: int,
    urls: list[str],
    groups: Mapping[str, Collection[int]],
    subscribers: int,
) -> dict[str, Any]:
    """A storm on fresh data, with ``subscribers`` watching (or none); cleaned up after."""
    await clean_up()
    try:
        projects = await bench_fair(args.projects + WARM_UP)
        targets = spread(projects[: args.projects], args.claims)
        every = await claims(targets + projects[args.projects :])
        sent, warm_up = every[: args.claims], every[args.claims :]
        random.Random(number).shuffle(sent)
        async with http_clients(urls, args.concurrency) as clients:
            await warm_up_connections(clients, sent, args.concurrency, groups)
            if not subscribers:
                run, delivery = await storm(args, clients, groups, sent, warm_up, None), None
            else:
                async with (
                    subscriber_processes(
                        subscribers, args.clients, not args.no_deflate, projects[0].fair_id, urls
                    ) as watching,
                    profiled(args.profile, groups),
                ):
                    run = await storm(args, clients, groups, sent, warm_up, watching)
                    delivery = await delivered(args, run, sent, warm_up, watching, groups)
        return {"run": run, "verified": await verify(sent, run), "delivery": delivery}
    finally:
        await clean_up()


async def warm_up_connections(
    clients: list[httpx.AsyncClient],
    sent: list[Claim],
    concurrency: int,
    groups: Mapping[str, Collection[int]],
) -> None:
    """Open every connection and fill the servers' pools and caches; the claim document
    is parsed by claims on a project that does not exist."""
    await burst(clients, [(c.token, {"query": BASELINE}) for c in sent[:1000]], concurrency, groups)
    await burst(clients, [c.request(project_id=10**9) for c in sent[:200]], concurrency, groups)


async def storm(
    args: argparse.Namespace,
    clients: list[httpx.AsyncClient],
    groups: Mapping[str, Collection[int]],
    sent: list[Claim],
    warm_up: list[Claim],
    watching: SubscriberProcesses | None,
) -> Run:
    """The warm-up claims (all of them delivered before going on), then the storm."""
    for claim in warm_up:
        await burst(clients, [claim.request()], 1, groups)
    if watching is not None:
        expected = WARM_UP * args.subscribers
        await watching.wait_for(expected, settle=60)
        if (got := await watching.received()) != expected:
            raise RuntimeError(f"warm-up: {got} of {expected} events arrived")
        groups = {**groups, "subscribers": watching.groups}
    return await burst(clients, [c.request() for c in sent], args.concurrency, groups, args.rate)


@contextlib.asynccontextmanager
async def profiled(
    folder: str | None, groups: Mapping[str, Collection[int]]
) -> AsyncIterator[None]:
    """With ``--profile``, py-spy samples every server process meanwhile (collapsed stacks,
    one file per server, for flame graphs or ``sort | uniq``)."""
    if folder is None:
        yield
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    spies = []
    for pid in groups["server"]:
        output = Path(folder) / f"server-{pid}.txt"
        command = ["record", "--pid", str(pid), "--rate", "250", "--format", "raw"]
        command += ["--nonblocking", "--output", str(output)]
        spies.append(await asyncio.create_subprocess_exec(PY_SPY, *command))
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)
        await asyncio.gather(*(spy.wait() for spy in spies))


async def delivered(
    args: argparse.Namespace,
    run: Run,
    sent: list[Claim],
    warm_up: list[Claim],
    watching: SubscriberProcesses,
    groups: Mapping[str, Collection[int]],
) -> Delivery:
    """Wait for the storm's events to arrive, then count and time them."""
    groups = {**groups, "subscribers": watching.groups}
    finished = time.time()
    before = clocks(groups)
    _, winners, _ = outcome(sent, run)
    expected = (WARM_UP + len(winners)) * args.subscribers
    last = await watching.wait_for(expected, args.settle)
    after = clocks(groups)
    records, problems = await watching.dump()
    if args.save:  # every delivery: subscriber, event id, kind, project, at, arrival
        Path(args.save).write_bytes(orjson.dumps(records))
    # The CPU over the storm and its delivery: the burst's own figures plus the drain.
    total = len(run.latencies) / 1000
    cpu = {k: run.cpu.get(k, 0) * total + after[k] - before[k] for k in after}
    wall = run.wall + last - finished
    return count_deliveries(args.subscribers, winners, warm_up, records, problems, cpu, wall)


# --- the invocation --------------------------------------------------------------------


async def main() -> None:
    args = arguments()
    print(
        f"live board: {args.subscribers} subscribers, storm of {args.claims} claims over "
        f"{args.projects} DIRECT projects ({f'{args.rate:g}/s' if args.rate else 'all at once'}, "
        f"{args.concurrency} in flight); {args.servers} servers × 1 worker × {args.pool} "
        f"connections, broker {args.broker}; {args.clients} subscriber processes — "
        f"{os.cpu_count()} cores, Python {platform.python_version()} — "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    reports = []
    env = {"SHEQIA_BROKER_URL": BROKERS[args.broker] or bench_url()}
    async with bench_database(), contextlib.AsyncExitStack() as stack:
        started = [
            await stack.enter_async_context(server(1, args.pool, env, args.ws))
            for _ in range(args.servers)
        ]
        urls = [url for url, _ in started]
        groups = {"server": [group for _, group in started]}
        for number in range(1, args.runs + 1):
            print(f"run {number} (load average {os.getloadavg()[0]:.1f}):")
            alone = await one_storm(args, number, urls, groups, 0)
            watched = await one_storm(args, number, urls, groups, args.subscribers)
            reports.append({"alone": alone, "watched": watched})
            print_run(reports[-1])
    print_summary(reports)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=2, help="subscriber processes")
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--rate", type=float, default=0, help="claims/s; 0: all at once")
    parser.add_argument("--concurrency", type=int, default=200, help="claims in flight")
    parser.add_argument("--servers", type=int, default=2, help="uvicorn processes, a port each")
    parser.add_argument("--pool", type=int, default=10, help="database connections per server")
    parser.add_argument("--broker", choices=sorted(BROKERS), default="redis")
    parser.add_argument("--settle", type=float, default=10, help="s to wait for stragglers")
    parser.add_argument("--no-deflate", action="store_true", help="subscribers offer no compression")
    parser.add_argument("--ws", default="auto", help="uvicorn's WebSocket implementation")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", metavar="DIR", help="py-spy the servers while watched")
    parser.add_argument("--save", metavar="FILE", help="write the deliveries (JSON) here")
    parser.add_argument("--database", default="sheqia_bench", help="PostgreSQL bench database")
    args = parser.parse_args()
    use_database(args.database)
    return args


def print_run(report: dict[str, Any]) -> None:
    for name in ("alone", "watched"):
        r, verified = report[name]["run"], report[name]["verified"]
        checks = all(verified["checks"].values())
        print(
            f"  {'without' if name == 'alone' else 'with'} subscribers: {r.per_second:.0f} claims "
            f"answered/s, p50 {r.ms(0.5):.0f} ms, p95 {r.ms(0.95):.0f} ms; "
            f"{verified['outcome']}; checks {'ok' if checks else 'FAILED'}"
        )
    d: Delivery = report["watched"]["delivery"]
    print(
        f"  delivery: {d.expected:,} expected, {d.received:,} received, {d.lost:,} lost, "
        f"{d.duplicated:,} duplicated, {d.unexpected:,} unexpected; latency p50 "
        f"{d.ms(0.5):.0f} ms, p95 {d.ms(0.95):.0f} ms, p99 {d.ms(0.99):.0f} ms, max "
        f"{d.ms(1):.0f} ms; storm and delivery {d.wall:.1f} s, events at most {d.peak:.1f}/s"
    )
    capacity = (os.cpu_count() or 1) * d.wall
    ours = sum(v for k, v in d.cpu.items() if k != "machine")
    print(
        f"  CPU over storm and delivery: servers {d.cpu['server']:.1f} s, PostgreSQL "
        f"{d.cpu['postgres']:.1f} s, subscriber processes {d.cpu['subscribers']:.1f} s, "
        f"harness {d.cpu['client']:.1f} s; machine busy {d.cpu['machine'] / capacity:.0%}, "
        f"other processes {(d.cpu['machine'] - ours) / capacity:.0%}; server CPU per delivery "
        f"{d.server_cpu_per_delivery(report['alone']['run']):.0f} µs, subscriber processes "
        f"{d.cpu['subscribers'] / max(1, d.received) * 1e6:.0f} µs"
    )
    for problem in d.problems[:5]:
        print(f"  subscriber problem: {problem}")


def print_summary(reports: list[dict[str, Any]]) -> None:
    def median(figure: Any) -> float:
        return statistics.median(figure(r) for r in reports)

    alone = median(lambda r: r["alone"]["run"].per_second)
    watched = median(lambda r: r["watched"]["run"].per_second)
    p95 = median(lambda r: r["watched"]["delivery"].ms(0.95))
    lost = sum(r["watched"]["delivery"].lost for r in reports)
    print(
        f"median of {len(reports)} runs: delivery p50 "
        f"{median(lambda r: r['watched']['delivery'].ms(0.5)):.0f} ms, p95 {p95:.0f} ms, "
        f"p99 {median(lambda r: r['watched']['delivery'].ms(0.99)):.0f} ms; "
        f"claims answered {alone:.0f}/s without subscribers, {watched:.0f}/s with "
        f"(claim p95 {median(lambda r: r['alone']['run'].ms(0.95)):.0f} → "
        f"{median(lambda r: r['watched']['run'].ms(0.95)):.0f} ms); {lost} events lost in all; "
        f"server CPU per delivery "
        f"{median(lambda r: r['watched']['delivery'].server_cpu_per_delivery(r['alone']['run'])):.0f} µs"
    )
    met = lost == 0 and p95 < TARGET_P95_MS
    print(f"target 0 lost, p95 < {TARGET_P95_MS} ms: {'reached' if met else 'NOT reached'}")
    if not all(all(r[k]["verified"]["checks"].values()) for r in reports for k in r):
        raise SystemExit("a check failed: claims were lost or doubled")


if __name__ == "__main__":
    # The event loop uvicorn serves with (uvicorn[standard] installs uvloop).
    uvloop.run(main())
