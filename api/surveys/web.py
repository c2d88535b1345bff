"""The survey's public addresses.

- ``GET /s/{code}``: the short link of the QR code; sends the phone to the resident's page.
- ``GET /surveys/{code}/qr.svg``: the QR code alone.
- ``GET /surveys/{code}/poster.pdf``: the printable A4 poster.

All public: the poster hangs on a wall, and the code is all they reveal.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from api.bidding.models import Award
from api.organizations.models import Organization
from api.places.models import District, Publisher
from api.projects.models import Project
from api.settings import Settings
from api.surveys.answers import survey_by_code
from api.surveys.links import qr_svg, survey_link
from api.surveys.models import SatisfactionSurvey
from api.surveys.poster import PosterFacts, poster_pdf


def base_url(settings: Settings, request: Request) -> str:
    """Where residents reach the site: ``SHEQIA_PUBLIC_URL``, else this request's address."""
    return settings.public_url or str(request.base_url).rstrip("/")


async def short_link(request: Request) -> Response:
    code = request.path_params["code"].upper()
    return RedirectResponse(f"/#/s/{quote(code, safe='')}", status_code=302)


async def qr(request: Request) -> Response:
    survey = await survey_by_code(request.path_params["code"])
    if survey is None:
        return _not_found()
    link = survey_link(base_url(request.app.state.settings, request), survey.code)
    return Response(qr_svg(link), media_type="image/svg+xml", headers=_headers())


async def poster(request: Request) -> Response:
    survey = await survey_by_code(request.path_params["code"])
    if survey is None:
        return _not_found()
    facts = await _facts(survey, base_url(request.app.state.settings, request))
    content = await asyncio.to_thread(poster_pdf, facts)
    headers = _headers()
    headers["content-disposition"] = (
        f'inline; filename="sheqia-survey-{survey.code}.pdf"; '
        f"filename*=UTF-8''{quote(f'满意度调查海报-{survey.code}.pdf', safe='')}"
    )
    return Response(content, media_type="application/pdf", headers=headers)


async def _facts(survey: SatisfactionSurvey, base: str) -> PosterFacts:
    project = await Project.get(id=survey.project_id)
    publisher = await Publisher.get(id=project.publisher_id)
    district = await District.get(id=project.district_id)
    award = await Award.get_or_none(project_id=project.id)
    organization = await Organization.get(id=award.organization_id) if award else None
    # A full-width space: the CID font has no middle dot (·).
    place = district.name + (f"\u3000{project.community}" if project.community else "")
    return PosterFacts(
        project_title=project.title,
        place=place,
        publisher=publisher.name,
        organization=organization.name if organization else None,
        link=survey_link(base, survey.code),
        opens_at=survey.opens_at,
        closes_at=survey.closes_at,
    )


def _headers() -> dict[str, str]:
    return {"cache-control": "public, max-age=300", "x-content-type-options": "nosniff"}


def _not_found() -> Response:
    return PlainTextResponse("找不到这份满意度调查。No such survey.", status_code=404)


ROUTES: list[BaseRoute] = [
    Route("/s/{code}", short_link, methods=["GET"]),
    Route("/surveys/{code}/qr.svg", qr, methods=["GET"]),
    Route("/surveys/{code}/poster.pdf", poster, methods=["GET"]),
]
