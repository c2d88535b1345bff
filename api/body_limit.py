"""Refusing request bodies over their limit before anything parses them.

Three limits: a multipart upload (the only way a spreadsheet arrives) may be as large as
the upload limit; any other body (a JSON or ``application/graphql`` query) only as large
as the small body limit. A plain query has no reason to be megabytes: parsing a 10 MB
``search`` string held the event loop for seconds, while 256 KB parses in well under the
50 ms a request may take from the others. The one exception is a signed-in organizer or
publisher, whose ``publishProjects`` may carry a list of up to 5,000 projects as JSON:
a body declared past the small limit is let up to the publishing limit once its session
is looked up (one indexed query, only for such bodies).

A multipart upload is spooled to disk by the form parser as it arrives, so without a cap a
client could fill the disk (or keep a worker busy) with one endless request. The declared
``Content-Length`` is checked first; a body sent without one (chunked) is counted as it
streams in and cut off the moment it passes the limit. Either way the client gets a 413
with a GraphQL-shaped error in Chinese, never a 500.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Room for the multipart envelope around the file: the GraphQL document, the variables,
# the map and the part headers. A file at the limit itself must still get through.
ENVELOPE_BYTES = 64 * 1024


class BodyTooLarge(Exception):
    """Raised from ``receive`` once a streamed body passes the limit."""


class BodyLimit:
    """ASGI wrapper: multipart bodies of at most ``max_file_bytes`` plus the envelope,
    others of at most ``max_body_bytes``."""

    def __init__(
        self,
        app: ASGIApp,
        max_file_bytes: int,
        max_body_bytes: int,
        publishing: tuple[int, Callable[[Scope], Awaitable[bool]]] | None = None,
    ) -> None:
        self.app = app
        self.max_file_bytes = max_file_bytes
        self.max_upload = max_file_bytes + ENVELOPE_BYTES
        self.max_body_bytes = max_body_bytes
        # The larger limit for JSON bodies, and who may send them.
        self.publishing = publishing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = _is_multipart(scope)
        declared = _content_length(scope)
        limit = self.max_upload if upload else await self._body_limit(scope, declared)
        if declared is not None and declared > limit:
            await self._refusal(upload)(scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
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
            await self._refusal(upload)(scope, receive, send)

    async def _body_limit(self, scope: Scope, declared: int | None) -> int:
        """The small limit, or the publishing one for a large body of a publishing account."""
        if self.publishing is None or (declared is not None and declared <= self.max_body_bytes):
            return self.max_body_bytes
        larger, may_publish = self.publishing
        return larger if await may_publish(scope) else self.max_body_bytes

    def _refusal(self, upload: bool) -> JSONResponse:
        if upload:
            mb = f"{self.max_file_bytes / (1024 * 1024):g} MB"
            message = f"请求过大：上传的文件不能超过 {mb}，请分批导入。Request body too large."
        else:
            kb = f"{self.max_body_bytes / 1024:g} KB"
            message = f"请求过大：查询请求不能超过 {kb}。Request body too large."
        error = {"message": message, "extensions": {"code": "PAYLOAD_TOO_LARGE"}}
        # The client may still be sending: close the connection rather than read the rest.
        return JSONResponse({"errors": [error]}, status_code=413, headers={"connection": "close"})


def _is_multipart(scope: Scope) -> bool:
    """Media types are case-insensitive (RFC 9110): ``Multipart/Form-Data`` is one too."""
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower() == b"multipart/form-data"
    return False


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server itself refuses a malformed length
    return None
