"""What a fair morning measured, and whether the database agrees with the answers.

Read by ``fair_morning.py`` after Locust (``morning_users.py``) is done: the per-operation
figures from Locust's CSV files, the records the simulated people wrote (one JSON object
a line: every accepted claim, bid, withdrawal and score sheet, every refusal, every
failure), and the rows of the morning's fair.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

from api.bidding.models import Bid, BidStatus, ReviewScore
from api.fairs.models import Fair
from api.projects.models import Procurement, Project, ProjectStatus
from schema.relay import parse_global_id

CLAIMS = ("claim DIRECT", "bid COMPETITIVE")  # the request names of morning_users.py

# --- the database against the answers ------------------------------------------------


def pk(global_id: str) -> int:
    return parse_global_id(global_id)[1]


async def database_rows(edition: int) -> dict[str, Any]:
    """The fair's bids, projects and score sheets as they are now."""
    fair = await Fair.get(edition=edition)
    projects = await Project.filter(fair_id=fair.id).values_list("id", "procurement", "status")
    bids = await Bid.filter(project_id__in=[p for p, _, _ in projects]).values(
        "id", "project_id", "organization_id", "status", "active"
    )
    sheets = await ReviewScore.filter(bid_id__in=[b["id"] for b in bids]).values_list(
        "bid_id", "reviewer_id"
    )
    return {"bids": bids, "projects": projects, "sheets": sheets}


def accepted(records: list[dict[str, Any]], *ops: str) -> list[dict[str, Any]]:
    return [r for r in records if r["op"] in ops and "accepted" in r]


def check(records: list[dict[str, Any]], rows: dict[str, Any], seeded: set[int]) -> dict[str, bool]:
    """The database compared with the accepted answers: nothing lost, doubled or invented."""
    claims = accepted(records, *CLAIMS)
    ids = [pk(r["accepted"]) for r in claims]
    withdrawn = {pk(r["accepted"]) for r in accepted(records, "withdraw")}
    sheets = {(pk(r["accepted"]), pk(r["reviewer"])) for r in accepted(records, "scoreBid")}
    bids = {b["id"]: b for b in rows["bids"]}
    new = set(bids) - seeded
    kinds = {p: (procurement, status) for p, procurement, status in rows["projects"]}
    live = [b for b in rows["bids"] if b["active"] == 1]
    active = Counter(b["project_id"] for b in live)
    holders = Counter((b["project_id"], b["organization_id"]) for b in live)

    def as_answered(r: dict[str, Any]) -> bool:
        row = bids.get(pk(r["accepted"]))
        return row is not None and (row["project_id"], row["organization_id"]) == (
            pk(r["project"]),
            pk(r["organization"]),
        )

    def settled(bid: int) -> bool:
        b = bids[bid]
        if bid in withdrawn:
            return b["status"] == BidStatus.WITHDRAWN and b["active"] is None
        return b["status"] == BidStatus.SUBMITTED and b["active"] == 1

    def project_state(project: int) -> bool:
        procurement, status = kinds[project]
        held = ProjectStatus.CLAIMED if procurement == Procurement.DIRECT else ProjectStatus.BIDDING
        return bool(status == (held if active[project] else ProjectStatus.PUBLISHED))

    direct = [p for p, (procurement, _) in kinds.items() if procurement == Procurement.DIRECT]
    return {
        "no claim or bid answered twice": len(ids) == len(set(ids)),
        "every accepted claim and bid is stored, on its project, for its organization": all(
            map(as_answered, claims)
        ),
        "no stored bid that was not answered as accepted": new == set(ids),
        "withdrawn: exactly the bids whose withdrawal was accepted": withdrawn <= new
        and all(map(settled, new)),
        "no DIRECT project with two active claims": all(active[p] <= 1 for p in direct),
        "no organization with two active bids on one project": max(holders.values(), default=0)
        <= 1,
        "every project's status agrees with its active bids": all(map(project_state, kinds)),
        "every accepted score sheet is stored": sheets <= set(rows["sheets"]),
    }


# --- the figures: from the records, and Locust's own report ---------------------------


def failure_kind(error: str) -> str:
    """A failure as reported here: 429s apart, 5xx, or anything else."""
    if "HTTP 429" in error:
        return "429"
    return "5xx" if "HTTP 5" in error else "other"


def quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank), as the other benches take it."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def operations(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per request name, then all together: requests, throughput over the whole morning,
    p50/p95/p99 (ms), error rate (429s apart) and 429s; from every request's record."""
    sent = [r for r in records if "ms" in r]
    if not sent:
        return []
    wall = max(r["at"] for r in sent) - min(r["at"] - r["ms"] / 1000 for r in sent)
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in sorted(sent, key=lambda r: r["op"]):
        groups.setdefault(r["op"], []).append(r)
    groups["all"] = sent
    table = []
    for name, group in groups.items():
        kinds = Counter(failure_kind(r["failure"]) for r in group if "failure" in r)
        latencies = [r["ms"] for r in group]
        errors = kinds["5xx"] + kinds["other"]
        table.append(
            {
                "name": name,
                "requests": len(group),
                "per_second": len(group) / wall,
                **{f"p{q}": quantile(latencies, q / 100) for q in (50, 95, 99)},
                "error_rate": errors / len(group),
                "errors": errors,
                "5xx": kinds["5xx"],
                "429": kinds["429"],
            }
        )
    return table


def locust_5xx(folder: Path) -> int:
    """The 5xx answers in Locust's own failure report (a cross-check of the records)."""
    with (folder / "locust_failures.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return sum(int(r["Occurrences"]) for r in rows if failure_kind(r["Error"]) == "5xx")


def locust_exceptions(folder: Path) -> int:
    """Exceptions raised inside the simulated people (a bug there, or a malformed answer)."""
    with (folder / "locust_exceptions.csv").open(encoding="utf-8", newline="") as f:
        return len(list(csv.DictReader(f)))


def read_records(folder: Path) -> list[dict[str, Any]]:
    found = []
    for path in folder.glob("records-*.jsonl"):
        found += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return found
