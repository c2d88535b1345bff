"""The GraphQL endpoint over HTTP, following the GraphQL-over-HTTP specification.

Clients that accept ``application/graphql-response+json`` get that media type, and a
request that could not be executed at all (unparsable or invalid document) answers 400
without a ``data`` entry; ``application/json`` clients keep the legacy 200.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from api.auth.sessions import SESSION_COOKIE, account_for_token
from api.settings import Settings
from schema.context import Context

GRAPHQL_RESPONSE = "application/graphql-response+json"


def session_token(request: Request | WebSocket) -> str | None:
    """The bearer token, else the session cookie when the request is same-site."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return token.strip()
    cookie = request.cookies.get(SESSION_COOKIE)
    return cookie if cookie and same_site(request) else None


def same_site(request: Request | WebSocket) -> bool:
    """Whether a cookie-carrying request comes from our own pages (CSRF defence).

    Browsers say where a request comes from in ``Sec-Fetch-Site`` and ``Origin``; a
    request from another site keeps its cookie out of the context and acts anonymously.
    The cookie is ``SameSite=Strict`` besides, so this is the second line.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser's cross-site request: those always name their origin
    return origin.split("://", 1)[-1] == request.headers.get("host", "")


def wants_graphql_response(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return GRAPHQL_RESPONSE in accept or ("application/json" not in accept and "*/*" not in accept)


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, schema: Any, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide=None if settings.production else "graphiql",
            allow_queries_via_get=True,
        )
        self.settings = settings

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        token = session_token(request)
        account = await account_for_token(token)
        return Context(request, response, self.settings, account, token if account else None)

    def encode_json(self, data: object) -> bytes:
        # orjson (installed with Tortoise's accelerators) writes the hall's large answers
        # several times faster than the standard library.
        return orjson.dumps(data)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub = await super().get_sub_response(request)
        request.state.sub_response = sub
        return sub

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data = await super().process_result(request, result)
        if not wants_graphql_response(request):
            return data
        sub = request.state.sub_response
        sub.headers["content-type"] = GRAPHQL_RESPONSE
        if result.data is None and result.errors and all(e.path is None for e in result.errors):
            data.pop("data", None)  # type: ignore[misc]
            sub.status_code = 400
        return data

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        media = sub_response.headers.get("content-type")
        response = super().create_response(response_data, sub_response)
        if media:
            response.headers["content-type"] = media
        return response
