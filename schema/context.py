"""The per-request context: who is asking, and this request's own dataloaders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from api.auth.models import Account, Role
from api.settings import Settings

L = TypeVar("L", bound=DataLoader[Any, Any])


class Context:
    """Built for every request, so loaders never serve one request's data to another."""

    def __init__(
        self,
        request: Request | WebSocket,
        response: Response | WebSocket | None,
        settings: Settings,
        account: Account | None = None,
        token: str | None = None,
    ) -> None:
        self.request = request
        self.response = response
        self.settings = settings
        self.account = account
        self.token = token
        self._loaders: dict[type, DataLoader[Any, Any]] = {}
        # What a WebSocket client sent with ``connection_init`` (strawberry sets it).
        self.connection_params: dict[str, Any] = {}

    def loader(self, kind: type[L]) -> L:
        """This request's instance of the loader class ``kind``."""
        found = self._loaders.get(kind)
        if found is None:
            found = self._loaders[kind] = cast(Callable[[], L], kind)()
        return found  # type: ignore[return-value]

    def share_loaders(self, shared: dict[str, Any]) -> None:
        """Use the loaders kept in ``shared`` from now on (one set per delivered event,
        shared by the worker's subscribers: loaders hold rows, never viewer-filtered data)."""
        self._loaders = shared.setdefault("loaders", {})

    @property
    def role(self) -> Role | None:
        return self.account.role if self.account else None

    def is_organizer(self) -> bool:
        return self.role is Role.ORGANIZER


Info = StrawberryInfo[Context, None]
