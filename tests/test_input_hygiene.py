"""Input hygiene: media types in any case, no control or bidi-override characters in
text, and amounts as a Chinese user types them (but no exponents or other scripts)."""

from __future__ import annotations

import orjson
import pytest

from api.auth.models import Role
from api.fairs.models import Fair
from tests.sessions import token_for
from tests.test_fairs_admin import CREATE_FAIR, fair_input

FAIRS = "{ fairs { edition } }"
BUDGET_AT_LEAST = "query ($min: Decimal) { projects(filter: {minBudget: $min}) { totalCount } }"


@pytest.mark.parametrize(
    "media", ["APPLICATION/JSON", "Application/Json; charset=UTF-8", "application/JSON"]
)
async def test_a_json_media_type_in_any_case_is_understood(client, media):
    # Given a query sent with the JSON media type in upper or mixed case
    body = orjson.dumps({"query": FAIRS})
    # When it is posted, then it is answered as JSON would be.
    response = await client.post("/graphql", content=body, headers={"content-type": media})
    assert response.status_code == 200, response.text
    assert "fairs" in response.json()["data"]


@pytest.mark.parametrize(
    "name",
    [
        "第六届\x07社洽会",  # BEL
        "第六届\x1b[31m社洽会\x1b[0m",  # an ESC colour sequence
        "第六届社洽会\u202egpj.exe",  # right-to-left override
        "第六届\u2066社洽会\u2069",  # isolates
        "第六届\x85社洽会",  # a C1 control (NEL)
    ],
    ids=["bel", "esc", "rlo", "isolate", "c1"],
)
async def test_control_and_bidi_override_characters_are_refused_and_nothing_is_written(gql, name):
    # Given an organizer naming a new fair with a control or bidi-override character
    token = await token_for(Role.ORGANIZER)
    before = await Fair.all().count()
    # When the fair is created
    answer = await gql(CREATE_FAIR, {"input": fair_input(name=name)}, token=token)
    # Then the request is refused as invalid input and no fair is written.
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT" and "控制字符" in error["message"]
    assert await Fair.all().count() == before


async def test_a_control_character_in_a_literal_is_refused_too(gql):
    answer = await gql('{ projects(filter: {search: "社工\\u001b[2J"}) { totalCount } }')
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT"


async def test_newlines_and_tabs_stay_allowed(gql):
    # Given a name with a tab and a newline (multi-line text is allowed), when created,
    # then the request is not refused for its characters.
    token = await token_for(Role.ORGANIZER)
    answer = await gql(CREATE_FAIR, {"input": fair_input(name="第六届\t社洽会\n")}, token=token)
    assert "errors" not in answer, answer


@pytest.mark.parametrize(
    "amount", ["１５０，０００．００", "150,000.00", " 150000 ", "１２３４.５"]
)
async def test_amounts_as_typed_in_chinese_are_accepted(gql, amount):
    # Given an amount with full-width digits or thousands separators, when used as money,
    # then it is read (no error).
    answer = await gql(BUDGET_AT_LEAST, {"min": amount})
    assert "errors" not in answer, answer


@pytest.mark.parametrize("amount", ["1e5", "1E+2", "١٢٣", "१२३", "1,00", "Infinity"])
async def test_exponents_and_other_scripts_are_not_money(gql, amount):
    answer = await gql(BUDGET_AT_LEAST, {"min": amount})
    (error,) = answer["errors"]
    assert "不是有效的金额" in error["message"]
