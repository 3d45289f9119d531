"""Unit of work: one transaction per user action, rolled back unless committed; with
`write=True` it starts as the writer (see db.engine.begin_write)."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from db.engine import begin_write


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], *, write: bool = False) -> None:
        self._factory = session_factory
        self._write = write
        self._session: Session | None = None

    def __enter__(self) -> Self:
        self._session = self._factory()
        if self._write:
            # A read-check-write action (redeem, spend points, sign in) takes the write
            # lock at its start: two counters racing wait in turn.
            begin_write(self._session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            self._session.rollback()
        finally:
            self._session.close()
            self._session = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its with-block")
        return self._session

    def commit(self) -> None:
        self.session.commit()
