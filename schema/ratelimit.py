"""Rate limits on logins and mutations, as a schema extension.

An extension rather than an ASGI middleware: it runs after the document is parsed and
validated, so it knows the operation type and every root field (aliases and fragments
included), and it sees the context's account, on every transport (HTTP and WebSocket)
alike. It runs before execution: a refused request executes nothing.

- ``login``: per client IP and username (``SHEQIA_RATE_LIMIT_LOGIN_USER``) against
  password guessing, and per client IP (``SHEQIA_RATE_LIMIT_LOGIN``) against trying many
  usernames. Each ``login`` field counts, so aliasing thirty of them gains nothing.
- every other mutation field: per signed-in account, else per client IP
  (``SHEQIA_RATE_LIMIT_MUTATIONS``).

The client IP is the connection's (``request.client.host``): uvicorn runs with proxy
headers, so a trusted proxy's ``X-Forwarded-For`` is already applied.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.ratelimit import Hit, RateLimiter, parse_limits
from api.settings import Settings

CODE = "RATE_LIMITED"
LOGIN = "login"
# Residents answer without an account: counted per client IP under a limit of their own,
# instead of the mutation limit, since a community hall may share one address.
SURVEY = "submitSatisfactionSurvey"
# As login reads a username (api/auth/login.py): spaces around and past 64 characters
# make no other account, so they make no other bucket either.
MAX_USERNAME = 64


class RateLimitPolicy:
    """The limits of the settings and the storage that counts them; one per schema."""

    def __init__(self, settings: Settings) -> None:
        self.limiter = RateLimiter(settings.rate_limit_url)
        self.login = parse_limits(settings.rate_limit_login)
        self.login_user = parse_limits(settings.rate_limit_login_user)
        self.mutations = parse_limits(settings.rate_limit_mutations)
        self.survey = parse_limits(settings.rate_limit_survey)

    def hits(
        self, fields: list[FieldNode], variables: Mapping[str, Any], ip: str, account: str | None
    ) -> list[Hit]:
        """What a mutation takes from its client's buckets: narrowest first, so that an
        attempt refused for one username does not use up the whole address's logins."""
        usernames = Counter(_username(f, variables) for f in fields if f.name.value == LOGIN)
        hits = [
            Hit(self.login_user, ("login", ip, username), count)
            for username, count in usernames.items()
        ]
        if usernames:
            hits.append(Hit(self.login, ("login", ip), usernames.total()))
        answers = sum(1 for f in fields if f.name.value == SURVEY)
        if answers:
            hits.append(Hit(self.survey, ("survey", ip), answers))
        others = len(fields) - usernames.total() - answers
        if others:
            who = f"account:{account}" if account else f"ip:{ip}"
            hits.append(Hit(self.mutations, ("mutation", who), others))
        return hits


def rate_limited(seconds: int) -> GraphQLError:
    return GraphQLError(
        f"操作过于频繁，请 {seconds} 秒后再试。Too many requests: retry in {seconds} s.",
        extensions={"code": CODE, "retryAfter": seconds},
    )


def retry_after(errors: list[GraphQLError] | None) -> int | None:
    """The seconds to wait when a rate limit refused the request, else None."""
    for error in errors or ():
        extensions = error.extensions or {}
        if extensions.get("code") == CODE:
            return int(extensions["retryAfter"])
    return None


class RateLimits(SchemaExtension):
    """Counts every mutation against its client's limits; refuses it when over."""

    def __init__(self, *, policy: RateLimitPolicy) -> None:
        self.policy = policy

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.operation_type is OperationType.MUTATION:
            operation = _operation(context.graphql_document, context.operation_name)
            if operation is not None:
                await self._count(operation, context)
        yield

    async def _count(self, operation: OperationDefinitionNode, context: Any) -> None:
        fragments = {
            d.name.value: d
            for d in context.graphql_document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        fields = list(_root_fields(operation.selection_set, fragments, set()))
        asking = context.context
        account = getattr(asking, "account", None)
        hits = self.policy.hits(
            fields,
            context.variables or {},
            client_ip(asking),
            str(account.id) if account is not None else None,
        )
        seconds = await self.policy.limiter.acquire(hits)
        if seconds is not None:
            # Setting the result before execution skips it: nothing runs.
            context.result = ExecutionResult(data=None, errors=[rate_limited(seconds)])


def _operation(document: Any, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def _root_fields(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    seen: set[str],
) -> Iterator[FieldNode]:
    """Every root field the operation runs, through fragments; @skip/@include are not
    evaluated, so a field skipped by a directive still counts."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if not selection.name.value.startswith("__"):  # __typename runs nothing
                yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in seen and name in fragments:
                seen.add(name)
                yield from _root_fields(fragments[name].selection_set, fragments, seen)


def _username(field: FieldNode, variables: Mapping[str, Any]) -> str:
    argument = next((a for a in field.arguments or () if a.name.value == "username"), None)
    value: Any = None
    if argument is not None and isinstance(argument.value, StringValueNode):
        value = argument.value.value
    elif argument is not None and isinstance(argument.value, VariableNode):
        value = variables.get(argument.value.name.value)
    return str(value).strip()[:MAX_USERNAME] if value is not None else ""


def client_ip(asking: Any) -> str:
    request = getattr(asking, "request", None)
    client = getattr(request, "client", None)
    return client.host if client is not None else "unknown"
