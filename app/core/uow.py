"""Unit of work: one transaction per user action, rolled back unless committed; with
`write=True` it starts as the writer (see db.engine.begin_write).

On a database server, a lost connection becomes `Unavailable`: "db.unreachable" when it
broke before the commit (nothing was saved), "db.unknown_outcome" when it broke during the
commit (the answer was lost: the save may have happened; saving the same form again is
recognised by its request id and does nothing twice)."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.core.errors import Unavailable
from db.engine import begin_write, is_connection_error


def raise_if_unreachable(
    exc: DBAPIError, server: bool, code: str = "db.unreachable", /, **params: str
) -> None:
    """`exc` as `Unavailable(code, **params)` when it says a database server could not be
    reached or the connection broke (a refused statement, or any SQLite error, is left as
    it is): the one rule for opening a store, a unit of work and a direct read."""
    if server and is_connection_error(exc):
        raise Unavailable(code, **params) from exc


class UnitOfWork:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        write: bool = False,
        server: bool = False,
    ) -> None:
        self._factory = session_factory
        self._write = write
        self._server = server
        self._session: Session | None = None

    def __enter__(self) -> Self:
        self._session = self._factory()
        if self._write:
            # A read-check-write action (redeem, spend points, sign in) takes the write
            # lock at its start: two counters racing wait in turn.
            try:
                begin_write(self._session)
            except DBAPIError as exc:
                self._close()
                raise_if_unreachable(exc, self._server)
                raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()
        if isinstance(exc, DBAPIError):
            raise_if_unreachable(exc, self._server)

    def _close(self) -> None:
        if self._session is None:
            return
        try:
            self._session.rollback()
        except DBAPIError:
            pass  # the connection is gone: the server rolls back by itself
        finally:
            self._session.close()
            self._session = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its with-block")
        return self._session

    def commit(self) -> None:
        try:
            self.session.commit()
        except DBAPIError as exc:
            raise_if_unreachable(exc, self._server, "db.unknown_outcome")
            raise
