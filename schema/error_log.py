"""How GraphQL errors reach the server log.

Strawberry logs every error with its traceback: an attack run of ~490 bad requests left
51 tracebacks, burying the one that mattered. Here a client's mistake (a syntax or
validation error, a refused variable, a ``QueryError``) is one line with the request id;
only what went wrong unexpectedly keeps its traceback, at ERROR.
"""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from api import request_id
from schema.errors import QueryError

log = logging.getLogger("sheqia.graphql")


def unexpected(error: GraphQLError) -> bool:
    """A bug rather than the client's mistake: an exception other than a refusal on
    purpose, raised while executing a field."""
    original = error.original_error
    if original is None or isinstance(original, QueryError | GraphQLError):
        return False
    return error.path is not None


class LoggedSchema(strawberry.Schema):
    """The schema, logging client errors in one line and bugs with their traceback."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        rid = request_id.current.get()
        for error in errors:
            if unexpected(error):
                log.error("request %s: %s", rid, error.message, exc_info=error.original_error)
            else:
                code = (error.extensions or {}).get("code", "GRAPHQL_ERROR")
                log.info("request %s: client error %s: %s", rid, code, error.message[:200])
