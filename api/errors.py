"""Refusals of the domain: a stable code, the offending field and a Chinese message.

Services raise these; the GraphQL layer maps them to the contract's ``UserError``.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    FAIR_CLOSED = "FAIR_CLOSED"
    NOT_CLAIMABLE = "NOT_CLAIMABLE"
    ALREADY_CLAIMED = "ALREADY_CLAIMED"
    DUPLICATE_BID = "DUPLICATE_BID"
    MANAGEMENT_FEE_OVER_LIMIT = "MANAGEMENT_FEE_OVER_LIMIT"
    INSUFFICIENT_SOCIAL_WORKERS = "INSUFFICIENT_SOCIAL_WORKERS"
    BID_OVER_BUDGET = "BID_OVER_BUDGET"
    CREDIT_RESTRICTED = "CREDIT_RESTRICTED"
    CONFLICT_OF_INTEREST = "CONFLICT_OF_INTEREST"
    INVALID_WEIGHTS = "INVALID_WEIGHTS"
    NO_ELIGIBLE_SUPERVISOR = "NO_ELIGIBLE_SUPERVISOR"
    INVALID_STATE = "INVALID_STATE"
    # Residents' surveys: the window is not open (yet, or any more); one answer per device
    # and per phone number.
    SURVEY_CLOSED = "SURVEY_CLOSED"
    ALREADY_ANSWERED = "ALREADY_ANSWERED"


class Problem:
    """One thing wrong with a request: what, where, and why in plain Chinese."""

    __slots__ = ("code", "field", "message")

    def __init__(self, code: ErrorCode, message: str, field: list[str] | None = None) -> None:
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"Problem({self.code}, {self.message!r}, {self.field!r})"


class Notice:
    """Something the system did on its own that people should know of (a row skipped, a
    value raised to what the rules require): not a refusal, nothing to fix."""

    __slots__ = ("field", "message")

    def __init__(self, message: str, field: list[str] | None = None) -> None:
        self.message = message
        self.field = field

    def __repr__(self) -> str:
        return f"Notice({self.message!r}, {self.field!r})"


class DomainError(Exception):
    """A refused action, carrying every problem found (at least one)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems

    @classmethod
    def one(cls, code: ErrorCode, message: str, field: list[str] | None = None) -> DomainError:
        return cls([Problem(code, message, field)])
