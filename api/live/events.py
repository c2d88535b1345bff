"""What happened at the fair, as it travels between workers.

An event names rows by id only: each worker loads the rows once when it delivers the
event, so the broker carries a few hundred bytes whatever the subscriber asks for.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import orjson

from api.projects.models import Project


class EventKind(StrEnum):
    """Every step of a project's life that the hall watches."""

    CLAIMED = "CLAIMED"  # a DIRECT project taken by an organization
    BID = "BID"  # a bid came in for a COMPETITIVE project
    WITHDRAWN = "WITHDRAWN"  # a claim or bid withdrawn; the project may be open again
    AWARDED = "AWARDED"  # the project awarded: contract and tranches made
    SUPERVISOR_ASSIGNED = "SUPERVISOR_ASSIGNED"
    SUPERVISOR_REASSIGNED = "SUPERVISOR_REASSIGNED"  # an organizer changed the supervisor
    PROJECT_WITHDRAWN = "PROJECT_WITHDRAWN"  # the project taken off the table, bids released
    EVALUATED = "EVALUATED"  # an evaluation recorded (passed, or failed: terminated)
    PAID = "PAID"  # a tranche paid
    # Anything else committed that a reader may see (publishing, settings, the pools):
    # never shown to subscribers, it only tells every worker its cached answers are old.
    CHANGED = "CHANGED"
    SURVEY_OPENED = "SURVEY_OPENED"  # residents may now rate the project (satisfaction survey)


# Kinds whose organization is a bidder: bids are private until the award, so only those
# who may see the bid learn who it was (api/bidding/queries.py).
SEALED_KINDS = frozenset({EventKind.CLAIMED, EventKind.BID, EventKind.WITHDRAWN})


class BadEvent(ValueError):
    """A message on the broker that is not one of our events."""


@dataclass(frozen=True, slots=True)
class FairEvent:
    kind: EventKind
    at: datetime
    fair_id: int
    project_id: int
    publisher_id: int
    organization_id: int | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @classmethod
    def about(
        cls, kind: EventKind, project: Project, organization_id: int | None = None
    ) -> FairEvent:
        """An event of ``project``, happening now."""
        return cls(
            kind=kind,
            at=datetime.now(UTC),
            fair_id=project.fair_id,
            project_id=project.id,
            publisher_id=project.publisher_id,
            organization_id=organization_id,
        )

    @classmethod
    def changed(cls) -> FairEvent:
        """A change outside the project workflow, about no project in particular."""
        return cls(kind=EventKind.CHANGED, at=datetime.now(UTC), fair_id=0, project_id=0,
                   publisher_id=0)

    @property
    def sealed(self) -> bool:
        return self.kind in SEALED_KINDS

    def encode(self) -> bytes:
        return orjson.dumps(asdict(self))

    @classmethod
    def decode(cls, data: bytes | str) -> FairEvent:
        try:
            raw: dict[str, Any] = orjson.loads(data)
            return cls(
                kind=EventKind(raw["kind"]),
                at=datetime.fromisoformat(raw["at"]),
                fair_id=int(raw["fair_id"]),
                project_id=int(raw["project_id"]),
                publisher_id=int(raw["publisher_id"]),
                organization_id=_optional_int(raw.get("organization_id")),
                id=str(raw["id"]),
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise BadEvent(f"not a fair event: {data[:200]!r}") from exc


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)
