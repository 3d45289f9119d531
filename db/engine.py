"""Engine and session factory for the store's database (SQLite by default)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from db import notify

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
    # 32 MB of pages kept per connection (SQLite's default is 2 MB): the search keys and
    # the members a counter looks up again stay in memory.
    cur.execute("PRAGMA cache_size=-32768")
    # Reads straight from the operating system's file cache, without a copy through the
    # page cache above: a lookup touches some 60 pages of a 1 GB store (1M members),
    # mostly outside those 32 MB. Up to 2 GB of the file (SQLite's own ceiling). Writes
    # still go through the WAL as before: a power cut is no different.
    cur.execute("PRAGMA mmap_size=2147418112")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # "immediate" takes the write lock at once: for read-check-write actions that
    # two counters may race on (redeeming one coupon, spending points).
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


CONNECT_TIMEOUT_S = 5  # a counter whose server is gone says so within seconds


def server_url(url: str) -> str:
    """A PostgreSQL URL as this program connects to it: with the psycopg 3 driver
    (postgres:// and postgresql:// are accepted as typed)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_server(url: str) -> bool:
    return server_url(url).startswith("postgresql+")


def make_engine(url_or_path: str | Path, *, application_name: str = "frontdesk") -> Engine:
    """An engine for a database URL, or for a SQLite file at a path.

    A PostgreSQL server (several counters): psycopg 3, a connect timeout of a few
    seconds, the counter's name in pg_stat_activity, and pre-ping, so a connection the
    server dropped (a restart, a cable pulled) is replaced instead of failing the action."""
    url = str(url_or_path)
    if "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    if is_server(url):
        return create_engine(
            server_url(url),
            pool_pre_ping=True,
            pool_size=3,
            max_overflow=4,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_S,
                "application_name": application_name[:63],
            },
        )
    engine = create_engine(url, pool_use_lifo=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


@contextmanager
def driver_cursor(engine: Engine) -> Iterator[Any]:
    """A DB-API cursor on one of the engine's pooled connections, for one read statement
    run by the driver itself: no SQLAlchemy execution layer, no transaction begun by hand
    (the member lookup, run on every keystroke). As through a Session, a driver error
    comes out as SQLAlchemy's DBAPIError, and a connection that broke is dropped from the
    pool, not handed out again. On SQLite the statement reads one snapshot by itself; on
    a server the driver's implicit transaction is rolled back when the connection goes
    back to the pool."""
    raw = engine.raw_connection()
    dbapi_error: type[Any] = engine.dialect.loaded_dbapi.Error
    cursor = None
    try:
        cursor = raw.cursor()
        yield cursor
    except dbapi_error as exc:
        gone = engine.dialect.is_disconnect(exc, raw.dbapi_connection, cursor)
        if gone:
            raw.invalidate(exc)
        raise DBAPIError.instance(
            None,
            None,
            exc,
            dbapi_error,
            connection_invalidated=gone,
            dialect=engine.dialect,
        ) from exc
    finally:
        if cursor is not None:
            with suppress(dbapi_error):  # the connection is gone (and already dropped)
                cursor.close()
        raw.close()


def read_only_engine(path: str | Path) -> Engine:
    """A SQLite file opened read-only (a kept or backed-up database being looked at)."""
    return create_engine(f"sqlite:///file:{Path(path).resolve()}?mode=ro&uri=true")


def is_connection_error(exc: BaseException) -> bool:
    """True when a database error means the server could not be reached or the
    connection broke (as opposed to a refused statement): restart, network, timeout."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError) and not isinstance(
        getattr(exc, "orig", None), sqlite3.Error
    )


def begin_write(session: Session) -> None:
    """Starts the session's transaction as a writer: on SQLite it takes the write lock at
    once (BEGIN IMMEDIATE), so a read-check-write action racing another counter waits
    instead of failing half-way; elsewhere it is an ordinary transaction."""
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def serialize(session: Session, lock: int) -> None:
    """Makes the caller's transaction the only one holding `lock` until it ends, across
    every counter: PostgreSQL's transaction-level advisory lock. On SQLite the one writer
    at a time already serialises (nothing to do)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})


# Advisory locks (db.engine.serialize): one number per thing only one counter may do at once.
AUDIT_CHAIN_LOCK = 74260002


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for the engine; on a server, each committed write is announced to the
    other counters (db.notify)."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    if engine.dialect.name == "postgresql":
        notify.install(factory, notify.INSTANCE)
    return factory
