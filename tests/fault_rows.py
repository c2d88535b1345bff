"""What the database holds after a fault, read with plain drivers (asyncpg, sqlite3), and
the invariants it must keep whatever died when (``tests/test_faults.py``)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fault_staging import Staged
from tests.faults import OK, Answer, postgres


@dataclass
class Rows:
    """A fair's rows as the database holds them after the fault."""

    status: dict[int, str]  # project id → status
    bids: dict[int, tuple[int, int, int | None]]  # bid id → (project, organization, active)
    entries: list[set[str]]  # the subjects of each claimProject audit entry on the fair


QUERIES = (
    "SELECT id, status FROM project WHERE fair_id = {fair}",
    "SELECT b.id, b.project_id, b.organization_id, b.active FROM bid b"
    " JOIN project p ON p.id = b.project_id WHERE p.fair_id = {fair}",
    "SELECT subject_ids FROM audit_entry WHERE action = 'claimProject'",
)


def _rows(fair: Staged, results: list[list[tuple[Any, ...]]]) -> Rows:
    status, bids, entries = results
    ours = {f"Project:{p}" for p in fair.projects}
    subjects = [set(json.loads(e[0]) if isinstance(e[0], str) else e[0]) for e in entries]
    return Rows(
        status={p: s for p, s in status},
        bids={b: (p, o, a) for b, p, o, a in bids},
        entries=[s for s in subjects if s & ours],
    )


async def postgres_rows(database: str, fair: Staged) -> Rows:
    async with postgres(database) as link:
        results = [await link.fetch(q.format(fair=fair.fair_id)) for q in QUERIES]
    return _rows(fair, [[tuple(r) for r in rs] for rs in results])


def sqlite_rows(path: Path, fair: Staged) -> Rows:
    with contextlib.closing(sqlite3.connect(path)) as link:
        return _rows(fair, [link.execute(q.format(fair=fair.fair_id)).fetchall() for q in QUERIES])


def violations(rows: Rows, answers: list[Answer]) -> list[str]:
    """Everything wrong with ``rows`` after claims with these ``answers``; none is right.

    Whole transactions only: a CLAIMED project has exactly one active bid, a bid's
    project is CLAIMED or BIDDING, every bid has exactly one audit entry and every entry
    its bid. And the rows agree with the clients: every OK is there, nothing refused is,
    no project has two winners, every bid was sent (a claim whose answer was lost may be
    there or not, but only whole: the checks above).
    """
    found: list[str] = []
    claims = [a for a in answers if a.claim is not None]
    active = Counter(p for p, _, a in rows.bids.values() if a == 1)
    entry_of = Counter(s for e in rows.entries for s in e if s.startswith("Bid:"))
    for project, status in rows.status.items():
        if status == "CLAIMED" and active[project] != 1:
            found.append(f"project {project} is CLAIMED with {active[project]} active bids")
    for bid, (project, _, _) in rows.bids.items():
        if rows.status.get(project) not in ("CLAIMED", "BIDDING"):
            found.append(f"bid {bid} on project {project}, which is {rows.status.get(project)}")
        if entry_of[f"Bid:{bid}"] != 1:
            found.append(f"bid {bid} has {entry_of[f'Bid:{bid}']} audit entries")
    for entry in rows.entries:
        named = [int(s[4:]) for s in entry if s.startswith("Bid:")]
        if len(named) != 1 or named[0] not in rows.bids:
            found.append(f"audit entry {sorted(entry)} names no bid of the fair")
        elif f"Project:{rows.bids[named[0]][0]}" not in entry:
            found.append(f"audit entry {sorted(entry)} names another project than its bid's")
    held = {(p, o): b for b, (p, o, _) in rows.bids.items()}
    winners = Counter(a.claim.project_id for a in claims if a.claim and a.outcome == OK)
    found += [f"project {p} has {n} OK answers" for p, n in winners.items() if n > 1]
    for answer in claims:
        assert answer.claim is not None
        key = (answer.claim.project_id, answer.claim.organization_id)
        if answer.outcome == OK and held.get(key) != answer.bid:
            found.append(f"answered OK with bid {answer.bid}, but the rows hold {held.get(key)}")
        elif not answer.unknown and answer.outcome != OK and key in held:
            found.append(f"refused with {answer.outcome}, yet bid {held[key]} is there")
    sent = {(a.claim.project_id, a.claim.organization_id) for a in claims if a.claim}
    found += [f"bid {b} was never sent" for k, b in held.items() if k not in sent]
    return found


def integrity(path: Path) -> str:
    """SQLite's own check of the file: ``ok`` or what is broken."""
    with contextlib.closing(sqlite3.connect(path)) as link:
        return "\n".join(row[0] for row in link.execute("PRAGMA integrity_check").fetchall())


async def fair_projects(database: str, fair_id: int) -> tuple[int, int]:
    """The fair's projects, and the publishProjects audit entries that name the fair."""
    async with postgres(database) as link:
        projects = await link.fetchval("SELECT count(*) FROM project WHERE fair_id = $1", fair_id)
        entries = await link.fetch(
            "SELECT detail FROM audit_entry WHERE action = 'publishProjects'"
        )
    mine = [e for e in entries if json.loads(e[0]).get("fair") == fair_id]
    return int(projects), len(mine)
