"""The web application: GraphQL, health check and the static front end."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from tortoise import connections

from api import db
from api.live import runtime as live
from api.settings import Settings, load_settings

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"


async def healthz(request: Request) -> JSONResponse:
    """Alive and able to reach the database."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as exc:  # any failure means "not healthy"; the reason is for operators
        return JSONResponse({"status": "unavailable", "database": type(exc).__name__}, 503)
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings | None = None) -> Starlette:
    from api.body_limit import BodyLimit
    from api.downloads import ROUTES as DOWNLOADS
    from api.ocds.web import ROUTES as OCDS_ROUTES
    from schema.http import GraphQLView
    from schema.schema import build_schema

    settings = settings or load_settings()

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
        Route("/graphql", BodyLimit(graphql, settings.max_upload_bytes), methods=["GET", "POST"]),
        # Subscriptions (graphql-transport-ws) on the same path, as clients expect.
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        *DOWNLOADS,
        *OCDS_ROUTES,
        Mount("/", StaticFiles(directory=FRONTEND, html=True, check_dir=False), name="frontend"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.settings = settings
    return app
