"""Benchmark: 2,000 organizations claiming DIRECT projects at the same moment.

City scale on PostgreSQL (the ``city`` data set in database ``sheqia_bench``, created and
loaded when missing, reused when present), against a real server: uvicorn with two
workers on a free local port, driven over HTTP by httpx, ``--concurrency`` in flight.

Each run sets up, and removes again afterwards (the city data is left as found): a fair
of its own (edition 9106, open now) holding copies of 500 of the city fair's DIRECT
projects, and 2,000 ORGANIZATION accounts (one shared Argon2 hash) with sessions for
2,000 eligible organizations. After a warm-up it sends the baseline, then the storm:
every organization claims one project (4 claims per project), all released at once in
a shuffled order. The baseline is as many ``{ districts { id } }`` queries with the same
tokens, client, server and concurrency: it pays for everything a claim pays for but the
claim's own work (HTTP, GraphQL, the session look-up, one small query), so the ratio
shows what the checks and the transaction cost; a raw-SQL baseline would time
PostgreSQL alone, which is not where a request's time goes. The machine is shared, so
the CPU time per request of the server, its database backends and the client is
reported as well: a figure other people's load does not move.

Afterwards the database is checked: every claimed project has exactly one bid and is
CLAIMED, the bid rows are exactly the successful answers, no organization has two bids
on one project, and every refusal is ALREADY_CLAIMED. The set-up, the server, the
bursts and the checks are in ``storm.py``, shared with ``live.py``.

    python bench/claim_storm.py [--runs 3] [--claims 2000] [--projects 500] [--concurrency 200]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import statistics
from datetime import UTC, datetime
from typing import Any

import uvloop
from storm import (
    BASELINE,
    Claim,
    bench_database,
    bench_fair,
    burst,
    busy,
    claims,
    clean_up,
    http_clients,
    ours,
    server,
    spread,
    use_database,
    verify,
)

TARGET = 300  # claims per second


async def storm(args: argparse.Namespace, sent: list[Claim]) -> dict[str, Any]:
    async with contextlib.AsyncExitStack() as stack:
        url, group = await stack.enter_async_context(server(args.workers, args.pool))
        clients = await stack.enter_async_context(http_clients([url], args.concurrency))
        groups = {"server": [group]}
        baseline = [(c.token, {"query": BASELINE}) for c in sent]
        # Warm-up: open every connection and fill both workers' pools and caches; the claim
        # document is parsed once per worker by claims on a project that does not exist.
        await burst(clients, baseline[:1000], args.concurrency, groups)
        nowhere = [c.request(project_id=10**9) for c in sent[:200]]
        await burst(clients, nowhere, args.concurrency, groups)
        base = await burst(clients, baseline, args.concurrency, groups)
        run = await burst(clients, [c.request() for c in sent], args.concurrency, groups)
    return {"baseline": base, "run": run, "verified": await verify(sent, run)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pool", type=int, default=10, help="database connections per worker")
    parser.add_argument("--runs", type=int, default=3, help="storms, each on fresh data")
    parser.add_argument("--database", default="sheqia_bench", help="PostgreSQL bench database")
    args = parser.parse_args()
    use_database(args.database)
    print(
        f"claim storm: {args.claims} claims over {args.projects} DIRECT projects, "
        f"{args.concurrency} in flight, {args.workers} workers × {args.pool} connections — "
        f"{os.cpu_count()} cores, Python {platform.python_version()} — "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    reports = []
    async with bench_database():
        for number in range(1, args.runs + 1):
            await clean_up()
            try:
                projects = await bench_fair(args.projects)
                sent = await claims(spread(projects, args.claims))
                random.Random(number).shuffle(sent)
                print(f"run {number} (load average {os.getloadavg()[0]:.1f}):")
                reports.append(await storm(args, sent))
            finally:
                await clean_up()
            print_report(reports[-1])
    print_summary(reports)


def print_report(report: dict[str, Any]) -> None:
    verified = report["verified"]
    print(f"  outcome: {verified['outcome']} on {verified['projects']} projects")
    for name, r in (("claims", report["run"]), ("baseline", report["baseline"])):
        machine, others = busy(r)
        print(
            f"  {name}: {r.per_second:.0f}/s, p50 {r.ms(0.5):.0f} ms, p95 {r.ms(0.95):.0f} ms, "
            f"p99 {r.ms(0.99):.0f} ms; CPU ms per request: server {r.cpu['server']:.2f}, "
            f"PostgreSQL {r.cpu['postgres']:.2f}, client {r.cpu['client']:.2f}; machine busy "
            f"{machine:.0%}, other processes {others:.0%}"
        )
    for check, passed in verified["checks"].items():
        print(f"  {'ok  ' if passed else 'FAIL'} {check}")


def print_summary(reports: list[dict[str, Any]]) -> None:
    def median(figure: Any) -> float:
        return statistics.median(figure(r["run"], r) for r in reports)

    rate = median(lambda run, _: run.per_second)
    cpu = median(lambda run, _: ours(run))
    print(
        f"median of {len(reports)} runs: {rate:.0f} claims answered/s, "
        f"{median(lambda run, r: r['verified']['outcome'].get('OK', 0) / run.wall):.0f} "
        f"successful claims/s, p50 {median(lambda run, _: run.ms(0.5)):.0f} ms, "
        f"p95 {median(lambda run, _: run.ms(0.95)):.0f} ms; baseline "
        f"{median(lambda _, r: r['baseline'].per_second):.0f}/s; {cpu:.2f} ms CPU per claim "
        f"in all: at most {(os.cpu_count() or 1) * 1000 / cpu:.0f} claims/s on an idle machine"
    )
    print(f"target >= {TARGET} claims/s (median): {'reached' if rate >= TARGET else 'NOT reached'}")
    if not all(all(r["verified"]["checks"].values()) for r in reports):
        raise SystemExit("a check failed: claims were lost or doubled")


if __name__ == "__main__":
    # The event loop uvicorn serves with (uvicorn[standard] installs uvloop).
    uvloop.run(main())
