"""``Idempotency-Key``: a retried request gets the first answer and changes nothing twice.

A claim could commit while its answer was lost (a worker killed mid-request, a dropped
connection), and the client could not tell whether to send it again. With a key, it
can: send the same request with the same key until an answer arrives.

How it holds, on every worker:

- The request runs inside one database transaction, and its answer is stored in that
  same transaction (table ``idempotent_response``, keyed by a hash of the client's
  credentials and the key). So the stored answer exists exactly when the request's
  changes were committed: a worker that dies mid-request leaves neither, and the retry
  runs afresh. The database, not Redis, holds the answers for that reason: Redis cannot
  commit together with the rows.
- A retry finds the stored answer and gets it back byte for byte (``Idempotent-Replayed:
  true``), with nothing run. The same key with another body is refused (422): a key
  names one request.
- Two requests with one key at once both run; the second to commit collides on the
  unique key, is rolled back whole, and answers with the first's stored answer.

Answers of 5xx are not stored (the work was rolled back; a retry may succeed). Stored
answers are kept for ``RETENTION``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api.idempotency.models import IdempotentResponse
from api.live import runtime as live

HEADER = b"idempotency-key"
WELL_FORMED = re.compile(rb"[A-Za-z0-9._:-]{16,128}")
RETENTION = timedelta(hours=24)
# Not replayed: they describe the delivery, not the answer.
NOT_STORED = {"content-length", "x-request-id", "date", "server"}


class _RollBack(Exception):
    """Raised inside the transaction to undo a request that failed on the server."""


class Idempotency:
    """ASGI wrapper for POST requests carrying an ``Idempotency-Key`` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, HEADER)
        if scope["type"] != "http" or scope["method"] != "POST" or key is None:
            await self.app(scope, receive, send)
            return
        if not WELL_FORMED.fullmatch(key):
            await _refusal(400, "Idempotency-Key 须为 16–128 个字母、数字或 . _ : -。")(
                scope, receive, send
            )
            return
        body = await _read_body(receive)
        scope_hash = _scope_hash(scope, key)
        body_hash = hashlib.sha256(body).hexdigest()
        answer = await _stored(scope_hash, body_hash) or await self._run(
            scope, body, scope_hash, body_hash
        )
        await answer(scope, _replay_body(body), send)

    async def _run(self, scope: Scope, body: bytes, scope_hash: str, body_hash: str) -> Response:
        captured = _Captured()
        # The services announce their events (live boards, response caches) as committed;
        # here their commit is ours, so the events wait for it (api/live/runtime.py).
        with live.holding() as events:
            try:
                await self._transaction(scope, body, scope_hash, body_hash, captured)
            except _RollBack:
                return captured.response()
            except IntegrityError:
                # Another request with this key committed first: ours is undone, theirs
                # stands.
                stored = await _stored(scope_hash, body_hash)
                if stored is not None:
                    return stored
                raise
        await live.release(events)
        return captured.response()

    async def _transaction(
        self, scope: Scope, body: bytes, scope_hash: str, body_hash: str, captured: _Captured
    ) -> None:
        async with in_transaction():
            await self.app(scope, _replay_body(body), captured.send)
            if captured.status >= 500:
                raise _RollBack
            await IdempotentResponse.filter(created_at__lt=_now() - RETENTION).delete()
            await IdempotentResponse.create(
                scope=scope_hash,
                body_hash=body_hash,
                status=captured.status,
                headers=captured.headers,
                body=captured.body,
            )


class _Captured:
    """The inner app's answer, held back until the transaction has committed."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[list[str]] = []
        self.body = b""

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = [
                [name.decode("latin-1"), value.decode("latin-1")]
                for name, value in message.get("headers", ())
                if name.decode("latin-1").lower() not in NOT_STORED
            ]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    def response(self, replayed: bool = False) -> Response:
        response = Response(self.body, status_code=self.status)
        for name, value in self.headers:
            response.headers.append(name, value)
        if replayed:
            response.headers["idempotent-replayed"] = "true"
        return response


async def _stored(scope_hash: str, body_hash: str) -> Response | None:
    row = await IdempotentResponse.get_or_none(scope=scope_hash, created_at__gte=_now() - RETENTION)
    if row is None:
        return None
    if row.body_hash != body_hash:
        return _refusal(
            422,
            "同一个 Idempotency-Key 已用于另一个请求，请为新的提交换一个。"
            " The Idempotency-Key was used for another request.",
        )
    captured = _Captured()
    captured.status, captured.headers, captured.body = row.status, row.headers, bytes(row.body)
    return captured.response(replayed=True)


def _refusal(status: int, message: str) -> JSONResponse:
    error = {"message": message, "extensions": {"code": "IDEMPOTENCY_KEY_INVALID"}}
    return JSONResponse({"errors": [error]}, status_code=status)


def _scope_hash(scope: Scope, key: bytes) -> str:
    """The key as seen from this client: their credentials, so that one client's key can
    never replay another's answer."""
    who = b"\0".join(
        [key, _header(scope, b"authorization") or b"", _header(scope, b"cookie") or b""]
    )
    return hashlib.sha256(who).hexdigest()


def _header(scope: Scope, wanted: bytes) -> bytes | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return bytes(value)
    return None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _replay_body(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _now() -> datetime:
    return datetime.now(UTC)
