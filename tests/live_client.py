"""A graphql-transport-ws client over a real WebSocket, for the live tests.

Deliberately small and strict: it speaks the protocol as a browser's client would
(``connection_init`` → ``connection_ack``, ``subscribe`` → ``next``…, answering ``ping``
with ``pong``), keeps every operation's messages apart in arrival order, and reports how
the server closed the connection, so a test can assert on close codes such as 4403.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

PROTOCOL = Subprotocol("graphql-transport-ws")
# How long a test waits for something that should come at once before it fails. A guard
# against hanging, never a measurement: nothing asserts how long anything took.
PATIENCE = 15.0


class Refused(Exception):
    """The server closed the connection during ``connection_init``."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"connection refused: {code} {reason}")
        self.code = code
        self.reason = reason


class Closed:
    """Put in every operation's queue when the connection ends."""

    def __init__(self, code: int | None, reason: str) -> None:
        self.code = code
        self.reason = reason


class OperationEnded(AssertionError):
    """An operation sent ``error`` or ``complete``, or the connection closed, where a
    ``next`` was expected."""


class Operation:
    """One subscription's messages, in the order the server sent them."""

    def __init__(self, connection: LiveConnection, id: str) -> None:
        self.connection = connection
        self.id = id
        # A deque and an event rather than an asyncio.Queue: a wait that times out can
        # never swallow a message that arrived at that very moment.
        self._messages: deque[dict[str, Any] | Closed] = deque()
        self._arrived = asyncio.Event()
        self.aside: list[dict[str, Any]] = []

    def put(self, message: dict[str, Any] | Closed) -> None:
        self._messages.append(message)
        self._arrived.set()

    async def message(self, timeout: float = PATIENCE) -> dict[str, Any] | Closed:
        """The next message of this operation, whatever its type."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._messages:
            self._arrived.clear()
            await asyncio.wait_for(self._arrived.wait(), max(deadline - loop.time(), 0))
        return self._messages.popleft()

    async def next(self, timeout: float = PATIENCE) -> dict[str, Any]:
        """The next ``next`` message's ``data``; anything else fails the test."""
        message = await self.message(timeout)
        if isinstance(message, Closed):
            raise OperationEnded(f"connection closed: {message.code} {message.reason}")
        if message["type"] != "next":
            raise OperationEnded(f"expected next, got {message}")
        payload = message["payload"]
        assert not payload.get("errors"), payload["errors"]
        return dict(payload["data"])

    async def next_where(
        self, wanted: Callable[[dict[str, Any]], bool], timeout: float = PATIENCE
    ) -> dict[str, Any]:
        """The next ``next`` data that ``wanted`` accepts. Data it passes over is set
        aside, in order, for a later call to find: several helpers may read one stream
        for different things without losing each other's events."""
        for data in self.aside:
            if wanted(data):
                self.aside.remove(data)
                return data
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            data = await self.next(max(deadline - loop.time(), 0))
            if wanted(data):
                return data
            self.aside.append(data)

    async def complete(self) -> None:
        await self.connection.send({"id": self.id, "type": "complete"})


class LiveConnection:
    """One open graphql-transport-ws connection and its reader."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.operations: dict[str, Operation] = {}
        self.closed: Closed | None = None
        self._ids = itertools.count(1)
        self._reader: asyncio.Task[None] | None = None
        self._answers: set[asyncio.Future[None]] = set()

    @classmethod
    async def open(
        cls,
        url: str,
        payload: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        origin: str | None = None,
        **options: Any,
    ) -> LiveConnection:
        """Connect and initialise; raises ``Refused`` when the server closes instead of
        acknowledging. ``options`` go to ``websockets``' ``connect``."""
        socket = await connect(
            url,
            subprotocols=[PROTOCOL],
            additional_headers=dict(headers or {}),
            origin=origin,  # type: ignore[arg-type]
            open_timeout=PATIENCE,
            **options,
        )
        connection = cls(socket)
        await connection.send({"type": "connection_init", "payload": dict(payload or {})})
        try:
            reply = orjson.loads(await asyncio.wait_for(socket.recv(), PATIENCE))
        except ConnectionClosed as closed:
            frame = closed.rcvd
            raise Refused(frame.code if frame else None, frame.reason if frame else "") from None
        if reply.get("type") != "connection_ack":
            await socket.close()
            raise AssertionError(f"expected connection_ack, got {reply}")
        connection.start_reading()
        return connection

    async def send(self, message: Mapping[str, Any]) -> None:
        await self.socket.send(orjson.dumps(message).decode())

    async def subscribe(self, query: str, variables: Mapping[str, Any] | None = None) -> Operation:
        operation = Operation(self, str(next(self._ids)))
        self.operations[operation.id] = operation
        payload = {"query": query, "variables": dict(variables or {})}
        await self.send({"id": operation.id, "type": "subscribe", "payload": payload})
        return operation

    def stop_reading(self) -> None:
        """Read nothing more until ``start_reading``: the server's frames back up in the
        socket (cancelling a receive loses nothing)."""
        if self._reader is not None:
            self._reader.cancel()
            self._reader = None

    def start_reading(self) -> None:
        if self._reader is None:
            self._reader = asyncio.ensure_future(self._read())

    async def close(self) -> None:
        await self.socket.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                self._dispatch(orjson.loads(raw))
        except ConnectionClosed:
            pass
        self.closed = Closed(self.socket.close_code, self.socket.close_reason or "")
        for operation in self.operations.values():
            operation.put(self.closed)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "ping":
            answer = asyncio.ensure_future(self.send({"type": "pong"}))
            self._answers.add(answer)
            answer.add_done_callback(self._answers.discard)
        elif message.get("id") in self.operations:
            self.operations[message["id"]].put(message)
