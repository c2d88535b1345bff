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
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET

from api.auth.requests import session_token
from api.auth.sessions import account_for_token
from api.live import runtime as live
from api.settings import Settings
from schema.context import Context
from schema.graphiql import graphiql_page
from schema.live.frames import LiveTransportHandler, encode_message
from schema.ratelimit import retry_after
from schema.response_cache import (
    PUBLIC,
    Answer,
    Outcome,
    ResponseCache,
    audience_of,
    request_key,
    role_audience,
)

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
            await self.ws.send_text(encode_message(message))
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class GraphQLView(GraphQL[Context, None]):
    websocket_adapter_class = TextFrames  # type: ignore[assignment]
    graphql_transport_ws_handler_class = LiveTransportHandler

    def __init__(self, schema: Any, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide=None if settings.production else "graphiql",
            allow_queries_via_get=True,
            multipart_uploads_enabled=True,  # importProjects; see api/body_limit.py
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
        )
        self.settings = settings
        ttl = settings.response_cache_ttl
        self.cache = ResponseCache(live.hub(), ttl) if settings.response_cached else None

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:
        """Answers a read request from the response cache when it may, else executes."""
        if isinstance(request, WebSocket):
            return await super().run(request)
        live.begin_request()
        key = await self._cache_key(request)
        if key is None:
            return await self._executed(request, None)
        assert self.cache is not None
        if (hit := self.cache.get(key, PUBLIC)) is not None:
            return _replay(hit)
        context = await self.get_context(request, await self.get_sub_response(request))
        audience = role_audience(context.viewer_role)
        if (hit := self.cache.get(key, audience)) is not None:
            return _replay(hit)
        own: list[Response] = []

        async def compute() -> Outcome | None:
            response = await self._executed(request, context)
            own.append(response)
            return _outcome(response, context)

        outcome = await self.cache.answer(key, audience, compute)
        if own:
            return own[0]
        assert outcome is not None and outcome.answer is not None
        return _replay(outcome.answer)

    async def _cache_key(self, request: Request) -> bytes | None:
        """The request's cache key, or None when it cannot be a cached read."""
        if self.cache is None:
            return None
        media = wants_graphql_response(request)
        if request.method == "GET":
            query = request.url.query
            return request_key("GET", media, query.encode()) if query else None
        content_type = request.headers.get("content-type", "").split(";", 1)[0].strip()
        if request.method != "POST" or content_type.lower() != "application/json":
            return None
        body = await request.body()
        if body.lstrip()[:1] == b"[" or b"mutation" in body:
            # A batch (each operation its own answer), or a mutation: never kept, so not
            # worth a look-up or a wait behind an identical request. A query that only
            # mentions the word is merely not cached.
            return None
        return request_key("POST", media, body)

    async def _executed(self, request: Request, context: Context | None) -> Any:
        """The request executed; a mutation that changed something tells every worker."""
        response = await super().run(request, context=UNSET if context is None else context)
        ran = getattr(request.state, "context", None) if context is None else context
        if ran is not None and ran.operation is OperationType.MUTATION and ran.wrote:
            await live.changed()
        return response

    @property
    def graphql_ide_html(self) -> str:
        """GraphiQL from the vendored files, never a CDN (see schema/graphiql.py)."""
        return graphiql_page()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        token = session_token(request)
        account = await account_for_token(token)
        context = Context(request, response, self.settings, account, token if account else None)
        request.state.context = context
        return context

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
        # One per request, also when the cache asked for it before Strawberry does.
        existing = getattr(request.state, "sub_response", None)
        if existing is not None:
            return existing  # type: ignore[no-any-return]
        sub = await super().get_sub_response(request)
        request.state.sub_response = sub
        return sub

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data = await super().process_result(request, result)
        context: Context = request.state.context
        context.clean = not result.errors
        context.wrote = context.operation is OperationType.MUTATION and _wrote(result.data)
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


def _replay(answer: Answer) -> Response:
    return Response(answer.body, answer.status, media_type=answer.media_type)


def _outcome(response: Any, context: Context) -> Outcome | None:
    """What of an executed request may be kept: a clean query answered in full."""
    if context.operation is not OperationType.QUERY or not context.clean:
        return None
    if type(response) is not Response or response.status_code != 200:
        return None
    media = response.headers.get("content-type", "application/json")
    answer = Answer(response.status_code, media, bytes(response.body))
    role = context.viewer_role
    audience = audience_of(role, context.consulted_role, context.consulted_identity)
    return Outcome(answer, audience, context.page_of_project)


def _wrote(data: dict[str, Any] | None) -> bool:
    """Whether a mutation's answer reports a change: a payload whose ``errors`` list is
    empty, or not asked for. A payload with errors wrote nothing (services are all or
    nothing)."""
    for value in (data or {}).values():
        if isinstance(value, dict) and value.get("errors"):
            continue
        if value is not None:
            return True
    return False
