"""Who is asking, read off an HTTP request or a WebSocket: bearer token or same-site cookie.

Shared by every transport (GraphQL over HTTP and WebSocket, file downloads), so a cookie
sent cross-site is ignored the same way everywhere.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import Scope

from api.auth.models import Account, Role
from api.auth.sessions import SESSION_COOKIE, account_for_token


def session_token(connection: HTTPConnection) -> str | None:
    """The bearer token, else the session cookie when the request is same-site."""
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return token.strip()
    cookie = connection.cookies.get(SESSION_COOKIE)
    return cookie if cookie and same_site(connection) else None


def same_site(connection: HTTPConnection) -> bool:
    """Whether a cookie-carrying request comes from our own pages (CSRF defence).

    Browsers say where a request comes from in ``Sec-Fetch-Site`` and ``Origin``; a
    request from another site keeps its cookie out of the context and acts anonymously.
    The cookie is ``SameSite=Strict`` besides, so this is the second line. A browser's
    WebSocket handshake always names its origin, so cross-site WebSocket hijacking meets
    the same check.
    """
    fetch_site = connection.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = connection.headers.get("origin")
    if origin is None:
        return True  # not a browser's cross-site request: those always name their origin
    return origin.split("://", 1)[-1] == connection.headers.get("host", "")


async def account_for_request(connection: HTTPConnection) -> Account | None:
    """The signed-in account behind a request, or None for the public."""
    return await account_for_token(session_token(connection))


async def publishes(scope: Scope) -> bool:
    """Whether the request comes from a signed-in organizer or publisher (api/body_limit.py)."""
    account = await account_for_request(HTTPConnection(scope))
    return account is not None and account.role in (Role.ORGANIZER, Role.PUBLISHER)
