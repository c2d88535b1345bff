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
on one project, and every refusal is ALREADY_CLAIMED.

    python bench/claim_storm.py [--runs 3] [--claims 2000] [--projects 500] [--concurrency 200]
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
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
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


def clocks(server_group: int) -> dict[str, float]:
    """CPU seconds used so far by the server's process group, by the backends serving the
    bench database (their process titles name it), by this process (the client), and by
    the whole machine (every state but idle and I/O wait)."""
    used = {"server": 0, "postgres": 0}
    for entry in os.scandir("/proc"):
        with contextlib.suppress(OSError):
            if not entry.name.isdigit():
                continue
            with open(f"/proc/{entry.name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                title = f.read().decode(errors="replace")
            ticks = int(fields[11]) + int(fields[12])
            if fields[2] == str(server_group):
                used["server"] += ticks
            elif title.startswith("postgres:") and " sheqia_bench " in title:
                used["postgres"] += ticks
    with open("/proc/stat") as f:
        machine = [int(t) for t in f.readline().split()[1:9]]
    hertz = os.sysconf("SC_CLK_TCK")
    return {
        "server": used["server"] / hertz,
        "postgres": used["postgres"] / hertz,
        "client": time.process_time(),
        "machine": (sum(machine) - machine[3] - machine[4]) / hertz,
    }


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
    parser.add_argument("--runs", type=int, default=3, help="storms, each on fresh data")
    args = parser.parse_args()
    print(
        f"claim storm: {args.claims} claims over {args.projects} DIRECT projects, "
        f"{args.concurrency} in flight, {args.workers} workers × {args.pool} connections — "
        f"{os.cpu_count()} cores, Python {platform.python_version()} — "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    await ensure_database()
    settings = Settings(database_url=PG_BENCH, env="production")
    await db.migrate(settings)
    await db.start(settings)
    reports = []
    try:
        await load("city")
        for number in range(1, args.runs + 1):
            await clean_up()
            try:
                projects = await bench_fair(args.projects)
                sent = await claims(projects, args.claims)
                random.Random(number).shuffle(sent)
                print(f"run {number} (load average {os.getloadavg()[0]:.1f}):")
                reports.append(await storm(args, projects[0].fair_id, sent))
            finally:
                await clean_up()
            print_report(reports[-1])
    finally:
        await db.stop()
    print_summary(reports)


def print_report(report: dict[str, Any]) -> None:
    verified = report["verified"]
    print(f"  outcome: {verified['outcome']} on {verified['projects']} projects")
    for name, r in (("claims", report["run"]), ("baseline", report["baseline"])):
        capacity = (os.cpu_count() or 1) * r.wall * 1000 / len(r.latencies)
        print(
            f"  {name}: {r.per_second:.0f}/s, p50 {r.ms(0.5):.0f} ms, p95 {r.ms(0.95):.0f} ms, "
            f"p99 {r.ms(0.99):.0f} ms; CPU ms per request: server {r.cpu['server']:.2f}, "
            f"PostgreSQL {r.cpu['postgres']:.2f}, client {r.cpu['client']:.2f}; machine busy "
            f"{r.cpu['machine'] / capacity:.0%}, other processes "
            f"{(r.cpu['machine'] - ours(r)) / capacity:.0%}"
        )
    for check, passed in verified["checks"].items():
        print(f"  {'ok  ' if passed else 'FAIL'} {check}")


def ours(run: Run) -> float:
    """CPU milliseconds per request of the server, its database backends and the client."""
    return run.cpu["server"] + run.cpu["postgres"] + run.cpu["client"]


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
