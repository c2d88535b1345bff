"""Subscribers for ``live.py``: many graphql-transport-ws subscriptions to one fair's
activity, in a process of their own so the client does not share the harness's loop.

Subscriber ``i`` (from ``--first``) connects to ``--urls[i % len(urls)]``, so the
subscribers are split evenly over the servers; each is one WebSocket connection with one
``fairActivity`` subscription, signed in as nobody (the public board; a claim's
organization stays hidden from it). Every ``next`` message is recorded with its arrival
time on this machine's clock, to be compared with the event's own ``at``.

The harness drives it through stdin, one command a line, each answered on stdout:
``count`` → ``count N`` (events received so far), ``dump PATH`` → ``dumped`` (the records
written to PATH), ``quit`` (or end of input) → the connections closed, exit. On start it
answers ``ready N`` once N subscriptions are sent, after their ``connection_ack``.

    python bench/subscribers.py --fair ID --urls ws://…/graphql[,ws://…] --count 500
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from typing import Any

import orjson
import uvloop
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ACTIVITY = "subscription Activity($fair: ID!) { fairActivity(fair: $fair) { id kind at project { id title status budget } organization { id name } } }"
CONNECTING_AT_ONCE = 50

# (subscriber, event id, kind, project id, at as sent, arrival in seconds since the epoch)
Record = tuple[int, str, str, str, str, float]


class Subscribers:
    """The open subscriptions and everything they received."""

    def __init__(self, fair: str, deflate: bool) -> None:
        self.fair = fair
        self.deflate = deflate
        self.records: list[Record] = []
        self.problems: list[Any] = []
        self.connections: list[ClientConnection] = []
        self.readers: list[asyncio.Task[None]] = []

    async def open(self, number: int, url: str) -> None:
        """Connect, sign in as nobody, subscribe, and start reading."""
        ws = await connect(
            url,
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            compression="deflate" if self.deflate else None,
            proxy=None,
            open_timeout=60,
            max_queue=None,
        )
        await ws.send(orjson.dumps({"type": "connection_init", "payload": {}}).decode())
        ack = orjson.loads(await ws.recv())
        if ack["type"] != "connection_ack":
            raise RuntimeError(f"subscriber {number}: {ack}")
        payload = {"query": ACTIVITY, "variables": {"fair": self.fair}}
        message = {"id": "1", "type": "subscribe", "payload": payload}
        await ws.send(orjson.dumps(message).decode())
        self.connections.append(ws)
        self.readers.append(asyncio.create_task(self.read(number, ws)))

    async def read(self, number: int, ws: ClientConnection) -> None:
        records = self.records
        try:
            async for raw in ws:
                arrival = time.time()
                message = orjson.loads(raw)
                if message["type"] == "next" and not message["payload"].get("errors"):
                    event = message["payload"]["data"]["fairActivity"]
                    project = event["project"]["id"]
                    records.append(
                        (number, event["id"], event["kind"], project, event["at"], arrival)
                    )
                elif message["type"] == "ping":
                    await ws.send('{"type":"pong"}')
                else:  # an error, a completion, or an event with errors
                    self.problems.append([number, message])
        except ConnectionClosed as closed:
            self.problems.append([number, f"closed: {closed}"])

    async def close(self) -> None:
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*(ws.close() for ws in self.connections), return_exceptions=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fair", required=True, help="the fair's global id")
    parser.add_argument("--urls", required=True, help="WebSocket URLs, comma-separated")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--first", type=int, default=0, help="number of the first subscriber")
    parser.add_argument("--no-deflate", action="store_true", help="no per-message compression")
    args = parser.parse_args()
    urls = args.urls.split(",")
    subscribers = Subscribers(args.fair, deflate=not args.no_deflate)
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)

    async def open_one(number: int) -> None:
        async with gate:
            await subscribers.open(number, urls[number % len(urls)])

    numbers = range(args.first, args.first + args.count)
    await asyncio.gather(*(open_one(n) for n in numbers))
    answer(f"ready {len(subscribers.connections)}")
    try:
        await serve_commands(subscribers)
    finally:
        await subscribers.close()


async def serve_commands(subscribers: Subscribers) -> None:
    loop = asyncio.get_running_loop()
    while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
        command, _, argument = line.partition(" ")
        if command == "count":
            answer(f"count {len(subscribers.records)} {len(subscribers.problems)}")
        elif command == "dump":
            with open(argument, "wb") as out:
                out.write(
                    orjson.dumps({"records": subscribers.records, "problems": subscribers.problems})
                )
            answer("dumped")
        elif command == "quit":
            return


def answer(line: str) -> None:
    print(line, flush=True)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        uvloop.run(main())
