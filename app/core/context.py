"""The application context: database, clock, data folder and who is acting, handed to
every service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.core import connection
from app.core.clock import Clock, SystemClock
from app.core.errors import Forbidden
from app.core.uow import UnitOfWork, raise_if_unreachable
from db import migrate
from db.engine import DB_FILENAME, make_engine, make_session_factory

SYSTEM = "system"
P = ParamSpec("P")
T = TypeVar("T")


class Actor(Protocol):
    """Who is signed in (app.staff.StaffSession)."""

    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...

    @property
    def display_name(self) -> str: ...

    @property
    def role(self) -> str: ...

    def may(self, permission: str) -> bool: ...


@dataclass
class AppContext:
    """Who acts: the person signed in at this counter (`staff`), or, with `system` set,
    the store itself (the admin command line, start-up housekeeping, SLA timers). In the
    counter app nobody signed in means no rights at all: every unit of work is refused
    (`auth.signed_out`) except the few that signing in itself needs (`anyone=True`)."""

    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    data_dir: Path | None = None
    staff: Actor | None = None
    system: bool = False

    @classmethod
    def open(
        cls,
        data_dir: Path | str,
        clock: Clock | None = None,
        *,
        db_url: str | None = None,
        system: bool = False,
    ) -> AppContext:
        """Opens (creating if needed) the store's database and brings its schema up to date:
        the server named by `db_url` (else FRONTDESK_DB_URL, else the data folder's
        counter.json), or the data folder's own SQLite file."""
        folder = Path(data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        url = connection.database_url(folder, db_url)
        engine = make_engine(
            url or folder / DB_FILENAME, application_name=connection.counter_name(folder)
        )
        try:
            migrate.upgrade(engine)
        except DBAPIError as exc:
            engine.dispose()
            if url:
                raise_if_unreachable(exc, True, server=connection.shown(url))
            raise
        return cls(
            engine=engine,
            session_factory=make_session_factory(engine),
            clock=clock or SystemClock(),
            data_dir=folder,
            system=system,
        )

    @property
    def server(self) -> bool:
        """True when the store lives on a database server shared by several counters."""
        return self.engine.dialect.name != "sqlite"

    @property
    def server_shown(self) -> str:
        """The server as shown to people (no password); "" for a SQLite file."""
        if not self.server:
            return ""
        return connection.shown(self.engine.url.render_as_string(hide_password=False))

    def as_system(self) -> AppContext:
        """The same store acting as itself (housekeeping, timers), whoever is signed in."""
        return replace(self, staff=None, system=True)

    @property
    def actor(self) -> str:
        """The name actions are recorded under: the signed-in person's, or "system"."""
        return self.staff.display_name if self.staff is not None else SYSTEM

    @property
    def actor_username(self) -> str:
        return self.staff.username if self.staff is not None else SYSTEM

    def uow(self, *, anyone: bool = False, write: bool = False) -> UnitOfWork:
        """One unit of work for one action. Refused when nobody is signed in, unless the
        store itself acts (`system`) or the action is part of signing in (`anyone`).
        `write=True` for a read-check-write action two counters may race on."""
        if not anyone and self.staff is None and not self.system:
            raise Forbidden("auth.signed_out")
        return UnitOfWork(self.session_factory, write=write, server=self.server)

    def direct_read(
        self, read: Callable[Concatenate[Engine, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`read(engine, ...)`: one read statement run straight on the engine, outside a
        unit of work (the member lookup on every keystroke: db.repositories.search_page).
        Refused as a unit of work is when nobody is signed in; a server that cannot be
        reached is `Unavailable` ("db.unreachable") as in a unit of work."""
        if self.staff is None and not self.system:
            raise Forbidden("auth.signed_out")
        try:
            return read(self.engine, *args, **kwargs)
        except DBAPIError as exc:
            raise_if_unreachable(exc, self.server)
            raise

    def close(self) -> None:
        self.engine.dispose()
