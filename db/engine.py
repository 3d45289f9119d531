"""Engine and session factory for the store's database (SQLite by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DB_FILENAME = "frontdesk.sqlite3"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so
    # SAVEPOINTs work and a read-then-write action is one transaction.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    # WAL + synchronous=FULL: a commit the user saw confirmed survives a power cut.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # "immediate" takes the write lock at once: for read-check-write actions that
    # two counters may race on (redeeming one coupon, spending points).
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url_or_path: str | Path) -> Engine:
    """An engine for a database URL, or for a SQLite file at a path."""
    url = str(url_or_path)
    if "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def read_only_engine(path: str | Path) -> Engine:
    """A SQLite file opened read-only (a kept or backed-up database being looked at)."""
    return create_engine(f"sqlite:///file:{Path(path).resolve()}?mode=ro&uri=true")


def begin_write(session: Session) -> None:
    """Starts the session's transaction as a writer: on SQLite it takes the write lock at
    once (BEGIN IMMEDIATE), so a read-check-write action racing another counter waits
    instead of failing half-way; elsewhere it is an ordinary transaction."""
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
