"""Running a domain service for a mutation and mapping its refusal to ``UserError``s."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from api.errors import DomainError
from schema.errors import UserError, user_errors

T = TypeVar("T")


async def attempt(work: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """``(result, [])`` when the service succeeds, ``(None, errors)`` when it refuses."""
    try:
        return await work, []
    except DomainError as refusal:
        return None, user_errors(refusal)
