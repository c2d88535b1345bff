"""The web application: GraphQL, health check and the static front end."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.websockets import WebSocket
from tortoise import connections

from api import db
from api.live import runtime as live
from api.settings import Settings, load_settings
from api.static import FrontendFiles, frontend_directory

FRONTEND = frontend_directory()
log = logging.getLogger(__name__)


async def healthz(request: Request) -> JSONResponse:
    """Alive and able to reach the database."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as exc:  # any failure means "not healthy"; the reason is for operators
        return JSONResponse({"status": "unavailable", "database": type(exc).__name__}, 503)
    return JSONResponse({"status": "ok"})


async def database_unavailable(
    connection: Request | WebSocket, exc: Exception
) -> JSONResponse | None:
    """A request whose database connection was lost before it could answer (outside a
    GraphQL resolver, e.g. looking up the session): 503 with a GraphQL-shaped error rather
    than a bare 500. The pool replaces the connection; the next request goes through."""
    log.warning("database connection lost: %r", exc)
    if isinstance(connection, WebSocket):
        await connection.close(code=1013, reason="try again later")
        return None
    body = {"errors": [{"message": db.UNAVAILABLE_MESSAGE, "extensions": {"code": "UNAVAILABLE"}}]}
    return JSONResponse(body, 503, headers={"retry-after": "1"})


def create_app(settings: Settings | None = None) -> Starlette:
    from api.auth.requests import publishes
    from api.body_limit import BodyLimit
    from api.downloads import ROUTES as DOWNLOADS
    from api.idempotency.web import Idempotency
    from api.media_type import MediaTypeCase
    from api.ocds.web import ROUTES as OCDS_ROUTES
    from api.request_id import RequestId
    from api.surveys.identity import pepper_of
    from api.surveys.web import ROUTES as SURVEY_ROUTES
    from schema.http import GraphQLView
    from schema.schema import build_schema

    settings = settings or load_settings()
    pepper_of(settings.survey_pepper, settings.production)  # warns at start-up when unset

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await db.start(settings)
        await live.start(settings.broker_url, settings.database_url)
        try:
            yield
        finally:
            await live.stop()
            await db.stop()

    graphql = GraphQLView(build_schema(settings), settings)
    routes = [
        Route(
            "/graphql",
            BodyLimit(
                MediaTypeCase(Idempotency(graphql)),
                settings.max_upload_bytes,
                settings.max_body_bytes,
                (settings.max_publish_body_bytes, publishes),
            ),
            methods=["GET", "POST"],
        ),
        # Subscriptions (graphql-transport-ws) on the same path, as clients expect.
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        *DOWNLOADS,
        *OCDS_ROUTES,
        *SURVEY_ROUTES,
        Mount("/", FrontendFiles(directory=FRONTEND, html=True, check_dir=False), name="frontend"),
    ]
    # One handler serves requests and WebSockets, which Starlette types apart.
    unavailable: dict[Any, Any] = dict.fromkeys(db.CONNECTION_ERRORS, database_unavailable)
    # Text answers (pages, scripts, GraphQL JSON) go out gzipped to clients that accept it;
    # level 6 rather than 9: nearly the same size for far less CPU per request.
    gzip = Middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app = Starlette(
        routes=routes, lifespan=lifespan, exception_handlers=unavailable, middleware=[gzip]
    )
    app.add_middleware(RequestId)
    app.state.settings = settings
    return app
