"""Public URLs of a fair's OCDS data.

``GET /ocds/fairs/{edition}/releases.json`` is the release package and
``GET /ocds/fairs/{edition}/records.json`` the record package. They hold only public data,
so any cache may keep them for a few minutes; the ETag lets a client ask again cheaply.
An unknown fair, or one with nothing public yet, is a 404 with a Chinese message.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from api.fairs.models import Fair
from api.settings import Settings

from .packages import Publication, fair_releases, record_package, release_package

# Editions are stored as 32-bit integers: a larger one names no fair.
MAX_EDITION = 2**31 - 1
CACHE_CONTROL = "public, max-age=300"

Builder = Callable[[Fair, Publication, list[dict[str, Any]]], dict[str, Any]]


async def releases(request: Request) -> Response:
    """The fair's release package."""
    return await _package(request, release_package)


async def records(request: Request) -> Response:
    """The fair's record package."""
    return await _package(request, record_package)


async def _package(request: Request, build: Builder) -> Response:
    raw = request.path_params["edition"]
    fair = await _fair(raw)
    if fair is None:
        return _not_found(f"没有第 {raw} 届社洽会。No such fair.")
    publication = publication_for(request)
    found = await fair_releases(fair, publication)
    if not found:
        return _not_found(f"「{fair.name}」还没有公开的项目。The fair has no public project yet.")
    body = await asyncio.to_thread(lambda: orjson.dumps(build(fair, publication, found)))
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"cache-control": CACHE_CONTROL, "etag": etag, "vary": "Accept-Encoding"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def publication_for(request: Request) -> Publication:
    settings: Settings = request.app.state.settings
    base = str(request.base_url).rstrip("/")
    return Publication(ocid_prefix=settings.ocid_prefix, base_url=base)


async def _fair(raw: str) -> Fair | None:
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_EDITION:
        return None
    return await Fair.get_or_none(edition=int(raw))


def _not_found(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=404, headers={"cache-control": "no-cache"})


ROUTES: list[BaseRoute] = [
    Route("/ocds/fairs/{edition}/releases.json", releases, methods=["GET"]),
    Route("/ocds/fairs/{edition}/records.json", records, methods=["GET"]),
]
