"""Benchmark: 2,000 organizations claiming DIRECT projects at the same moment.

At city scale on PostgreSQL (the ``city`` data set in database ``sheqia_bench``, created
and loaded when missing, reused when present), against a real server: uvicorn with two
workers on a free local port, driven over HTTP by httpx with bounded concurrency.

Set-up, all removed again at the end, so the bench can run any number of times and
leaves the city data as it found it:

- a fair of its own (edition 9106), open now, holding copies of 500 of the city fair's
  DIRECT projects (those needing at most 2 social workers): the city fair's projects stay
  untouched for whoever else measures on this database;
- 2,000 ORGANIZATION accounts (one shared Argon2 hash) for 2,000 eligible organizations
  (no credit restriction, at least 2 full-time social workers), each with a session.

Then, in one run: a warm-up, the baseline, and the storm — every organization claims one
project (4 claims per project), all released at once in a shuffled order, at most
``--concurrency`` in flight. The baseline is the same number of ``{ districts { id } }``
queries with the same tokens, client, server and concurrency: it pays for everything a
claim pays for except the claim's own work (HTTP, GraphQL, the session look-up, one
small query), so the ratio shows what the claim's checks and its transaction cost. A
raw-SQL baseline would time PostgreSQL alone, which is not where a request's time goes.

The machine is shared, so the CPU time of the server's workers and of PostgreSQL's
backends is reported per request too: a figure other people's load does not move.

Afterwards the database is checked: every project that was claimed has exactly one bid
and is CLAIMED, the bid rows are exactly the successful answers, no organization has two
bids on one project, and every refusal is ALREADY_CLAIMED.

    python bench/claim_storm.py [--claims 2000] [--projects 500] [--concurrency 200]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import uvloop
from tortoise.transactions import in_transaction

from api import db
from api.audit.models import AuditEntry
from api.auth.models import Account, Role, Session
from api.auth.passwords import hash_password
from api.auth.sessions import open_session
from api.bidding.models import Bid
from api.fairs.models import DEFAULT_CRITERIA, DEFAULT_EVALUATION_COMPONENTS, Fair
from api.money import CENT
from api.organizations.models import Organization
from api.projects.models import Procurement, Project, ProjectStatus
from api.settings import Settings
from schema.relay import to_global_id
from seeds.loader import load

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/sheqia_bench"
BENCH_EDITION = 9106
USERNAME_PREFIX = "claim-storm-"
MAX_NEED = 2  # social workers: projects needing at most this, organizations having at least
TARGET = 300  # claims per second
CONNECTIONS_PER_CLIENT = 10  # httpx's pool slows down with many connections: shard it

CLAIM = "mutation Claim($project: ID!, $bid: BidInput!) { claimProject(project: $project, bid: $bid) { bid { id } project { status } errors { code } } }"
BASELINE = "{ districts { id } }"

Request = tuple[str, dict[str, Any]]  # (bearer token, GraphQL body)


@dataclass
class Claim:
    """One organization's claim: who, on what, with which token and offer."""

    organization_id: int
    project_id: int
    token: str
    offer: dict[str, Any]

    def request(self, project_id: int | None = None) -> Request:
        project = to_global_id("Project", project_id or self.project_id)
        return self.token, {"query": CLAIM, "variables": {"project": project, "bid": self.offer}}


@dataclass
class Run:
    """One burst of requests: wall time, each latency and answer, CPU used per request."""

    wall: float
    latencies: list[float]
    answers: list[dict[str, Any]]
    cpu: dict[str, float]

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.wall

    def ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


# --- preparing the database ------------------------------------------------------------


async def ensure_database() -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = 'sheqia_bench'"):
            await conn.execute("CREATE DATABASE sheqia_bench")
    finally:
        await conn.close()


async def clean_up() -> None:
    """Remove everything this bench adds (also what an interrupted run left behind)."""
    accounts = list(
        await Account.filter(username__startswith=USERNAME_PREFIX).values_list("id", flat=True)
    )
    fair = await Fair.get_or_none(edition=BENCH_EDITION)
    async with in_transaction():
        await AuditEntry.filter(account_id__in=accounts).delete()
        if fair is not None:
            await Bid.filter(project__fair_id=fair.id).delete()
            await Project.filter(fair_id=fair.id).delete()
            await fair.delete()
        await Session.filter(account_id__in=accounts).delete()
        await Account.filter(id__in=accounts).delete()


async def bench_fair(projects: int) -> list[Project]:
    """A fair open now, with copies of the city fair's first ``projects`` DIRECT projects."""
    city = await Fair.filter(edition__not=BENCH_EDITION).order_by("-opens_at").first()
    assert city is not None, "the city data set has no fair"
    now = datetime.now(UTC)
    fair = await Fair.create(
        edition=BENCH_EDITION,
        name="认领压力测试（临时）",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=2),
        criteria=[dict(c) for c in DEFAULT_CRITERIA],
        evaluation_components=[dict(c) for c in DEFAULT_EVALUATION_COMPONENTS],
    )
    sources = (
        await Project.filter(
            fair_id=city.id, procurement=Procurement.DIRECT, min_social_workers__lte=MAX_NEED
        )
        .order_by("id")
        .limit(projects)
    )
    assert len(sources) == projects, f"only {len(sources)} DIRECT projects to copy"
    skip = {"id", "fair_id", "code", "status", "created_at", "updated_at"}
    names = [f for f in Project._meta.db_fields if f not in skip]
    await Project.bulk_create(
        [
            Project(
                **{n: getattr(p, n) for n in names},
                fair_id=fair.id,
                code=f"CS-{p.code}"[:32],
                status=ProjectStatus.PUBLISHED,
            )
            for p in sources
        ],
        batch_size=500,
    )
    return await Project.filter(fair_id=fair.id).order_by("id")


async def claims(projects: list[Project], count: int) -> list[Claim]:
    """``count`` organizations with accounts and sessions, spread evenly over ``projects``."""
    organizations = (
        await Organization.filter(restricted_until__isnull=True, social_workers__gte=MAX_NEED)
        .order_by("id")
        .limit(count)
        .values_list("id", flat=True)
    )
    assert len(organizations) == count, f"only {len(organizations)} eligible organizations"
    shared_hash = hash_password("claim-storm-password")
    await Account.bulk_create(
        [
            Account(
                username=f"{USERNAME_PREFIX}{i:05d}",
                password_hash=shared_hash,
                role=Role.ORGANIZATION,
                organization_id=org,
            )
            for i, org in enumerate(organizations)
        ],
        batch_size=1000,
    )
    accounts = await Account.filter(username__startswith=USERNAME_PREFIX).order_by("username")
    gate = asyncio.Semaphore(4)

    async def session(account: Account) -> str:
        async with gate:
            return await open_session(account)

    tokens = await asyncio.gather(*(session(a) for a in accounts))
    result = []
    for i, (account, token) in enumerate(zip(accounts, tokens, strict=True)):
        project = projects[i % len(projects)]
        offer = {
            "amount": str(project.budget),
            "managementFee": str((project.budget / 20).quantize(CENT)),
            "socialWorkers": MAX_NEED,
            "plan": "组建专业社工团队，按月开展入户探访与社区活动，建立服务档案。",
        }
        assert account.organization_id is not None
        result.append(Claim(account.organization_id, project.id, token, offer))
    return result


# --- the server, the client and the CPU clock ------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def server(workers: int, pool: int) -> AsyncIterator[tuple[str, int]]:
    """uvicorn serving the app on a free port; yields its base URL and process group."""
    port = free_port()
    env = {**os.environ, "SHEQIA_DATABASE_URL": f"{PG_BENCH}?maxsize={pool}"}
    env["SHEQIA_ENV"] = "production"
    # Keep-alive as long as a proxy would hold it: uvicorn's 5 s default lets the server
    # close connections the client is about to reuse between bursts.
    command = [
        sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--timeout-keep-alive", "75", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    # A process group of its own, so the workers are stopped with the server.
    process = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_until_healthy(url, process)
        yield url, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def wait_until_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=url) as client:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError("the server exited during start-up")
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not become healthy")


def cpu_seconds(selected: Callable[[str, str], bool]) -> float:
    """User + system CPU of the processes whose /proc stat and command line ``selected``."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            with open(f"/proc/{entry.name}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                command = f.read().decode(errors="replace")
            if selected(stat, command):
                fields = stat.rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def clocks(server_group: int) -> dict[str, float]:
    """CPU seconds so far of the server's workers, of the bench database's backends
    (their titles name the database), and of this process (the client)."""
    return {
        "server": cpu_seconds(
            lambda stat, _: stat.rsplit(")", 1)[1].split()[2] == str(server_group)
        ),
        "postgres": cpu_seconds(
            lambda _, command: "sheqia_bench" in command and "postgres:" in command
        ),
        "client": time.process_time(),
        "machine": machine_busy(),
    }


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (everything but idle and I/O wait)."""
    with open("/proc/stat") as f:
        ticks = [int(t) for t in f.readline().split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


async def burst(
    clients: list[httpx.AsyncClient], requests: list[Request], concurrency: int, group: int
) -> Run:
    """Send every request at once: ``concurrency`` senders take the next one as they finish."""
    latencies = [0.0] * len(requests)
    answers: list[dict[str, Any]] = [{}] * len(requests)
    pending = iter(enumerate(requests))

    async def sender(client: httpx.AsyncClient) -> None:
        for i, (token, body) in pending:
            started = time.perf_counter()
            response = await client.post(
                "/graphql", json=body, headers={"authorization": f"Bearer {token}"}
            )
            latencies[i] = time.perf_counter() - started
            response.raise_for_status()
            answers[i] = response.json()

    before = clocks(group)
    started = time.perf_counter()
    await asyncio.gather(*(sender(clients[s % len(clients)]) for s in range(concurrency)))
    wall = time.perf_counter() - started
    after = clocks(group)
    cpu = {k: (after[k] - before[k]) * 1000 / len(requests) for k in before}
    return Run(wall, latencies, answers, cpu)


# --- checking the outcome --------------------------------------------------------------


async def verify(fair_id: int, sent: list[Claim], run: Run) -> dict[str, Any]:
    """Compare the answers with the rows: nothing lost, nothing doubled."""
    outcome: Counter[str] = Counter()
    winners: Counter[int] = Counter()
    answered: set[str] = set()
    for claim, answer in zip(sent, run.answers, strict=True):
        payload = (answer.get("data") or {}).get("claimProject")
        if payload is None:
            outcome["GRAPHQL_ERROR"] += 1
        elif payload["errors"]:
            outcome[payload["errors"][0]["code"]] += 1
        else:
            outcome["OK"] += 1
            winners[claim.project_id] += 1
            answered.add(payload["bid"]["id"])
    bids = await Bid.filter(project__fair_id=fair_id).values("id", "project_id", "organization_id")
    statuses = dict(await Project.filter(fair_id=fair_id).values_list("id", "status"))
    claimed = {c.project_id for c in sent}
    per_project = Counter(b["project_id"] for b in bids)
    per_holder = Counter((b["project_id"], b["organization_id"]) for b in bids)
    one_winner = all(
        per_project[p] == 1 and winners[p] == 1 and statuses[p] == ProjectStatus.CLAIMED
        for p in claimed
    )
    checks = {
        "every claimed project has exactly one winner and is CLAIMED": one_winner,
        "bid rows == successful answers": answered == {to_global_id("Bid", b["id"]) for b in bids},
        "no organization holds two bids on one project": max(per_holder.values()) == 1,
        "every refusal is ALREADY_CLAIMED": set(outcome) <= {"OK", "ALREADY_CLAIMED"},
    }
    return {"outcome": dict(outcome), "projects": len(claimed), "bids": len(bids), "checks": checks}


# --- the run ---------------------------------------------------------------------------


async def storm(args: argparse.Namespace, fair_id: int, sent: list[Claim]) -> dict[str, Any]:
    limits = httpx.Limits(
        max_connections=CONNECTIONS_PER_CLIENT, max_keepalive_connections=CONNECTIONS_PER_CLIENT
    )
    shards = max(1, args.concurrency // CONNECTIONS_PER_CLIENT)
    async with contextlib.AsyncExitStack() as stack:
        url, group = await stack.enter_async_context(server(args.workers, args.pool))
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, limits=limits, timeout=120)
            )
            for _ in range(shards)
        ]
        baseline = [(c.token, {"query": BASELINE}) for c in sent]
        # Warm-up: open every connection and fill both workers' pools and caches; the claim
        # document is parsed once per worker by claims on a project that does not exist.
        await burst(clients, baseline[:1000], args.concurrency, group)
        nowhere = [c.request(project_id=10**9) for c in sent[:200]]
        await burst(clients, nowhere, args.concurrency, group)
        base = await burst(clients, baseline, args.concurrency, group)
        run = await burst(clients, [c.request() for c in sent], args.concurrency, group)
    return {"baseline": base, "run": run, "verified": await verify(fair_id, sent, run)}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=2000)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pool", type=int, default=10, help="database connections per worker")
    args = parser.parse_args()
    print(
        f"claim storm: {args.claims} claims over {args.projects} DIRECT projects, "
        f"{args.concurrency} in flight, {args.workers} workers × {args.pool} connections — "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average "
        f"{os.getloadavg()[0]:.1f} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    await ensure_database()
    settings = Settings(database_url=PG_BENCH, env="production")
    await db.migrate(settings)
    await db.start(settings)
    try:
        await load("city")
        await clean_up()
        projects = await bench_fair(args.projects)
        sent = await claims(projects, args.claims)
        random.Random(2026).shuffle(sent)
        try:
            report = await storm(args, projects[0].fair_id, sent)
        finally:
            await clean_up()
    finally:
        await db.stop()
    print_report(report)


def print_report(report: dict[str, Any]) -> None:
    run, base, verified = report["run"], report["baseline"], report["verified"]
    won = verified["outcome"].get("OK", 0)
    print(f"  outcome: {verified['outcome']} on {verified['projects']} projects")
    for name, r in (("claims", run), ("baseline { districts { id } }", base)):
        print(
            f"  {name}: {r.per_second:.0f} answers/s ({len(r.latencies)} in {r.wall:.2f} s), "
            f"p50 {r.ms(0.5):.0f} ms, p95 {r.ms(0.95):.0f} ms, p99 {r.ms(0.99):.0f} ms; CPU per "
            f"request: server {r.cpu['server']:.2f} ms, PostgreSQL {r.cpu['postgres']:.2f} ms, "
            f"client {r.cpu['client']:.2f} ms"
        )
        ours = r.cpu["server"] + r.cpu["postgres"] + r.cpu["client"]
        capacity = (os.cpu_count() or 1) * r.wall * 1000 / len(r.latencies)
        print(
            f"    machine busy {r.cpu['machine'] / capacity:.0%}: this bench "
            f"{ours / capacity:.0%}, other processes {(r.cpu['machine'] - ours) / capacity:.0%}"
        )
    print(
        f"  successful claims: {won / run.wall:.0f}/s; claims answered at "
        f"{run.per_second / base.per_second:.0%} of the baseline's rate"
    )
    for check, passed in verified["checks"].items():
        print(f"  {'ok  ' if passed else 'FAIL'} {check}")
    reached = "reached" if run.per_second >= TARGET else "NOT reached"
    print(f"  target >= {TARGET} claims/s: {reached}")
    if not all(verified["checks"].values()):
        raise SystemExit(1)


if __name__ == "__main__":
    # The event loop uvicorn serves with (uvicorn[standard] installs uvloop).
    uvloop.run(main())
