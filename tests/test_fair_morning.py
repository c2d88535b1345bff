"""The fair-morning load test's own parts (``bench/fair_morning.py``; the long run itself is
a documented command, not a test): it sends the documents the pages send, and its check
of the database against the answers catches a lost, a doubled or an invented bid.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from graphql import parse, print_ast

from api.bidding.models import BidStatus
from api.projects.models import Procurement, ProjectStatus
from schema.relay import to_global_id
from tests.browser.test_documents import DOCUMENTS

BENCH = Path(__file__).resolve().parents[1] / "bench"


def bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MORNING = bench_module("morning_documents")
CHECKS = bench_module("morning_checks")
PAGES = {label.split(":")[1]: document for label, document in DOCUMENTS}
SENT = {
    name: document
    for name, document in vars(MORNING).items()
    if name.isupper() and isinstance(document, str) and name != "BASELINE"
}


def canonical(document: str) -> str:
    return print_ast(parse(document))


def operation_name(document: str) -> str:
    return document.split("(")[0].split("{")[0].split()[1]


@pytest.mark.parametrize("name", sorted(SENT))
def test_the_morning_sends_the_document_its_page_sends(name):
    # Given a document the simulated people send
    document = SENT[name]
    if name == "LOGIN":
        # (the login asks for the bearer token too: no Secure cookie over plain HTTP)
        document = document.replace(" token }", " }")
    # Then it is the document of the page with the same operation name
    page = PAGES[operation_name(document)]
    assert canonical(document) == canonical(page)


def test_the_morning_covers_the_pages_of_the_hall_the_claim_and_the_review():
    names = {operation_name(d) for d in SENT.values()}
    assert {"FairHall", "ProjectPage", "Login", "ClaimProject", "WithdrawBid"} <= names
    assert {"ReviewQueue", "ScoreBid", "OrganizationDashboard"} <= names


# --- the check of the database against the answers ----------------------------------------

DIRECT, COMPETITIVE = 1, 2  # project ids
SEEDED = 10  # a bid waiting on the COMPETITIVE project before the morning


def answer(op: str, bid: int, project: int, organization: int) -> dict[str, Any]:
    return {
        "op": op,
        "accepted": to_global_id("Bid", bid),
        "project": to_global_id("Project", project),
        "organization": to_global_id("Organization", organization),
    }


def bid(id: int, project: int, organization: int, withdrawn: bool = False) -> dict[str, Any]:
    status = BidStatus.WITHDRAWN if withdrawn else BidStatus.SUBMITTED
    return {
        "id": id,
        "project_id": project,
        "organization_id": organization,
        "status": status,
        "active": None if withdrawn else 1,
    }


def a_morning() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Organization 7 claimed the DIRECT project and withdrew, 8 claimed it then; 9 bid on
    the COMPETITIVE one and reviewer 3 scored that bid; every row as answered."""
    records = [
        answer("claim DIRECT", 11, DIRECT, 7),
        {"op": "withdraw", "accepted": to_global_id("Bid", 11)},
        answer("claim DIRECT", 12, DIRECT, 8),
        {"op": "claim DIRECT", "refused": "ALREADY_CLAIMED"},
        answer("bid COMPETITIVE", 13, COMPETITIVE, 9),
        {
            "op": "scoreBid",
            "accepted": to_global_id("Bid", 13),
            "reviewer": to_global_id("Supervisor", 3),
        },
    ]
    rows = {
        "bids": [
            bid(SEEDED, COMPETITIVE, 5),
            bid(11, DIRECT, 7, withdrawn=True),
            bid(12, DIRECT, 8),
            bid(13, COMPETITIVE, 9),
        ],
        "projects": [
            (DIRECT, Procurement.DIRECT, ProjectStatus.CLAIMED),
            (COMPETITIVE, Procurement.COMPETITIVE, ProjectStatus.BIDDING),
        ],
        "sheets": [(13, 3)],
    }
    return records, rows


def failed(records: list[dict[str, Any]], rows: dict[str, Any]) -> set[str]:
    return {name for name, ok in CHECKS.check(records, rows, {SEEDED}).items() if not ok}


def test_a_database_that_agrees_with_every_answer_passes_every_check():
    assert failed(*a_morning()) == set()


def test_a_lost_claim_is_caught():
    # Given the database lacks bid 12, answered as accepted
    records, rows = a_morning()
    rows["bids"] = [b for b in rows["bids"] if b["id"] != 12]
    rows["projects"][0] = (DIRECT, Procurement.DIRECT, ProjectStatus.PUBLISHED)
    # Then the check says so
    assert failed(records, rows) == {
        "every accepted claim and bid is stored, on its project, for its organization",
        "no stored bid that was not answered as accepted",
    }


def test_a_second_active_claim_on_a_direct_project_is_caught():
    # Given a bid nobody was told about: a second active claim on the DIRECT project
    records, rows = a_morning()
    rows["bids"].append(bid(14, DIRECT, 6))
    # Then both the invented row and the two winners are named
    assert failed(records, rows) == {
        "no stored bid that was not answered as accepted",
        "no DIRECT project with two active claims",
    }


def test_a_bid_answered_twice_and_an_unrecorded_withdrawal_are_caught():
    records, rows = a_morning()
    records.append(answer("bid COMPETITIVE", 13, COMPETITIVE, 9))
    rows["bids"][3] = bid(13, COMPETITIVE, 9, withdrawn=True)
    assert failed(records, rows) == {
        "no claim or bid answered twice",
        "withdrawn: exactly the bids whose withdrawal was accepted",
    }


def test_a_lost_score_sheet_and_a_wrong_status_are_caught():
    records, rows = a_morning()
    rows["sheets"] = []
    rows["projects"][1] = (COMPETITIVE, Procurement.COMPETITIVE, ProjectStatus.PUBLISHED)
    assert failed(records, rows) == {
        "every accepted score sheet is stored",
        "every project's status agrees with its active bids",
    }


def test_the_figures_count_429s_apart_from_errors():
    # Given four logins over two seconds: two answered, one refused by the rate limit,
    # one failed with a server error
    records = [
        {"op": "login", "at": 100.1, "ms": 100.0},  # sent at 100.0
        {"op": "login", "at": 101.5, "ms": 300.0},
        {"op": "login", "at": 101.7, "ms": 5.0, "failure": "HTTP 429"},
        {"op": "login", "at": 102.0, "ms": 1000.0, "failure": "HTTP 500"},
        {"op": "claim DIRECT", "accepted": to_global_id("Bid", 1)},  # not a request
    ]
    # Then the 429 is counted apart, the 500 as an error, throughput over the 2 s from the
    # first sent to the last answered
    login, every = CHECKS.operations(records)
    assert login == every | {"name": "login"}
    assert (login["requests"], login["429"], login["5xx"], login["errors"]) == (4, 1, 1, 1)
    assert login["error_rate"] == 0.25
    assert login["per_second"] == 4 / 2.0
    assert (login["p50"], login["p99"]) == (300.0, 1000.0)


def test_locust_failures_are_sorted_into_429s_5xx_and_the_rest():
    assert CHECKS.failure_kind("CatchResponseError('HTTP 429')") == "429"
    assert CHECKS.failure_kind("CatchResponseError('HTTP 502')") == "5xx"
    assert CHECKS.failure_kind("CatchResponseError('GraphQL INTERNAL: …')") == "other"
