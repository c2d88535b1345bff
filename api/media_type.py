"""Media types compared as RFC 9110 has it: case-insensitively.

Strawberry matches ``application/json`` and ``multipart/form-data`` exactly as written,
so ``Content-Type: APPLICATION/JSON`` was refused as unsupported. This ASGI wrapper
lower-cases the type and subtype before the request reaches it; the parameters after
``;`` are left as sent (a multipart boundary is case-sensitive).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


def normalised(value: bytes) -> bytes:
    media, separator, parameters = value.partition(b";")
    return media.strip().lower() + separator + parameters


class MediaTypeCase:
    """ASGI wrapper: the request's ``Content-Type`` media type in lower case."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = [
                (name, normalised(value) if name == b"content-type" else value)
                for name, value in scope.get("headers", ())
            ]
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)
