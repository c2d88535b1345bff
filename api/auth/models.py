"""Accounts, roles and login sessions."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    ORGANIZER = "ORGANIZER"
    PUBLISHER = "PUBLISHER"
    ORGANIZATION = "ORGANIZATION"
    REVIEWER = "REVIEWER"
    SUPERVISOR = "SUPERVISOR"


class Account(Model):
    """A person's login: organization, supervisor and publisher accounts act for one body."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(Role, max_length=16)
    organization: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Organization", related_name="accounts", null=True, on_delete=fields.RESTRICT
    )
    supervisor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Supervisor", related_name="accounts", null=True, on_delete=fields.RESTRICT
    )
    publisher: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Publisher", related_name="accounts", null=True, on_delete=fields.RESTRICT
    )
    is_active = fields.BooleanField(default=True)
    failed_logins = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    organization_id: int | None
    supervisor_id: int | None
    publisher_id: int | None

    class Meta:
        table = "account"


class Session(Model):
    """A login session (only a hash of its token is stored)."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)

    account_id: int

    class Meta:
        table = "session"


class LoginThrottle(Model):
    """Failed logins counted for one account from one client (``account_id|ip``), or from
    every client at once (``account_id|*``); see api/auth/login.py."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=96, unique=True)
    failed_logins = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "login_throttle"
