"""The per-request context: who is asking, and this request's own dataloaders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo
from strawberry.types.graphql import OperationType

from api.auth.models import Account, Role
from api.settings import Settings

L = TypeVar("L", bound=DataLoader[Any, Any])
PROJECT_PAGE_ROOTS = frozenset({"project", "__typename"})


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
        self._account = account
        self.token = token
        # What the answer was allowed to depend on (schema/response_cache.py): an answer
        # that never asked who is asking may be shared with anyone, one that asked only
        # for the role with anyone of that role.
        self.consulted_role = False
        self.consulted_identity = False
        # The operation's type once execution starts (schema/execution_start.py), and
        # what came of it: answered without errors, changed something.
        self.operation: OperationType | None = None
        self.clean = False
        self.wrote = False
        # The root fields asked for, and the projects the root ``project`` field found:
        # a request for one project's page is kept apart in the cache.
        self.root_fields: frozenset[str] | None = None
        self.root_projects: set[int] = set()
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
    def account(self) -> Account | None:
        """Who is asking (None for the public). Reading it marks the answer as this
        viewer's own: it is never shared through the response cache."""
        self.consulted_identity = True
        return self._account

    @account.setter
    def account(self, value: Account | None) -> None:
        self._account = value

    @property
    def viewer_role(self) -> str | None:
        """The role, for the transport to choose a cache entry (marks nothing)."""
        return self._account.role.value if self._account else None

    @property
    def role(self) -> Role | None:
        """The viewer's role; an answer that reads only this is shared by the role."""
        self.consulted_role = True
        return self._account.role if self._account else None

    @property
    def page_of_project(self) -> int | None:
        """The project whose page this request is, when it asks for nothing else."""
        only_project = self.root_fields is not None and self.root_fields <= PROJECT_PAGE_ROOTS
        if only_project and len(self.root_projects) == 1:
            return next(iter(self.root_projects))
        return None

    def forget_consulted(self) -> None:
        """Start execution afresh: what ran before (session look-up, limits) is not part
        of the answer."""
        self.consulted_role = self.consulted_identity = False

    def is_organizer(self) -> bool:
        return self.role is Role.ORGANIZER


Info = StrawberryInfo[Context, None]
