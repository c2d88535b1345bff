"""Benchmark: the fair-hall query at city scale, against a raw-SQL baseline.

For each engine (SQLite file, PostgreSQL) it loads the ``city`` data set (idempotent),
runs the fair-hall GraphQL query through the ASGI app in-process, and in the same run
fetches the same rows with the database driver directly. Prints p50/p95 latency, the
number of SQL statements, and the ratio to the baseline.

    python bench/fair_hall.py [--runs 60] [--engines sqlite,postgres]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg
import httpx
import uvloop
from asgi_lifespan import LifespanManager
from tortoise import Tortoise

from api import db
from api.app import create_app
from api.catalog.models import ServiceClass
from api.fairs.models import Fair
from api.matching.search import LATERAL_STATEMENT, ProjectNeed, _lateral_params, _statement
from api.settings import Settings
from api.sqlcount import count_statements
from seeds.loader import load

RESULTS = Path(__file__).resolve().parent / "results"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = {"name": "sheqia_bench"}  # --database


def pg_bench_url() -> str:
    return f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE['name']}"

FAIR_HALL = """
query FairHall($first: Int!, $filter: ProjectFilter) {
  fair { edition name isOpen stats { projectCount totalBudget byServiceClass { serviceClass projectCount budget } } }
  projects(first: $first, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id code title serviceClass procurement status budget bidCount
      publisher { name district { name } } district { name }
      matchingOrganizations(first: 3) { score reasons organization { id name socialWorkers } } } }
  }
  organizations(first: 20, filter: {serviceClass: [ELDERLY]}) { totalCount edges { node { id name socialWorkers districts { name } } } }
  supervisors(first: 20, filter: {available: true}) { totalCount edges { node { id name expertise load maxLoad } } }
}
"""

OPEN = (
    "PUBLISHED",
    "CLAIMED",
    "BIDDING",
    "AWARDED",
    "IN_DELIVERY",
    "CLOSED",
    "TERMINATED",
    "WITHDRAWN",
)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def timed(fn: Callable[[], Awaitable[Any]], runs: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        await fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def prepare(settings: Settings) -> int:
    """Migrate, load the city data set, and return the city fair's id."""
    await db.migrate(settings)
    await db.start(settings)
    try:
        started = time.perf_counter()
        await load("city")
        print(f"  city data set ready in {time.perf_counter() - started:.1f} s")
        fair = await Fair.filter(name__contains="").order_by("-id").first()
        counts = {f.id: await f.projects.all().count() for f in await Fair.all()}
        assert fair is not None
        return max(counts, key=lambda k: counts[k])
    finally:
        await Tortoise.close_connections()


async def graphql_run(settings: Settings, fair_id: int, runs: int) -> dict[str, Any]:
    from schema.relay import to_global_id

    app = create_app(settings)
    variables = {"first": 50, "filter": {"fair": to_global_id("Fair", fair_id)}}
    body = {"query": FAIR_HALL, "variables": variables}
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def once() -> None:
                response = await client.post("/graphql", json=body)
                payload = response.json()
                assert "errors" not in payload, payload["errors"]
                assert len(payload["data"]["projects"]["edges"]) == 50

            samples = await timed(once, runs)
            with count_statements() as statements:
                await once()
    return {"samples": samples, "statements": len(statements)}


class Raw:
    """The same rows, fetched with the driver directly (the baseline)."""

    def __init__(self, fetch: Callable[[str, list[Any]], Awaitable[list[Any]]], dialect: str):
        self.fetch = fetch
        self.dialect = dialect

    def marks(self, start: int, n: int) -> str:
        if self.dialect == "postgres":
            return ", ".join(f"${i}" for i in range(start, start + n))
        return ", ".join("?" * n)

    async def hall(self, fair_id: int) -> None:
        now = datetime.now(UTC)
        m = self.marks
        await self.fetch(
            f"SELECT * FROM fair WHERE opens_at <= {m(1, 1)} AND closes_at > {m(2, 1)}"
            " ORDER BY opens_at DESC LIMIT 1",
            [now, now],
        )
        await self.fetch(
            "SELECT p.service_class, p.district_id, p.status, COUNT(p.id), SUM(p.budget),"
            " SUM(a.amount) FROM project p LEFT JOIN award a ON a.project_id = p.id"
            f" WHERE p.fair_id = {m(1, 1)} AND p.status IN ({m(2, len(OPEN))})"
            " GROUP BY p.service_class, p.district_id, p.status",
            [fair_id, *OPEN],
        )
        where = f"fair_id = {m(1, 1)} AND status IN ({m(2, len(OPEN))})"
        projects = await self.fetch(
            f"SELECT * FROM project WHERE {where} ORDER BY id LIMIT 51", [fair_id, *OPEN]
        )
        await self.fetch(f"SELECT COUNT(*) FROM project WHERE {where}", [fair_id, *OPEN])
        ids = [p["id"] for p in projects[:50]]
        await self.fetch(
            f"SELECT project_id, COUNT(id) FROM bid WHERE project_id IN ({m(1, len(ids))})"
            " AND status <> 'WITHDRAWN' GROUP BY project_id",
            ids,
        )
        pubs = sorted({p["publisher_id"] for p in projects})
        await self.fetch(f"SELECT * FROM publisher WHERE id IN ({m(1, len(pubs))})", pubs)
        await self.fetch("SELECT * FROM district", [])
        needs = [
            ProjectNeed(
                p["id"],
                ServiceClass(p["service_class"]),
                p["district_id"],
                "",
                p["min_social_workers"],
            )
            for p in projects[:50]
        ]
        if self.dialect == "postgres":
            matches = await self.fetch(LATERAL_STATEMENT, _lateral_params(needs, 3))
        else:
            matches = await self.fetch(*_statement(needs, 3, self.dialect))
        org_ids = sorted({r["organization_id"] for r in matches})
        await self.fetch(f"SELECT * FROM organization WHERE id IN ({m(1, len(org_ids))})", org_ids)
        await self.organizations()
        await self.supervisors()

    async def organizations(self) -> None:
        m = self.marks
        sub = f"SELECT organization_id FROM organization_service_class WHERE service_class = {m(1, 1)}"
        orgs = await self.fetch(
            f"SELECT * FROM organization WHERE id IN ({sub}) ORDER BY id LIMIT 21", ["ELDERLY"]
        )
        await self.fetch(f"SELECT COUNT(*) FROM organization WHERE id IN ({sub})", ["ELDERLY"])
        ids = [o["id"] for o in orgs[:20]]
        await self.fetch(
            f"SELECT organization_id, district_id FROM organization_district"
            f" WHERE organization_id IN ({m(1, len(ids))})",
            ids,
        )

    async def supervisors(self) -> None:
        m = self.marks
        sups = await self.fetch(
            "SELECT * FROM supervisor WHERE load < max_load ORDER BY id LIMIT 21", []
        )
        await self.fetch("SELECT COUNT(*) FROM supervisor WHERE load < max_load", [])
        ids = [s["id"] for s in sups[:20]]
        await self.fetch(
            f"SELECT supervisor_id, service_class FROM supervisor_expertise"
            f" WHERE supervisor_id IN ({m(1, len(ids))})",
            ids,
        )


async def raw_sqlite(path: str, fair_id: int, runs: int) -> list[float]:
    async with aiosqlite.connect(path) as conn:
        conn.row_factory = aiosqlite.Row

        async def fetch(sql: str, params: list[Any]) -> list[Any]:
            params = [p.isoformat(sep=" ") if isinstance(p, datetime) else p for p in params]
            return list(await conn.execute_fetchall(sql, params))

        raw = Raw(fetch, "sqlite")
        return await timed(lambda: raw.hall(fair_id), runs)


async def raw_postgres(url: str, fair_id: int, runs: int) -> list[float]:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:

        async def fetch(sql: str, params: list[Any]) -> list[Any]:
            return list(await conn.fetch(sql, *params))

        raw = Raw(fetch, "postgres")
        return await timed(lambda: raw.hall(fair_id), runs)
    finally:
        await conn.close()


async def ensure_pg_database() -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        name = PG_DATABASE["name"]
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def summary(name: str, graphql: dict[str, Any], raw: list[float]) -> dict[str, Any]:
    p50, p95 = statistics.median(graphql["samples"]), percentile(graphql["samples"], 0.95)
    r50, r95 = statistics.median(raw), percentile(raw, 0.95)
    row = {
        "engine": name,
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "statements": graphql["statements"],
        "raw_p50_ms": round(r50, 1),
        "raw_p95_ms": round(r95, 1),
        "ratio_p50": round(p50 / r50, 2),
    }
    print(
        f"  {name}: GraphQL p50 {p50:.1f} ms, p95 {p95:.1f} ms, {graphql['statements']} statements;"
        f" raw p50 {r50:.1f} ms, p95 {r95:.1f} ms; ratio {p50 / r50:.2f}x"
    )
    return row


async def bench_sqlite(runs: int) -> dict[str, Any]:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "fair_hall_city.db"
    settings = Settings(database_url=f"sqlite://{path}", env="production")
    fair_id = await prepare(settings)
    graphql = await graphql_run(settings, fair_id, runs)
    return summary("sqlite", graphql, await raw_sqlite(str(path), fair_id, runs))


async def bench_postgres(runs: int) -> dict[str, Any]:
    await ensure_pg_database()
    settings = Settings(database_url=pg_bench_url(), env="production")
    fair_id = await prepare(settings)
    graphql = await graphql_run(settings, fair_id, runs)
    return summary("postgres", graphql, await raw_postgres(pg_bench_url(), fair_id, runs))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--database", default="sheqia_bench", help="PostgreSQL bench database")
    args = parser.parse_args()
    PG_DATABASE["name"] = args.database
    engines = args.engines.split(",")
    if len(engines) > 1:
        # One process per engine: Tortoise binds its models to the engine it opened first.
        for engine in engines:
            command = [sys.executable, __file__, "--runs", str(args.runs), "--engines", engine,
                       "--database", args.database]
            subprocess.run(command, check=True)
        return
    print(
        f"fair hall, city scale, {args.runs} runs — {platform.node()} {platform.machine()}"
        f" Python {platform.python_version()} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(f"[{engines[0]}]")
    row = await (bench_sqlite if engines[0] == "sqlite" else bench_postgres)(args.runs)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"fair_hall_{engines[0]}.json").write_text(json.dumps(row, indent=2))


if __name__ == "__main__":
    # The event loop uvicorn serves with (uvicorn[standard] installs uvloop).
    uvloop.run(main())
