"""The OCDS 1.1 publication of a fair: release and record packages, URLs and the CLI.

One fair is played through the real services (claims, reviews, award, supervisors,
payments, evaluations) so that it holds a project in every state of the lifecycle
(``tests/ocds_support.py``); its packages must validate against the published OCDS 1.1.5
JSON schema with the bids extension merged in (both vendored in ``tests/ocds_schema``)
with zero errors, and map the fair faithfully.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.bidding.models import Bid
from api.contracts.models import Payment, PaymentStatus
from api.ocds.bids import BID_EXTENSION
from api.ocds.facts import fair_facts
from api.ocds.packages import fair_releases, record_package, release_package
from api.ocds.parties import SUPERVISOR
from api.ocds.tender import tender_status
from api.ocds.values import amount, moment
from api.organizations.models import Organization
from api.projects.models import ProjectStatus
from api.settings import DEFAULT_OCID_PREFIX, Settings, load_settings
from api.sqlcount import count_statements
from api.supervisors.models import Assignment, Supervisor
from tests import factories
from tests.ocds_support import (
    BASE_URL,
    PRIVATE_CONTACT,
    PRIVATE_PHONE_PREFIX,
    RECORD_PACKAGE,
    RELEASE_PACKAGE,
    WITHDRAWAL_REASON,
    PlayedFair,
    milestones_of,
    packages,
    parties_in,
    played,
    publication_at,
    release_of,
    schema_errors,
)

# --- the schema ------------------------------------------------------------------------


async def test_given_a_fair_in_every_state_when_packaged_then_both_packages_validate(
    played: PlayedFair,
) -> None:
    """The release package and the record package meet the OCDS 1.1.5 schema exactly."""
    releases, records = await packages(played)
    assert schema_errors(RELEASE_PACKAGE, releases) == []
    assert schema_errors(RECORD_PACKAGE, records) == []
    assert releases["version"] == records["version"] == "1.1"
    assert releases["uri"] == f"{BASE_URL}/ocds/fairs/{played.fair.edition}/releases.json"
    assert records["uri"] == f"{BASE_URL}/ocds/fairs/{played.fair.edition}/records.json"
    assert releases["publishedDate"] == max(r["date"] for r in releases["releases"])


async def test_the_validator_does_catch_a_broken_package(played: PlayedFair) -> None:
    """The schema check is real: a wrong code, a float-free amount, a bad date and a bid
    status the bids extension does not know fail."""
    releases, _ = await packages(played)
    broken = json.loads(json.dumps(releases))
    first = broken["releases"][0]
    first["tender"]["procurementMethod"] = "claim"
    first["tender"]["value"]["amount"] = "100000.00"
    first["date"] = "yesterday"
    # and the extension's rules hold too: a bid status outside its closed codelist.
    awarded = next(r for r in broken["releases"] if "details" in r["bids"])
    awarded["bids"]["details"][0]["status"] = "won"
    assert len(schema_errors(RELEASE_PACKAGE, broken)) == 4


async def test_records_link_their_release_and_compile_it(played: PlayedFair) -> None:
    releases, records = await packages(played)
    by_ocid = {r["ocid"]: r for r in releases["releases"]}
    assert records["packages"] == [releases["uri"]]
    for record in records["records"]:
        release = by_ocid[record["ocid"]]
        [link] = record["releases"]
        assert link == {
            "url": f"{releases['uri']}#{release['id']}",
            "date": release["date"],
            "tag": release["tag"],
        }
        compiled = record["compiledRelease"]
        assert compiled["tag"] == ["compiled"]
        assert {**compiled, "id": release["id"], "tag": release["tag"]} == release


# --- what is published -----------------------------------------------------------------


async def test_every_public_project_is_one_process_and_drafts_are_not_published(
    played: PlayedFair,
) -> None:
    releases, _ = await packages(played)
    ocids = [r["ocid"] for r in releases["releases"]]
    edition = played.fair.edition
    expected = {
        f"{DEFAULT_OCID_PREFIX}-{edition}-{p.code}"
        for name, p in played.projects.items()
        if name != "draft"
    }
    assert sorted(ocids) == sorted(expected)
    assert played.projects["draft"].code not in json.dumps(releases, ensure_ascii=False)


async def test_lifecycle_states_map_to_tender_award_and_contract_statuses(
    played: PlayedFair,
) -> None:
    releases, _ = await packages(played)
    states = {}
    for name in played.projects:
        if name == "draft":
            continue
        release = release_of(releases, played, name)
        contract = release.get("contracts", [{}])[0].get("status")
        states[name] = (release["tender"]["status"], contract)
    assert states == {
        "published": ("unsuccessful", None),  # the window closed with nobody on it
        "claimed": ("active", None),  # awaiting confirmation
        "bidding": ("active", None),  # awaiting the award
        "awarded": ("complete", "active"),
        "delivery": ("complete", "active"),
        "passed": ("complete", "active"),
        "failed": ("complete", "terminated"),
        "closed": ("complete", "terminated"),
        "withdrawn": ("withdrawn", None),
    }
    assert "tenderCancellation" in release_of(releases, played, "withdrawn")["tag"]
    closed = release_of(releases, played, "closed")["tag"]
    assert closed == [
        "planning",
        "tender",
        "award",
        "contract",
        "implementation",
        "contractTermination",
    ]
    for release in releases["releases"]:
        assert release["initiationType"] == "tender"


async def test_tender_is_planned_before_the_window_and_active_while_it_is_open(
    played: PlayedFair,
) -> None:
    fair, project = played.fair, played.projects["published"]
    assert tender_status(project, fair, fair.opens_at - timedelta(days=1)) == "planned"
    assert tender_status(project, fair, fair.opens_at + timedelta(seconds=1)) == "active"
    assert tender_status(project, fair, fair.closes_at) == "unsuccessful"


async def test_methods_direct_for_claims_open_for_competitions(played: PlayedFair) -> None:
    releases, _ = await packages(played)
    claimed = release_of(releases, played, "claimed")["tender"]
    competed = release_of(releases, played, "awarded")["tender"]
    assert claimed["procurementMethod"] == "direct"
    assert "直接认领" in claimed["procurementMethodDetails"]
    assert competed["procurementMethod"] == "open"
    assert "竞争性评审" in competed["procurementMethodDetails"]
    assert competed["awardCriteria"] == "ratedCriteria"
    assert competed["tenderPeriod"]["endDate"].endswith("+08:00")


async def test_buyer_is_the_publisher_and_budget_is_exact_cny(played: PlayedFair) -> None:
    releases, _ = await packages(played)
    release = release_of(releases, played, "published")
    [buyer] = parties_in(release, "buyer")
    assert buyer["name"] == played.publisher_name
    assert release["buyer"] == {"id": buyer["id"], "name": buyer["name"]}
    budget = played.projects["published"].budget
    assert release["planning"]["budget"]["amount"] == {"amount": int(budget), "currency": "CNY"}
    assert release["tender"]["value"] == {"amount": int(budget), "currency": "CNY"}


async def test_supplier_is_the_winner_and_only_public_bidders_are_named(
    played: PlayedFair,
) -> None:
    """The winner of the competition is supplier and tenderer; the losing bidder and the
    bidders awaiting an award stay private (the public API does not show them), while
    numberOfTenderers counts every active bid as the public bidCount does."""
    releases, _ = await packages(played)
    awarded = release_of(releases, played, "awarded")
    winner = played.winners["awarded"]
    [supplier] = parties_in(awarded, "supplier")
    assert supplier["identifier"] == {
        "scheme": "CN-USCI",
        "id": winner.credit_code,
        "legalName": winner.name,
    }
    [award] = awarded["awards"]
    assert award["suppliers"] == [{"id": supplier["id"], "name": winner.name}]
    assert award["value"] == {"amount": 92000, "currency": "CNY"}
    assert "第 1 名" in award["description"]
    assert awarded["tender"]["tenderers"] == award["suppliers"]
    assert awarded["tender"]["numberOfTenderers"] == 2
    text = json.dumps(releases, ensure_ascii=False)
    for hidden in (played.loser, *played.bidders, played.winners["claimed"]):
        assert hidden.name not in text
        assert hidden.credit_code not in text
    bidding = release_of(releases, played, "bidding")["tender"]
    assert bidding["numberOfTenderers"] == 2
    assert "tenderers" not in bidding


# --- bids (the OCDS bids extension) ---------------------------------------------------


async def test_the_packages_declare_the_bids_extension(played: PlayedFair) -> None:
    releases, records = await packages(played)
    assert releases["extensions"] == records["extensions"] == [BID_EXTENSION]


async def test_the_award_links_the_winning_bid_and_only_it_is_detailed(
    played: PlayedFair,
) -> None:
    """The winning bid is public (Award.bid in the API): it is the one bid in details and
    the award's relatedBid; the statistics count the public bidCount."""
    releases, _ = await packages(played)
    awarded = release_of(releases, played, "awarded")
    winning = await Bid.get(
        project_id=played.projects["awarded"].id, organization_id=played.winners["awarded"].id
    )
    [award] = awarded["awards"]
    [detail] = awarded["bids"]["details"]
    assert award["relatedBid"] == detail["id"] == f"bid-{winning.id}"
    assert detail["status"] == "valid"
    assert detail["value"] == {"amount": 92000, "currency": "CNY"}
    assert detail["tenderers"] == award["suppliers"]
    [statistic] = awarded["bids"]["statistics"]
    assert (statistic["measure"], statistic["value"]) == ("bids", 2)


async def test_no_pending_or_losing_bid_is_detailed(played: PlayedFair) -> None:
    releases, _ = await packages(played)
    for name in ("published", "claimed", "bidding", "withdrawn"):
        assert "details" not in release_of(releases, played, name)["bids"], name
    bidding = release_of(releases, played, "bidding")["bids"]["statistics"]
    assert [(s["measure"], s["value"]) for s in bidding] == [("bids", 2)]
    text = json.dumps(releases, ensure_ascii=False)
    assert "88000" not in text  # the losing offer
    assert "lowestValidBidValue" not in text


async def test_a_withdrawn_project_says_why(played: PlayedFair) -> None:
    releases, _ = await packages(played)
    release = release_of(releases, played, "withdrawn")
    assert release["tender"]["status"] == "withdrawn"
    assert release["tender"]["statusDetails"] == WITHDRAWAL_REASON
    assert release["bids"]["statistics"][0]["value"] == 0  # its bid was released


async def test_private_contact_details_are_never_published(played: PlayedFair) -> None:
    releases, records = await packages(played)
    for package in (releases, records):
        text = json.dumps(package, ensure_ascii=False)
        assert PRIVATE_PHONE_PREFIX not in text
        assert PRIVATE_CONTACT not in text
        assert "13800000000" not in text  # supervisors' phones
        assert "contactPoint" not in text


# --- implementation --------------------------------------------------------------------


async def test_payment_transactions_sum_to_what_was_paid(played: PlayedFair) -> None:
    releases, _ = await packages(played)
    for name in ("delivery", "passed", "failed", "closed"):
        project = played.projects[name]
        paid = await Payment.filter(project_id=project.id, status=PaymentStatus.PAID)
        release = release_of(releases, played, name)
        transactions = release["contracts"][0]["implementation"]["transactions"]
        assert len(transactions) == len(paid)
        total = sum(Decimal(str(t["value"]["amount"])) for t in transactions)
        assert total == sum(p.amount for p in paid)
        [buyer] = parties_in(release, "buyer")
        assert all(t["payer"]["id"] == buyer["id"] for t in transactions)
        assert "payer" in buyer["roles"]
    awarded = release_of(releases, played, "awarded")["contracts"][0]["implementation"]
    assert "transactions" not in awarded


async def test_closed_project_has_both_assessments_and_three_payments_met(
    played: PlayedFair,
) -> None:
    releases, _ = await packages(played)
    milestones = milestones_of(release_of(releases, played, "closed"))
    assert {m["type"] for m in milestones.values()} == {"assessment", "payment"}
    assert [m["status"] for m in milestones.values()] == ["met"] * 5
    assert all("dateMet" in m for m in milestones.values())
    passed = milestones_of(release_of(releases, played, "passed"))
    assert passed["evaluation-midterm"]["status"] == "met"
    assert passed["evaluation-final"]["status"] == "scheduled"
    assert [passed[f"payment-{n}"]["status"] for n in (1, 2, 3)] == ["met", "met", "scheduled"]


async def test_failed_evaluation_terminates_and_shows_its_consequences(played: PlayedFair) -> None:
    releases, _ = await packages(played)
    release = release_of(releases, played, "failed")
    milestones = milestones_of(release)
    failed = milestones["evaluation-midterm"]
    assert failed["type"] == "assessment"
    assert failed["status"] == "notMet"
    assert "dateModified" in failed and "dateMet" not in failed
    assert "不合格" in failed["description"] and "信用记录" in failed["description"]
    assert "evaluation-final" not in milestones  # never held
    assert milestones["payment-1"]["status"] == "met"
    assert [milestones[f"payment-{n}"]["status"] for n in (2, 3)] == ["notMet", "notMet"]
    assert release["contracts"][0]["status"] == "terminated"
    assert "contractTermination" in release["tag"]
    [supplier] = parties_in(release, "supplier")
    restricted = (await Organization.get(id=played.winners["failed"].id)).restricted_until
    assert restricted is not None
    assert supplier["details"]["restrictedUntil"] == moment(restricted)


async def test_the_supervisor_is_a_party_with_its_role(played: PlayedFair) -> None:
    releases, _ = await packages(played)
    for name in ("awarded", "delivery", "passed", "failed", "closed"):
        assignment = await Assignment.get(project_id=played.projects[name].id)
        supervisor = await Supervisor.get(id=assignment.supervisor_id)
        [party] = parties_in(release_of(releases, played, name), SUPERVISOR)
        assert party["name"] == supervisor.name
        assert party["details"]["affiliation"] == supervisor.affiliation
    assert parties_in(release_of(releases, played, "claimed"), SUPERVISOR) == []


# --- settings, reading, amounts --------------------------------------------------------


async def test_ocid_prefix_comes_from_the_setting(
    played: PlayedFair, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHEQIA_OCID_PREFIX", "ocds-abc123")
    prefix = load_settings().ocid_prefix
    assert prefix == "ocds-abc123"
    releases = await fair_releases(played.fair, publication_at(prefix))
    assert all(r["ocid"].startswith(f"ocds-abc123-{played.fair.edition}-") for r in releases)
    assert all(r["id"].startswith(r["ocid"] + "-") for r in releases)
    monkeypatch.delenv("SHEQIA_OCID_PREFIX")
    assert load_settings().ocid_prefix == Settings().ocid_prefix == DEFAULT_OCID_PREFIX


async def test_a_fair_is_read_in_the_same_few_queries_whatever_its_size(
    played: PlayedFair,
) -> None:
    small = await factories.fair()
    await factories.project(small)
    with count_statements() as few:
        await fair_facts(small)
    with count_statements() as many:
        facts = await fair_facts(played.fair)
    assert len(facts.projects) == 9
    assert len(many) == len(few) <= 8


def test_amounts_are_exact_numbers() -> None:
    assert amount(Decimal("100000.00")) == 100000
    assert isinstance(amount(Decimal("100000.00")), int)
    assert amount(Decimal("46963.20")) == 46963.2
    assert repr(amount(Decimal("9999999999.99"))) == "9999999999.99"
    assert repr(amount(Decimal("0.01"))) == "0.01"


# --- the public URLs -------------------------------------------------------------------


async def test_public_url_serves_the_same_package(
    played: PlayedFair, client: httpx.AsyncClient, app: Any
) -> None:
    edition = played.fair.edition
    prefix = app.state.settings.ocid_prefix
    publication = publication_at(prefix)
    releases = await fair_releases(played.fair, publication)
    for path, build in (("releases", release_package), ("records", record_package)):
        response = await client.get(f"/ocds/fairs/{edition}/{path}.json")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert "max-age" in response.headers["cache-control"]
        assert response.json() == build(played.fair, publication, releases)
        again = await client.get(
            f"/ocds/fairs/{edition}/{path}.json",
            headers={"if-none-match": response.headers["etag"]},
        )
        assert again.status_code == 304
        assert again.content == b""


async def test_unknown_fair_is_404_in_chinese(client: httpx.AsyncClient) -> None:
    for edition in (str(factories.edition()), "abc", str(2**40)):
        response = await client.get(f"/ocds/fairs/{edition}/releases.json")
        assert response.status_code == 404
        assert "没有第" in response.json()["error"]
    empty = await factories.fair()
    await factories.project(empty, status=ProjectStatus.DRAFT)
    response = await client.get(f"/ocds/fairs/{empty.edition}/records.json")
    assert response.status_code == 404
    assert "还没有公开的项目" in response.json()["error"]


# --- the command line ------------------------------------------------------------------


def _cli(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHEQIA_DATABASE_URL": f"sqlite://{database}"}
    env["SHEQIA_OCID_PREFIX"] = "ocds-t3st00"
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_cli_writes_packages_that_validate(tmp_path: Path) -> None:
    """``sheqia export ocds`` on the demo data (a fair played through to the end)."""
    database = tmp_path / "demo.db"
    seeded = _cli("seed", "--scale", "demo", database=database)
    assert seeded.returncode == 0, seeded.stderr
    out = tmp_path / "releases.json"
    done = _cli("export", "ocds", "--fair", "5", "--out", str(out), database=database)
    assert done.returncode == 0, done.stderr
    assert "个项目" in done.stdout
    package = json.loads(out.read_text(encoding="utf-8"))
    assert schema_errors(RELEASE_PACKAGE, package) == []
    assert all(r["ocid"].startswith("ocds-t3st00-5-") for r in package["releases"])
    tags = {t for r in package["releases"] for t in r["tag"]}
    assert {"award", "contract", "implementation", "contractTermination"} <= tags

    records = tmp_path / "records.json"
    options = ("--out", str(records), "--records", "--base-url", "https://fair.example.org/")
    done = _cli("export", "ocds", "--fair", "5", *options, database=database)
    assert done.returncode == 0, done.stderr
    package = json.loads(records.read_text(encoding="utf-8"))
    assert schema_errors(RECORD_PACKAGE, package) == []
    assert package["uri"] == "https://fair.example.org/ocds/fairs/5/records.json"

    missing = _cli("export", "ocds", "--fair", "999", "--out", str(out), database=database)
    assert missing.returncode != 0
    assert "没有第 999 届社洽会" in missing.stderr
