"""File downloads: the project-list template and a fair's results workbook (.xlsx).

``GET /downloads/template.xlsx`` is the blank template with its notes sheet.
``GET /downloads/fairs/{edition}/results.xlsx`` is the fair's results: an organizer gets the
whole workbook, everyone else the public part (what the GraphQL API shows them too). The
viewer is read off the request as for GraphQL, so a cookie sent cross-site is ignored.

The rows are read asynchronously; building and saving the workbook (CPU-bound) runs in a
worker thread so the server keeps answering meanwhile.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from api.auth.models import Role
from api.auth.requests import account_for_request
from api.fairs.models import Fair
from api.spreadsheets.cells import saved, workbook_bytes
from api.spreadsheets.export import results_sheets
from api.spreadsheets.template import template_choices, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Editions are stored as 32-bit integers: a larger one names no fair (and PostgreSQL would
# refuse it as a query argument instead of finding nothing).
MAX_EDITION = 2**31 - 1


async def template(request: Request) -> Response:
    """The blank project-list template."""
    choices = await template_choices()
    content = await asyncio.to_thread(lambda: saved(template_workbook(choices)))
    return xlsx_response(content, "社洽会项目清单模板.xlsx", "sheqia-project-list-template.xlsx")


async def results(request: Request) -> Response:
    """The fair's results workbook: whole for organizers, the public part for others."""
    edition = int(request.path_params["edition"])
    fair = await Fair.get_or_none(edition=edition) if edition <= MAX_EDITION else None
    if fair is None:
        return PlainTextResponse(f"没有第 {edition} 届社洽会。No such fair.", status_code=404)
    account = await account_for_request(request)
    public = account is None or account.role is not Role.ORGANIZER
    sheets = await results_sheets(fair.id, public=public)
    content = await asyncio.to_thread(workbook_bytes, sheets)
    suffix = "立项结果公示" if public else "立项结果（主办方完整版）"
    ascii_name = f"sheqia-fair-{edition}-results{'' if public else '-full'}.xlsx"
    response = xlsx_response(content, f"{fair.name}{suffix}.xlsx", ascii_name)
    if not public:
        response.headers["cache-control"] = "private, no-store"
    return response


def xlsx_response(content: bytes, filename: str, ascii_name: str) -> Response:
    """An .xlsx attachment named in Chinese (RFC 5987 ``filename*``) with an ASCII fallback
    for clients that know only ``filename``. The answer depends on who asks: never shared
    by caches."""
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{_rfc5987(filename)}"
    headers = {
        "content-disposition": disposition,
        "cache-control": "private, no-cache",
        "vary": "Cookie, Authorization",
        "x-content-type-options": "nosniff",
    }
    return Response(content, media_type=XLSX, headers=headers)


def _rfc5987(filename: str) -> str:
    # Path separators and quotes from a fair's name would confuse the saved file's name.
    cleaned = "".join("_" if c in '/\\"' or ord(c) < 32 else c for c in filename)
    return quote(cleaned, safe="")


ROUTES: list[BaseRoute] = [
    Route("/downloads/template.xlsx", template, methods=["GET"]),
    Route("/downloads/fairs/{edition:int}/results.xlsx", results, methods=["GET"]),
]
