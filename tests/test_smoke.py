"""The app starts on the test database and answers the simplest questions."""

from __future__ import annotations

DISTRICTS = "{ districts { id name } fairs { edition } me { username } }"


async def test_health_check_reports_ok(client):
    # Given the app is running, when the health check is asked, then it says ok.
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_empty_database_answers_with_empty_lists(gql):
    # Given nothing has been loaded, when districts and fairs are asked for,
    # then the lists are empty and nobody is logged in.
    result = await gql(DISTRICTS)
    assert "errors" not in result
    assert result["data"]["me"] is None
