"""The first answer to a request sent with an ``Idempotency-Key`` (api/idempotency/web.py)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class IdempotentResponse(Model):
    """Stored in the transaction of the request it answers: it exists exactly when that
    request's changes were committed, on every worker."""

    id = fields.IntField(primary_key=True)
    # sha256 of who asked (their credentials) and the key they chose: one client's key
    # never replays another client's answer.
    scope = fields.CharField(max_length=64, unique=True)
    body_hash = fields.CharField(max_length=64)
    status = fields.IntField()
    # The response's headers as [name, value] pairs (Set-Cookie of a login included).
    headers = fields.JSONField[list[list[str]]]()
    body = fields.BinaryField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "idempotent_response"
