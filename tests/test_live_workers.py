"""Subscription.fairActivity against real servers: uvicorn processes, real WebSockets.

Part one runs ``sheqia serve --demo`` on a SQLite file and speaks graphql-transport-ws to
it as a browser would: signing in on connect, refusals, the cross-site cookie, what the
public may see, the per-connection limit, and a client that stops reading.

Part two (PostgreSQL: ``SHEQIA_TEST_DATABASE_URL``) runs two servers, A and B, on one
database and one broker — a redis-server of the test's own, then PostgreSQL
LISTEN/NOTIFY — and checks that what happens through B reaches A exactly once, in commit
order, also across a broker that dies and comes back. Last, ``sheqia serve --workers 2``.

The servers see a database of their own (the test database's name + ``_live``), because
the test session wipes and fills the test database itself. Nothing here measures time:
waits have deadlines only so that a broken server fails instead of hanging.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio
from websockets.exceptions import InvalidStatus

from api.live.postgres_broker import APPLICATION_NAME
from tests.live_client import LiveConnection, Refused
from tests.live_fair import Hall, Probe, events_of, events_until
from tests.live_servers import (
    Pair,
    Server,
    fresh_database,
    postgres_url,
    serve,
    serve_pair,
    sibling_database,
    terminate_backends,
)

ACTIVITY = """
subscription Activity($fair: ID!) {
  fairActivity(fair: $fair) { id kind at project { id status } organization { id contactPhone } }
}
"""

# Everything private an event could lead to: contacts, and bids of the project and of
# the organization. The public must find none of it filled in.
PRYING = """
subscription Prying($fair: ID!) {
  fairActivity(fair: $fair) {
    id kind
    project { id bids(first: 20) { totalCount edges { node { id amount } } } }
    organization {
      id name contactName contactPhone
      bids(first: 20) { totalCount edges { node { id } } }
    }
  }
}
"""

# A subscription whose every event weighs about 20 KB: ten of them on one connection
# outgrow any socket buffer after a few events, so a client that reads nothing really
# does stall its connection.
HEAVY = (
    "subscription Heavy($fair: ID!) { fairActivity(fair: $fair) { id kind project { id } "
    + " ".join(
        f"p{n}: project {{ title description beneficiaries qualifications communityOpinion }}"
        for n in range(24)
    )
    + " } }"
)

LIMIT = 10  # Settings.max_subscriptions_per_connection
ALL_KINDS = {"CLAIMED", "BID", "WITHDRAWN", "AWARDED", "SUPERVISOR_ASSIGNED", "EVALUATED", "PAID"}


# --- one server on SQLite ---------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``sheqia serve --demo`` on a SQLite file of its own, events kept in process."""
    folder = tmp_path_factory.mktemp("live")
    env = {"SHEQIA_DATABASE_URL": f"sqlite://{folder / 'sheqia.db'}", "SHEQIA_BROKER_URL": ""}
    running = serve(["--demo"], env, folder / "server.log")
    yield running
    running.stop()


@pytest_asyncio.fixture(scope="module")
async def hall(server: Server) -> AsyncIterator[Hall]:
    fair = await Hall.of(server.base)
    yield fair
    await fair.http.aclose()


@pytest_asyncio.fixture(scope="module")
async def probe(hall: Hall) -> Probe:
    return Probe(hall, await hall.take())


async def test_a_claim_over_http_reaches_an_anonymous_websocket_subscriber(server, hall, probe):
    # Given an anonymous subscriber on a real WebSocket,
    public = await LiveConnection.open(server.ws)
    activity = await public.subscribe(ACTIVITY, {"fair": hall.fair})
    await probe.until_heard(activity)
    # when the demo organization claims a project over HTTP,
    project = await hall.take()
    await hall.claim(project)
    # then the subscriber hears of it, the project already taken, with no organization.
    [event] = await events_of(activity, [project.id], 1)
    assert (event["kind"], event["project"]["status"]) == ("CLAIMED", "CLAIMED")
    assert event["organization"] is None
    await public.close()


async def test_signing_in_on_connect_shows_an_organization_its_own_claim(server, hall, probe):
    # Given the organization signed in with its token in connection_init,
    own = await LiveConnection.open(server.ws, {"token": hall.org})
    activity = await own.subscribe(ACTIVITY, {"fair": hall.fair})
    await probe.until_heard(activity)
    # when it claims a project,
    project = await hall.take()
    await hall.claim(project)
    # then it sees itself named, with its contact phone.
    [event] = await events_of(activity, [project.id], 1)
    assert event["kind"] == "CLAIMED"
    assert event["organization"]["id"] == await hall.own_organization()
    assert event["organization"]["contactPhone"]
    await own.close()


@pytest.mark.parametrize("token", ["not-a-session", 42, ""])
async def test_a_token_that_names_no_session_is_refused_with_4403(server, token):
    with pytest.raises(Refused) as refused:
        await LiveConnection.open(server.ws, {"token": token})
    assert refused.value.code == 4403


async def test_a_session_cookie_on_a_cross_site_handshake_is_not_honoured(server, hall, probe):
    # Given the organization's session cookie, sent on two handshakes: one from the
    # server's own origin, one from another site (cross-site WebSocket hijacking),
    _, cookie = await hall.http.login("org", "demo-org-2026")
    headers = {"cookie": f"sheqia_session={cookie}"}
    own_site = await LiveConnection.open(server.ws, headers=headers, origin=server.base)
    try:
        elsewhere: LiveConnection | None = await LiveConnection.open(
            server.ws, headers=headers, origin="https://elsewhere.example"
        )
    except InvalidStatus as refused:
        # then the other site's handshake is refused outright (Strawberry checks the
        # origin of every WebSocket handshake),
        assert refused.response.status_code == 403
        elsewhere = None
    mine = await own_site.subscribe(ACTIVITY, {"fair": hall.fair})
    hijacked = await elsewhere.subscribe(ACTIVITY, {"fair": hall.fair}) if elsewhere else None
    await probe.until_heard(*(o for o in (mine, hijacked) if o is not None))
    # and when the organization claims a project, the same-site connection acts as the
    # organization; a cross-site one, were it let in, would act as the public.
    project = await hall.take()
    await hall.claim(project)
    [seen] = await events_of(mine, [project.id], 1)
    assert seen["organization"] is not None
    if hijacked is not None:
        [unseen] = await events_of(hijacked, [project.id], 1)
        assert unseen["organization"] is None
    await own_site.close()
    if elsewhere is not None:
        await elsewhere.close()


async def test_the_public_finds_nothing_private_in_any_kind_of_event(server, hall, probe):
    # Given an anonymous subscriber asking for contacts and bids, and the organizer
    # asking the same,
    public = await LiveConnection.open(server.ws)
    organizer = await LiveConnection.open(server.ws, {"token": hall.organizer})
    prying = await public.subscribe(PRYING, {"fair": hall.fair})
    entitled = await organizer.subscribe(PRYING, {"fair": hall.fair})
    await probe.until_heard(prying, entitled)
    # when a project goes through every step the hall announces,
    direct, competitive = await hall.take(), await hall.take("COMPETITIVE")
    bid = await hall.claim(direct)
    await hall.withdraw(bid)
    await hall.claim(direct)
    await hall.claim(competitive)
    await hall.award(direct)
    assert direct.id in await hall.assign_supervisors()
    await hall.pay(direct, 1)
    await hall.evaluate(direct)
    # then the public hears of every kind of event, and no contact and no bid in any,
    events = await events_of(prying, [direct.id, competitive.id], 8)
    assert {e["kind"] for e in events} == ALL_KINDS
    for event in events:
        assert event["project"]["bids"] == {"totalCount": 0, "edges": []}, event
        organization = event["organization"]
        if organization is not None:  # named on public acts: the award, payments…
            assert organization["contactName"] is None, event
            assert organization["contactPhone"] is None, event
            assert organization["bids"] == {"totalCount": 0, "edges": []}, event
    # while the organizer, asking the same, is shown them: there was something to hide.
    shown = await events_of(entitled, [direct.id, competitive.id], 8)
    assert any(e["organization"] and e["organization"]["contactPhone"] for e in shown)
    assert any(e["project"]["bids"]["totalCount"] > 0 for e in shown)
    await public.close()
    await organizer.close()


async def test_the_eleventh_subscription_on_one_connection_is_refused(server, hall, probe):
    # Given a connection with the ten subscriptions it may hold,
    connection = await LiveConnection.open(server.ws)
    ten = [await connection.subscribe(ACTIVITY, {"fair": hall.fair}) for _ in range(LIMIT)]
    # when it asks for an eleventh,
    eleventh = await connection.subscribe(ACTIVITY, {"fair": hall.fair})
    # then that one gets an error, and the ten keep working.
    refusal = await eleventh.message()
    assert isinstance(refusal, dict) and refusal["type"] == "error", refusal
    assert "limit" in str(refusal["payload"]).lower()
    await probe.until_heard(*ten)
    # Ending one makes room for another.
    await ten[0].complete()
    again = await connection.subscribe(ACTIVITY, {"fair": hall.fair})
    await probe.until_heard(again)
    assert connection.closed is None
    await connection.close()


async def test_a_client_that_stops_reading_does_not_hold_up_the_others(server, hall, probe):
    # Given a client that subscribes ten times to heavy events and then reads nothing
    # (a tiny receive buffer, one frame of queue: its connection backs up at once),
    stalled_socket = socket.socket()
    stalled_socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled_socket.connect(("127.0.0.1", server.port))
    stalled_socket.setblocking(False)
    stalled = await LiveConnection.open(server.ws, sock=stalled_socket, max_queue=1)
    stalled.stop_reading()
    for _ in range(LIMIT):
        await stalled.subscribe(HEAVY, {"fair": hall.fair})
    # and a client that reads,
    live = await LiveConnection.open(server.ws)
    activity = await live.subscribe(ACTIVITY, {"fair": hall.fair})
    await probe.until_heard(activity)
    # when a project is claimed and withdrawn over and over (some 6 MB for the stalled
    # client, far beyond what the sockets between them can hold),
    project = await hall.take()
    kinds = []
    bid = None
    for _ in range(30):
        if bid is None:
            bid = await hall.claim(project)
        else:
            await hall.withdraw(bid)
            bid = None
        # then the reading client has each event before the next change is even made.
        [event] = await events_of(activity, [project.id], 1)
        kinds.append(event["kind"])
    assert kinds == ["CLAIMED", "WITHDRAWN"] * 15
    # The stalled client, once it reads again, finds all of them: late, not lost.
    stalled.start_reading()
    late = await events_of(stalled.operations["1"], [project.id], len(kinds))
    assert [e["kind"] for e in late] == kinds
    await live.close()
    await stalled.close()


# --- two servers on PostgreSQL, with a broker between them ------------------------------


postgres = pytest.mark.postgres


@pytest_asyncio.fixture(scope="module")
async def live_database() -> str:
    """A database for the servers, emptied; the first server loads the demo fair."""
    url = sibling_database(postgres_url(), "live")
    await fresh_database(url, next_to=postgres_url())
    return url


@pytest.fixture(scope="module", params=["redis", "postgres"])
def pair(
    request: pytest.FixtureRequest, live_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    """A and B with a redis-server of their own, or with PostgreSQL LISTEN/NOTIFY."""
    folder = tmp_path_factory.mktemp(f"pair-{request.param}")
    with serve_pair(live_database, request.param == "redis", folder) as servers:
        yield servers


@pytest_asyncio.fixture(scope="module")
async def halls(pair: Pair) -> AsyncIterator[tuple[Hall, Hall]]:
    """The fair through A and through B (one pool of projects)."""
    through_a = await Hall.of(pair.a.base)
    through_b = through_a.through(pair.b.base)
    yield through_a, through_b
    await through_a.http.aclose()
    await through_b.http.aclose()


@postgres
async def test_what_happens_through_b_reaches_a_exactly_once_in_commit_order(pair, halls):
    through_a, through_b = halls
    # Given the organizer subscribed on A and the public on B,
    organizer = await LiveConnection.open(pair.a.ws, {"token": through_a.organizer})
    public = await LiveConnection.open(pair.b.ws)
    on_a = await organizer.subscribe(ACTIVITY, {"fair": through_a.fair})
    on_b = await public.subscribe(ACTIVITY, {"fair": through_a.fair})
    await Probe(through_b, await through_b.take()).until_heard(on_a, on_b)
    # when, all through B and at once, three projects are claimed and withdrawn in turn
    # and three organizations bid for a competitive project, one of them withdrawing,
    directs = [await through_b.take() for _ in range(3)]
    competitive = await through_b.take("COMPETITIVE")
    bidders = await through_b.organizations(3)

    async def compete() -> list[tuple[str, str]]:
        bids = [await through_b.claim(competitive, token) for _, token in bidders]
        await through_b.withdraw(bids[1], bidders[1][1])
        return [("BID", org) for org, _ in bidders] + [("WITHDRAWN", bidders[1][0])]

    *direct_kinds, competing = await asyncio.gather(
        *(through_b.claim_and_withdraw(p, 5) for p in directs), compete()
    )
    # and one more claim marks the end,
    marker = await through_b.take()
    await through_b.claim(marker)
    # then A has every event once, each project's in the order they were committed,
    for events, names_bidders in (
        (await events_until(on_a, marker.id), True),
        (await events_until(on_b, marker.id), False),
    ):
        ours = [e for e in events if e["project"]["id"] in {p.id for p in [*directs, competitive]}]
        assert len({e["id"] for e in ours}) == len(ours) == 5 * 3 + 4
        for project, kinds in zip(directs, direct_kinds, strict=True):
            assert [e["kind"] for e in ours if e["project"]["id"] == project.id] == kinds
        bids = [e for e in ours if e["project"]["id"] == competitive.id]
        # and the organizer on A sees who bid, the public on B does not.
        expected = competing if names_bidders else [(kind, None) for kind, _ in competing]
        assert [(e["kind"], (e["organization"] or {}).get("id")) for e in bids] == expected
    await organizer.close()
    await public.close()


@postgres
async def test_events_after_the_broker_comes_back_still_arrive(pair, halls):
    through_a, through_b = halls
    # Given a subscriber on A that hears what happens through B,
    watcher = await LiveConnection.open(pair.a.ws, {"token": through_a.organizer})
    on_a = await watcher.subscribe(ACTIVITY, {"fair": through_a.fair})
    await Probe(through_b, await through_b.take()).until_heard(on_a)
    held = await through_b.take()
    if pair.redis is not None:
        # when Redis dies mid-stream, a claim is made while it is down, and it restarts
        # on the same port, empty,
        pair.redis.kill()
        await through_b.claim(held)
        pair.redis.start()
    else:
        # when PostgreSQL drops the brokers' connections (a restart, a fail-over),
        dropped = await terminate_backends(pair.database, APPLICATION_NAME)
        assert dropped >= 2  # A's and B's listeners at least
    # then, once the brokers have found their way back,
    await Probe(through_b, await through_b.take()).until_heard(on_a, attempts=60)
    # what happens next reaches A, in order,
    after = await through_b.take()
    kinds = await through_b.claim_and_withdraw(after, 3)
    assert [e["kind"] for e in await events_of(on_a, [after.id], 3)] == kinds
    if pair.redis is not None:
        # and the claim made while Redis was down was held back and delivered, once.
        marker = await through_b.take()
        await through_b.claim(marker)
        events = await events_until(on_a, marker.id)
        assert [e["kind"] for e in events if e["project"]["id"] == held.id] == ["CLAIMED"]
    await watcher.close()


@postgres
async def test_serve_with_two_workers_on_postgresql_serves_subscriptions_from_both(
    live_database: str, tmp_path_factory: pytest.TempPathFactory
):
    # Given `sheqia serve --workers 2` on PostgreSQL with no broker configured (the
    # database's LISTEN/NOTIFY then carries the events),
    folder = tmp_path_factory.mktemp("two-workers")
    env = {"SHEQIA_DATABASE_URL": live_database, "SHEQIA_BROKER_URL": ""}
    server = serve(["--workers", "2", "--demo"], env, folder / "server.log")
    try:
        # it answers its health check,
        assert httpx.get(f"{server.base}/healthz", timeout=10).json() == {"status": "ok"}
        # and subscribers on several connections (the kernel spreads them over the two
        # workers) all hear claims made on fresh connections (spread likewise).
        hall = await Hall.of(server.base, keep_alive=False)
        connections = [await LiveConnection.open(server.ws) for _ in range(6)]
        feeds = [await c.subscribe(ACTIVITY, {"fair": hall.fair}) for c in connections]
        await Probe(hall, await hall.take()).until_heard(*feeds)
        projects = [await hall.take() for _ in range(4)]
        for project in projects:
            await hall.claim(project)
        for feed in feeds:
            events = await events_of(feed, [p.id for p in projects], 4)
            assert sorted(e["project"]["id"] for e in events) == sorted(p.id for p in projects)
        for connection in connections:
            await connection.close()
        await hall.http.aclose()
    finally:
        server.stop()


# What the hall and a project page show an anonymous visitor: served from the response
# cache of each worker (schema/response_cache.py) whenever nothing has changed.
PROJECT_PAGE = "query Page($id: ID!) { project(id: $id) { id status bidCount } }"
HALL_FIGURES = "{ fair { stats { bidCount } } }"


@postgres
async def test_no_worker_shows_the_state_before_a_claim_once_its_event_is_delivered(
    pair, halls
):
    through_a, through_b = halls
    watcher = await LiveConnection.open(pair.a.ws)
    on_a = await watcher.subscribe(ACTIVITY, {"fair": through_a.fair})
    await Probe(through_a, await through_a.take()).until_heard(on_a)
    for _ in range(5):
        # Given a project's page and the hall's figures read (and kept) on both servers,
        project = await through_b.take()
        for hall in (through_a, through_b):
            page = await hall.http.gql(PROJECT_PAGE, {"id": project.id})
            assert page["project"]["status"] == "PUBLISHED"
        before = (await through_a.http.gql(HALL_FIGURES))["fair"]["stats"]["bidCount"]
        await through_b.http.gql(HALL_FIGURES)
        # when the project is claimed through B and the claim's answer is back,
        await through_b.claim(project)
        # then B shows the claim at once,
        page = await through_b.http.gql(PROJECT_PAGE, {"id": project.id})
        assert (page["project"]["status"], page["project"]["bidCount"]) == ("CLAIMED", 1)
        assert (await through_b.http.gql(HALL_FIGURES))["fair"]["stats"]["bidCount"] > before
        # and A as soon as its subscriber has heard of it.
        await events_of(on_a, [project.id], 1)
        page = await through_a.http.gql(PROJECT_PAGE, {"id": project.id})
        assert (page["project"]["status"], page["project"]["bidCount"]) == ("CLAIMED", 1)
        assert (await through_a.http.gql(HALL_FIGURES))["fair"]["stats"]["bidCount"] > before
    await watcher.close()
