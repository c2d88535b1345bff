"""The release package and the record package of a fair.

Both are built from the same releases, one per public project. A record holds its
process's release by link (``{release package uri}#{release id}``) and the compiled
release: with one release per process, the compiled release is that release, tagged
``compiled``. ``publishedDate`` is the date of the latest release, as OCDS asks of
packages generated on demand, so a package only looks new when its contents are.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from api.fairs.models import Fair

from .bids import BID_EXTENSION
from .facts import FairFacts, fair_facts
from .releases import release
from .values import OCDS_VERSION, moment


@dataclass(frozen=True)
class Publication:
    """Where and by whom a fair's OCDS data are published."""

    ocid_prefix: str
    # The public base URL of the service, without a trailing slash.
    base_url: str

    def releases_uri(self, fair: Fair) -> str:
        return f"{self.base_url}/ocds/fairs/{fair.edition}/releases.json"

    def records_uri(self, fair: Fair) -> str:
        return f"{self.base_url}/ocds/fairs/{fair.edition}/records.json"


async def fair_releases(fair: Fair, publication: Publication) -> list[dict[str, Any]]:
    """The releases of the fair's public projects, oldest change first.

    The rows are read on the event loop; turning 2,000 projects into releases is a
    second of plain Python, done in a worker thread so the server keeps answering.
    """
    facts = await fair_facts(fair)
    return await asyncio.to_thread(releases_of, facts, publication.ocid_prefix)


def releases_of(facts: FairFacts, ocid_prefix: str) -> list[dict[str, Any]]:
    """The releases of the projects in ``facts``, oldest change first."""
    releases = [release(p, facts, ocid_prefix) for p in facts.projects]
    # Every date carries the city's offset, so the text sorts as the instants do.
    return sorted(releases, key=lambda r: (r["date"], r["ocid"]))


def release_package(
    fair: Fair, publication: Publication, releases: list[dict[str, Any]]
) -> dict[str, Any]:
    """The release package of the fair (OCDS requires at least one release in it)."""
    return {
        "uri": publication.releases_uri(fair),
        "version": OCDS_VERSION,
        "publishedDate": _published(fair, releases),
        "publisher": _publisher(fair),
        "extensions": [BID_EXTENSION],
        "releases": releases,
    }


def record_package(
    fair: Fair, publication: Publication, releases: list[dict[str, Any]]
) -> dict[str, Any]:
    """The record package: per process the linked release and the compiled release."""
    package_uri = publication.releases_uri(fair)
    records = [
        {
            "ocid": r["ocid"],
            "releases": [{"url": f"{package_uri}#{r['id']}", "date": r["date"], "tag": r["tag"]}],
            "compiledRelease": {**r, "id": f"{r['ocid']}-compiled", "tag": ["compiled"]},
        }
        for r in releases
    ]
    return {
        "uri": publication.records_uri(fair),
        "version": OCDS_VERSION,
        "publishedDate": _published(fair, releases),
        "publisher": _publisher(fair),
        "extensions": [BID_EXTENSION],
        "packages": [package_uri],
        "records": records,
    }


def _publisher(fair: Fair) -> dict[str, str]:
    # The organizer publishes the fair's data; the system knows it by the fair it runs.
    return {"name": f"{fair.name}主办方"}


def _published(fair: Fair, releases: list[dict[str, Any]]) -> str:
    if not releases:
        return moment(fair.created_at)
    return max(r["date"] for r in releases)
