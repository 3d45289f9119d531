"""The application context: database, clock and data folder handed to every service."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.clock import Clock, SystemClock
from app.uow import UnitOfWork
from db import migrate
from db.engine import DB_FILENAME, make_engine, make_session_factory


@dataclass
class AppContext:
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    data_dir: Path | None = None
    # Who is logged in (app.staff.StaffSession); None: the administrator's command line.
    staff: Any = None

    @classmethod
    def open(
        cls, data_dir: Path | str, clock: Clock | None = None, *, db_url: str | None = None
    ) -> AppContext:
        """Opens (creating if needed) the store's database and brings its schema up to date."""
        folder = Path(data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        engine = make_engine(db_url or folder / DB_FILENAME)
        migrate.upgrade(engine)
        return cls(
            engine=engine,
            session_factory=make_session_factory(engine),
            clock=clock or SystemClock(),
            data_dir=folder,
        )

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def close(self) -> None:
        self.engine.dispose()
