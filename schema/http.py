"""The GraphQL endpoint over HTTP, following the GraphQL-over-HTTP specification.

Clients that accept ``application/graphql-response+json`` get that media type, and a
request that could not be executed at all (unparsable or invalid document) answers 400
without a ``data`` entry; ``application/json`` clients keep the legacy 200. A request
refused by a rate limit answers 429 with ``Retry-After`` for both.
"""

from __future__ import annotations

from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.types import ExecutionResult

from api.auth.requests import session_token
from api.auth.sessions import account_for_token
from api.settings import Settings
from schema.context import Context
from schema.graphiql import graphiql_page
from schema.ratelimit import retry_after

GRAPHQL_RESPONSE = "application/graphql-response+json"


def wants_graphql_response(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return GRAPHQL_RESPONSE in accept or ("application/json" not in accept and "*/*" not in accept)


class TextFrames(ASGIWebSocketAdapter):
    """Sends every graphql-transport-ws message as a text frame, as the protocol has it.

    ``encode_json`` gives bytes (orjson), which Strawberry would send as binary frames;
    a browser hands those to its client as a Blob, and the graphql-ws client then drops
    the connection as a bad response."""

    async def send_json(self, message: Any) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class GraphQLView(GraphQL[Context, None]):
    websocket_adapter_class = TextFrames  # type: ignore[assignment]

    def __init__(self, schema: Any, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide=None if settings.production else "graphiql",
            allow_queries_via_get=True,
            multipart_uploads_enabled=True,  # importProjects; see api/body_limit.py
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        )
        self.settings = settings

    @property
    def graphql_ide_html(self) -> str:
        """GraphiQL from the vendored files, never a CDN (see schema/graphiql.py)."""
        return graphiql_page()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        token = session_token(request)
        account = await account_for_token(token)
        return Context(request, response, self.settings, account, token if account else None)

    async def on_ws_connect(self, context: Context) -> None:
        """A WebSocket client may sign in with ``{"token": …}`` in ``connection_init``
        (the handshake's same-site cookie already counts); a token that names no session
        is refused rather than silently downgraded to the public."""
        token = context.connection_params.get("token")
        if token is None:
            return None
        account = await account_for_token(token) if isinstance(token, str) else None
        if account is None:
            raise ConnectionRejectionError({"message": "登录已失效。Session expired or unknown."})
        context.account, context.token = account, token
        return None

    def parse_json(self, data: str | bytes) -> Any:
        """A JSON body (or multipart operations and map), refused unless an object or list.

        Strawberry reads what it decodes as an object without looking: ``null``, a string
        or a number would fail inside it as a 500 instead of a 400. It turns only malformed
        JSON into a 400, not bytes that are not UTF-8 or nesting deeper than Python's stack."""
        try:
            parsed = super().parse_json(data)
        except (UnicodeDecodeError, RecursionError) as exc:
            raise HTTPException(400, "请求内容不是有效的 JSON。Unable to parse the JSON.") from exc
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, "请求内容必须是 JSON 对象。The request must be a JSON object.")
        return parsed

    async def parse_multipart(self, request: Any) -> dict[str, str]:
        """An upload whose map points where the operations have nothing is the client's
        mistake; Strawberry turns only a missing file into a 400 and the rest into a 500."""
        try:
            return await super().parse_multipart(request)
        except (AttributeError, IndexError, TypeError, ValueError) as exc:
            raise HTTPException(
                400,
                "上传请求的 operations 或 map 不符合 GraphQL multipart 规范。"
                " The multipart operations or map do not fit together.",
            ) from exc

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
        sub = request.state.sub_response
        if (seconds := retry_after(result.errors)) is not None:
            # Refused by a rate limit before it ran: 429 and the wait, for every client.
            sub.status_code = 429
            sub.headers["retry-after"] = str(seconds)
        if not wants_graphql_response(request):
            return data
        sub.headers["content-type"] = GRAPHQL_RESPONSE
        if result.data is None and result.errors and all(e.path is None for e in result.errors):
            data.pop("data", None)  # type: ignore[misc]
            sub.status_code = 429 if seconds is not None else 400
        return data

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        media = sub_response.headers.get("content-type")
        response = super().create_response(response_data, sub_response)
        if media:
            response.headers["content-type"] = media
        return response
