"""The served schema: the root types of every domain merged, with the protective limits."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.tools import merge_types

from api.db import UNAVAILABLE_MESSAGE, connection_lost
from api.settings import Settings, load_settings
from schema.audit.queries import AuditQuery
from schema.auth.mutations import AuthMutation
from schema.auth.queries import AuthQuery
from schema.bidding.claims import ClaimsMutation
from schema.bidding.review import ReviewMutation
from schema.catalog.queries import CatalogQuery
from schema.contracts.mutations import ContractsMutation
from schema.control_characters import RefuseControlCharacters
from schema.cost import cost_rule
from schema.error_log import LoggedSchema
from schema.errors import QueryError
from schema.execution_start import MarkExecution
from schema.fairs.mutations import FairsMutation
from schema.fairs.queries import FairsQuery
from schema.limits import alias_rule, depth_rule
from schema.live.execution import SubscriptionEventExecutor
from schema.live.subscriptions import LiveSubscription
from schema.node import NodeQuery
from schema.organizations.mutations import OrganizationsMutation
from schema.organizations.queries import OrganizationsQuery
from schema.places.queries import PlacesQuery
from schema.projects.mutations import ProjectsMutation
from schema.projects.queries import ProjectsQuery
from schema.projects.withdrawal import ProjectWithdrawalMutation
from schema.ratelimit import RateLimitPolicy, RateLimits
from schema.scalars import SCALAR_OVERRIDES
from schema.spreadsheets.mutations import SpreadsheetsMutation
from schema.supervisors.assignment import AssignmentMutation
from schema.supervisors.mutations import SupervisorsMutation
from schema.supervisors.queries import SupervisorsQuery
from schema.supervisors.reassignment import ReassignmentMutation
from schema.surveys.mutations import SurveysMutation
from schema.surveys.queries import SurveysQuery

Query = merge_types(
    "Query",
    (
        NodeQuery,
        AuthQuery,
        FairsQuery,
        ProjectsQuery,
        OrganizationsQuery,
        SupervisorsQuery,
        PlacesQuery,
        CatalogQuery,
        AuditQuery,
        SurveysQuery,
    ),
)
Query.__strawberry_definition__.description = (  # type: ignore[attr-defined]
    "社洽会的查询入口：项目库、社会组织资源库与督导专家库。The fair's read API."
)


# Each domain's mutation root; add a domain's class here to serve its mutations.
MUTATIONS: tuple[type, ...] = (
    AuthMutation,
    ClaimsMutation,
    ReviewMutation,
    AssignmentMutation,
    ReassignmentMutation,
    ContractsMutation,
    FairsMutation,
    OrganizationsMutation,
    SupervisorsMutation,
    ProjectsMutation,
    ProjectWithdrawalMutation,
    SpreadsheetsMutation,
    SurveysMutation,
)
Mutation = merge_types("Mutation", MUTATIONS)
Mutation.__strawberry_definition__.description = (  # type: ignore[attr-defined]
    "社洽会的操作入口：每个操作返回它改变的对象和错误列表（空表示成功）。The fair's actions."
)


Subscription = merge_types("Subscription", (LiveSubscription,))
Subscription.__strawberry_definition__.description = (  # type: ignore[attr-defined]
    "社洽会的实时动态（graphql-transport-ws，地址同 /graphql）。The fair, live."
)


def should_mask(error: GraphQLError) -> bool:
    """Hide only what went wrong unexpectedly during execution.

    Errors without a path (parse, validation, variable coercion) describe the client's
    request; a ``QueryError`` is a refusal on purpose. Everything else is a bug whose
    details must not reach the client.
    """
    if error.path is None:
        return False
    return not isinstance(error.original_error, QueryError | None)


class MaskUnexpected(MaskErrors):
    """Hides what went wrong unexpectedly; a lost database connection (a restart, a
    fail-over) says so instead, with code UNAVAILABLE, since trying again will work."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if not connection_lost(error.original_error):
            return super().anonymise_error(error)
        return GraphQLError(
            UNAVAILABLE_MESSAGE,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "UNAVAILABLE"},
        )


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or load_settings()
    # The limit rules are built once: the validation cache keys on the rule classes, so
    # rules made afresh per request would never hit it.
    rules = [
        depth_rule(settings.max_query_depth),
        alias_rule(settings.max_aliases),
        cost_rule(settings.max_query_cost, settings.page_size_cap),
    ]
    # One policy (and its counters) per schema; none at all when rate limits are off.
    limits: list[Any] = []
    if settings.rate_limited:
        policy = RateLimitPolicy(settings)
        limits.append(lambda: RateLimits(policy=policy))
    # Introspection tells an attacker the whole API; production turns it off unless asked.
    introspection: list[Any] = [] if settings.introspection else [DisableIntrospection]
    return LoggedSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        scalar_overrides=SCALAR_OVERRIDES,  # type: ignore[arg-type]
        # Subscriptions run each event with a memo of its own (schema/live/execution.py).
        execution_context_class=SubscriptionEventExecutor,
        # Factories, so every request gets fresh extension instances. The caches come
        # after the limits: a document is parsed and validated (limits included) once,
        # and the few documents the front end sends are then served from the caches.
        extensions=[
            lambda: AddValidationRules(rules),  # type: ignore[arg-type]
            *introspection,
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            ParserCache,
            ValidationCache,
            # After validation, before execution: a refused mutation runs nothing.
            *limits,
            RefuseControlCharacters,
            lambda: MaskUnexpected(
                should_mask_error=should_mask, error_message="服务器内部错误。Internal error."
            ),
            MarkExecution,
        ],
    )


schema = build_schema()
