"""A request id per HTTP request: in the ``X-Request-ID`` response header and in every
log line written for the request, so an operator can find a user's failed request from
the id the browser shows.

A well-formed id sent by a proxy in front (``X-Request-ID``) is kept, so the proxy's
logs and ours agree; anything else gets a fresh one.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")
current: ContextVar[str] = ContextVar("request_id", default="-")


def _incoming(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == HEADER.encode():
            text = value.decode("latin-1")
            return text if WELL_FORMED.fullmatch(text) else None
    return None


class RequestId:
    """ASGI wrapper: sets ``current`` for the request and answers with the header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming(scope) or uuid.uuid4().hex
        token = current.set(request_id)

        async def tagged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, tagged_send)
        finally:
            current.reset(token)
