"""Benchmark: the fair hall against PostGraphile 4 serving the same PostgreSQL tables.

Both servers read the bench database (the ``city`` data set). sheqia runs as deployed
(uvicorn, 2 workers) twice: with its response cache (the default) and without it
(``SHEQIA_RESPONSE_CACHE=off``); PostGraphile 4 runs with the connection-filter and
aggregates plugins (``bench/peer/postgraphile_server.js``). Rounds are interleaved, the
order rotating, so that the machine's noise falls on every server alike. Each round and
server: requests one at a time (p50/p95), then a burst at ``--concurrency`` in flight
(requests/s, and CPU per request of the server's processes and of the PostgreSQL
backends serving the bench database). Statements per request are counted once per
server: sheqia's through the ORM's log in-process, PostGraphile's through its
``postgraphile:postgres`` debug log.

Documents: sheqia's full hall (``bench/fair_hall.py``: fair totals by class, 50 projects
with publisher, district, bid count and 3 recommended organizations each, 20
organizations of a class with districts, 20 available supervisors with expertise), the
same without recommendations, and PostGraphile's nearest equivalent (no
recommendations: it has no such thing).

The peer is installed with npm into a scratch folder (see docs/benchmarks.md):

    mkdir -p ~/peer && cd ~/peer && npm install postgraphile@4 \\
        @graphile/pg-aggregates@0.1 postgraphile-plugin-connection-filter@2
    python bench/peer_postgraphile.py --peer ~/peer [--database sheqia_bench] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvloop
from fair_hall import FAIR_HALL
from storm import (
    bench_database,
    bench_url,
    clocks,
    free_port,
    http_clients,
    quantile,
    server,
    use_database,
)

from api.fairs.models import Fair
from api.projects.models import Project
from schema.relay import to_global_id

HERE = Path(__file__).resolve().parent
RESULTS_DIR = HERE / "results"
PEER_SERVER = HERE / "peer" / "postgraphile_server.js"
STATUSES = '["PUBLISHED","CLAIMED","BIDDING","AWARDED","IN_DELIVERY","CLOSED","TERMINATED","WITHDRAWN"]'
HALL_WITHOUT_RECOMMENDATIONS = re.sub(
    r"\s*matchingOrganizations\(first: 3\) \{[^}]*\{[^}]*\} \}", "", FAIR_HALL
)
PEER_HALL = f"""
query Hall($fair: Int!) {{
  fair: fairById(id: $fair) {{ edition name opensAt closesAt }}
  stats: allProjects(condition: {{fairId: $fair}}, filter: {{status: {{in: {STATUSES}}}}}) {{
    totalCount aggregates {{ sum {{ budget }} }}
    groupedAggregates(groupBy: SERVICE_CLASS) {{ keys distinctCount {{ id }} sum {{ budget }} }}
  }}
  projects: allProjects(first: 50, orderBy: PRIMARY_KEY_ASC, condition: {{fairId: $fair}},
                        filter: {{status: {{in: {STATUSES}}}}}) {{
    totalCount pageInfo {{ hasNextPage endCursor }}
    nodes {{ id code title serviceClass procurement status budget
      publisherByPublisherId {{ name districtByDistrictId {{ name }} }}
      districtByDistrictId {{ name }}
      bidsByProjectId(filter: {{status: {{notEqualTo: "WITHDRAWN"}}}}) {{ totalCount }} }}
  }}
  organizations: allOrganizations(first: 20, orderBy: PRIMARY_KEY_ASC, filter: {{
      organizationServiceClassesByOrganizationId: {{some: {{serviceClass: {{equalTo: "ELDERLY"}}}}}}}}) {{
    totalCount
    nodes {{ id name socialWorkers
      organizationDistrictsByOrganizationId {{ nodes {{ districtByDistrictId {{ name }} }} }} }}
  }}
  supervisors: allSupervisors(first: 20, orderBy: PRIMARY_KEY_ASC) {{
    totalCount nodes {{ id name load maxLoad supervisorExpertisesBySupervisorId {{ nodes {{ serviceClass }} }} }}
  }}
}}
"""
SQL_LINE = re.compile(r"postgraphile:postgres\s+(select|with|insert|update|delete|begin|commit|set)\b", re.I)


class Target:
    """One server and the document it is asked."""

    def __init__(self, name: str, url: str, group: int, body: dict[str, Any]) -> None:
        self.name, self.url, self.group, self.body = name, url, group, body
        self.sequential: list[float] = []  # seconds, every round
        self.per_second: list[float] = []
        self.cpu: dict[str, list[float]] = {"server": [], "postgres": []}
        self.statements: int | None = None
        self.bytes = 0


# --- servers ---------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def peer_server(peer: Path, debug: bool = False) -> AsyncIterator[tuple[str, int, Path]]:
    """PostGraphile on a free port; yields its URL, process group and log file."""
    port = free_port()
    log = RESULTS_DIR / f"postgraphile-{port}.log"
    env = {**os.environ, "NODE_PATH": str(peer / "node_modules"), "NODE_ENV": "production"}
    if debug:
        env["DEBUG"] = "postgraphile:postgres"
    with log.open("w") as out:
        command = ["node", str(PEER_SERVER), bench_url(), str(port)]
        process = subprocess.Popen(command, env=env, stdout=out, stderr=out, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_for(url, process)
        yield url, process.pid, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


async def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=url) as client:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError("PostGraphile exited during start-up (see its log)")
            with contextlib.suppress(httpx.TransportError):
                await client.post("/graphql", json={"query": "{ __typename }"})
                return
            await asyncio.sleep(0.1)
    raise RuntimeError("PostGraphile did not start")


# --- measuring -------------------------------------------------------------------------


async def ask(client: httpx.AsyncClient, body: dict[str, Any]) -> bytes:
    response = await client.post("/graphql", json=body)
    response.raise_for_status()
    payload = response.json()
    assert "errors" not in payload, payload["errors"]
    return response.content


async def one_at_a_time(target: Target, count: int) -> None:
    async with httpx.AsyncClient(base_url=target.url, timeout=60) as client:
        for _ in range(count):
            started = time.perf_counter()
            target.bytes = len(await ask(client, target.body))
            target.sequential.append(time.perf_counter() - started)


async def in_flight(target: Target, count: int, concurrency: int) -> None:
    async with http_clients([target.url], concurrency) as clients:
        await asyncio.gather(*(ask(c, target.body) for c in clients))  # connections open
        pending = iter(range(count))

        async def sender(client: httpx.AsyncClient) -> None:
            for _ in pending:
                await ask(client, target.body)

        before = clocks({"server": [target.group]})
        started = time.perf_counter()
        await asyncio.gather(*(sender(clients[i % len(clients)]) for i in range(concurrency)))
        wall = time.perf_counter() - started
        after = clocks({"server": [target.group]})
    target.per_second.append(count / wall)
    for name in ("server", "postgres"):
        target.cpu[name].append((after[name] - before[name]) * 1000 / count)


async def peer_statements(peer: Path, body: dict[str, Any]) -> int:
    """Statements PostGraphile sends for one request, read off its debug log."""
    async with peer_server(peer, debug=True) as (url, _, log):
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            await ask(client, body)
            await asyncio.sleep(0.5)
            start = log.stat().st_size
            await ask(client, body)
            await asyncio.sleep(0.5)
        with log.open(errors="replace") as f:
            f.seek(start)
            return len(SQL_LINE.findall(f.read()))


async def sheqia_statements(body: dict[str, Any]) -> int:
    """Statements one uncached request sends, counted in-process through the ORM's log."""
    import dataclasses

    from asgi_lifespan import LifespanManager

    from api.app import create_app
    from api.settings import Settings
    from api.sqlcount import count_statements

    settings = Settings(database_url=bench_url(), env="production", response_cache=False)
    app = create_app(dataclasses.replace(settings))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            await ask(client, body)
            with count_statements() as statements:
                await ask(client, body)
    return len(statements)


# --- the run ---------------------------------------------------------------------------


async def city_fair() -> int:
    counts = {f.id: await Project.filter(fair_id=f.id).count() for f in await Fair.all()}
    return max(counts, key=lambda k: counts[k])


async def run(args: argparse.Namespace) -> list[Target]:
    async with bench_database():
        fair_id = await city_fair()
    ours_vars = {"first": 50, "filter": {"fair": to_global_id("Fair", fair_id)}}
    hall = {"query": FAIR_HALL, "variables": ours_vars}
    lean = {"query": HALL_WITHOUT_RECOMMENDATIONS, "variables": ours_vars}
    peer_body = {"query": PEER_HALL, "variables": {"fair": fair_id}}
    cached, uncached = {"SHEQIA_RESPONSE_CACHE": "on"}, {"SHEQIA_RESPONSE_CACHE": "off"}
    async with contextlib.AsyncExitStack() as stack:
        peer_url, peer_group, _ = await stack.enter_async_context(peer_server(args.peer))
        on_url, on_group = await stack.enter_async_context(server(2, 10, cached))
        off_url, off_group = await stack.enter_async_context(server(2, 10, uncached))
        targets = [
            Target("PostGraphile 4", peer_url, peer_group, peer_body),
            Target("sheqia full hall, cached", on_url, on_group, hall),
            Target("sheqia full hall, uncached", off_url, off_group, hall),
            Target("sheqia hall without recommendations, uncached", off_url, off_group, lean),
        ]
        for number in range(args.rounds):
            order = targets[number % len(targets) :] + targets[: number % len(targets)]
            print(f"round {number + 1} (load average {os.getloadavg()[0]:.1f})", flush=True)
            for target in order:
                await one_at_a_time(target, args.sequential)
                await in_flight(target, args.burst, args.concurrency)
    targets[0].statements = await peer_statements(args.peer, peer_body)
    for target in targets[1:]:
        target.statements = await sheqia_statements(target.body)
    return targets


def report(targets: list[Target]) -> list[dict[str, Any]]:
    rows = []
    peer = targets[0]
    peer_p50 = statistics.median(peer.sequential)
    peer_rate = statistics.median(peer.per_second)
    print(f"\n{'':48} {'p50':>8} {'p95':>8} {'req/s':>7} {'CPU server':>11} {'CPU PG':>8} {'stmts':>6}")
    for t in targets:
        row = {
            "target": t.name,
            "p50_ms": round(statistics.median(t.sequential) * 1000, 1),
            "p95_ms": round(quantile(t.sequential, 0.95) * 1000, 1),
            "per_second": round(statistics.median(t.per_second), 1),
            "cpu_server_ms": round(statistics.median(t.cpu["server"]), 2),
            "cpu_postgres_ms": round(statistics.median(t.cpu["postgres"]), 2),
            "statements": t.statements,
            "response_bytes": t.bytes,
            "p50_vs_peer": round(statistics.median(t.sequential) / peer_p50, 2),
            "rate_vs_peer": round(statistics.median(t.per_second) / peer_rate, 2),
        }
        rows.append(row)
        print(
            f"{t.name:48} {row['p50_ms']:6.1f}ms {row['p95_ms']:6.1f}ms {row['per_second']:7.1f}"
            f" {row['cpu_server_ms']:9.2f}ms {row['cpu_postgres_ms']:6.2f}ms {t.statements!s:>6}"
        )
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", type=Path, default=os.environ.get("SHEQIA_PEER_DIR"),
                        help="folder where PostGraphile 4 is installed with npm")
    parser.add_argument("--database", default="sheqia_bench", help="PostgreSQL bench database")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sequential", type=int, default=40, help="requests one at a time")
    parser.add_argument("--burst", type=int, default=320, help="requests of each burst")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    if args.peer is None or not (args.peer / "node_modules" / "postgraphile").is_dir():
        raise SystemExit("--peer: a folder with PostGraphile 4 installed by npm (see --help)")
    use_database(args.database)
    RESULTS_DIR.mkdir(exist_ok=True)
    print(
        f"fair hall vs PostGraphile — {args.rounds} rounds × ({args.sequential} one at a time,"
        f" {args.burst} at {args.concurrency} in flight) — {os.cpu_count()} cores,"
        f" {platform.machine()}, Python {platform.python_version()},"
        f" {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}"
        f" — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    rows = report(await run(args))
    (RESULTS_DIR / "peer_postgraphile.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    uvloop.run(main())
