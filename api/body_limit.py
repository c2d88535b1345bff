"""Refusing request bodies over the upload limit before anything parses them.

A multipart upload is spooled to disk by the form parser as it arrives, so without a cap a
client could fill the disk (or keep a worker busy) with one endless request. The declared
``Content-Length`` is checked first; a body sent without one (chunked) is counted as it
streams in and cut off the moment it passes the limit. Either way the client gets a 413
with a GraphQL-shaped error in Chinese, never a 500.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Room for the multipart envelope around the file: the GraphQL document, the variables,
# the map and the part headers. A file at the limit itself must still get through.
ENVELOPE_BYTES = 64 * 1024


class BodyTooLarge(Exception):
    """Raised from ``receive`` once a streamed body passes the limit."""


class BodyLimit:
    """ASGI wrapper: HTTP request bodies of at most ``max_file_bytes`` plus the envelope."""

    def __init__(self, app: ASGIApp, max_file_bytes: int) -> None:
        self.app = app
        self.max_file_bytes = max_file_bytes
        self.max_body = max_file_bytes + ENVELOPE_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await self._refusal()(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:  # cannot happen before the body is read; never answer twice
                raise
            await self._refusal()(scope, receive, send)

    def _refusal(self) -> JSONResponse:
        mb = f"{self.max_file_bytes / (1024 * 1024):g} MB"
        message = f"请求过大：上传的文件不能超过 {mb}，请分批导入。Request body too large."
        error = {"message": message, "extensions": {"code": "PAYLOAD_TOO_LARGE"}}
        # The client may still be sending: close the connection rather than read the rest.
        return JSONResponse({"errors": [error]}, status_code=413, headers={"connection": "close"})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server itself refuses a malformed length
    return None
