"""Engine and session factory for the store's database (SQLite by default)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection

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


def _driver_error(engine: Engine, exc: Any, dbapi_connection: Any, cursor: Any) -> DBAPIError:
    """A driver's error as SQLAlchemy's, saying whether the connection broke."""
    gone = engine.dialect.is_disconnect(exc, dbapi_connection, cursor)
    error = DBAPIError.instance(
        None,
        None,
        exc,
        engine.dialect.loaded_dbapi.Error,
        connection_invalidated=gone,
        dialect=engine.dialect,
    )
    assert isinstance(error, DBAPIError)  # (a driver's error always is)
    return error


def _pooled(engine: Engine) -> PoolProxiedConnection:
    """A pooled DB-API connection; one that cannot be made (the server unreachable) is
    SQLAlchemy's error, as from a Session (engine.raw_connection lets the driver's out)."""
    try:
        return engine.raw_connection()
    except engine.dialect.loaded_dbapi.Error as exc:
        raise _driver_error(engine, exc, None, None) from exc


@contextmanager
def driver_cursor(engine: Engine) -> Iterator[Any]:
    """A DB-API cursor on one of the engine's pooled connections, for one read statement
    run by the driver itself: no SQLAlchemy execution layer, no transaction begun by hand.
    As through a Session, a driver error comes out as SQLAlchemy's DBAPIError, and a
    connection that broke is dropped from the pool, not handed out again. On SQLite the
    statement reads one snapshot by itself; on a server the driver's implicit transaction
    is rolled back when the connection goes back to the pool."""
    raw = _pooled(engine)
    dbapi_error: type[Any] = engine.dialect.loaded_dbapi.Error
    cursor = None
    try:
        cursor = raw.cursor()
        yield cursor
    except dbapi_error as exc:
        error = _driver_error(engine, exc, raw.dbapi_connection, cursor)
        if error.connection_invalidated:
            raw.invalidate(exc)
        raise error from exc
    finally:
        if cursor is not None:
            with suppress(dbapi_error):  # the connection is gone (and already dropped)
                cursor.close()
        raw.close()


class _DirectConnection:
    """The connection an engine keeps for direct reads (see fetch_direct): out of the
    pool, reading outside any transaction, used by one caller at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.dbapi: Any = None

    def drop(self) -> None:
        dbapi, self.dbapi = self.dbapi, None
        if dbapi is not None:
            with suppress(Exception):  # already broken: nothing more to release
                dbapi.close()


_DIRECT: WeakKeyDictionary[Engine, _DirectConnection] = WeakKeyDictionary()
_DIRECT_MADE = threading.Lock()


def _direct_of(engine: Engine) -> _DirectConnection:
    direct = _DIRECT.get(engine)
    if direct is None:
        with _DIRECT_MADE:
            direct = _DIRECT.get(engine)
            if direct is None:
                direct = _DIRECT[engine] = _DirectConnection()
                event.listen(engine, "engine_disposed", _drop_direct)
    return direct


def _drop_direct(engine: Engine) -> None:
    """engine.dispose() closes the direct connection with the pool's."""
    direct = _DIRECT.pop(engine, None)
    if direct is not None:
        with direct.lock:
            direct.drop()


def _open_direct(engine: Engine) -> Any:
    """A new connection made as the pool makes them (the same settings), then taken out
    of it. On a server, in autocommit: each read its own statement, no transaction left
    open between keystrokes and no rollback to send after each; and a prepared statement's
    plan made once (fit only for statements whose best plan does not hang on their values,
    as the lookup's)."""
    fairy = _pooled(engine)
    fairy.detach()
    dbapi: Any = fairy.dbapi_connection
    if engine.dialect.name == "postgresql":
        try:
            dbapi.rollback()  # (nothing open after the pool's checkout; sends nothing then)
            dbapi.autocommit = True
            # The driver prepares a statement run a few times here (psycopg's
            # prepare_threshold); the server is told to plan it once. In its own 'auto'
            # mode it planned the lookup again on every keystroke (0.2-2 ms), its
            # one-size plan looking dearer on paper than each value's: the same plan in
            # fact (index ranges of at most :n keys, members by primary key).
            dbapi.execute("SET plan_cache_mode = force_generic_plan")
        except engine.dialect.loaded_dbapi.Error as exc:
            # The server went between the connect and this: SQLAlchemy's error, as for
            # the read itself, and the half-made connection closed, not left open.
            error = _driver_error(engine, exc, dbapi, None)
            dbapi.close()
            raise error from exc
    return dbapi


def _fetch_on(engine: Engine, dbapi: Any, sql: str, params: Any) -> list[Any]:
    cursor = None
    try:
        cursor = dbapi.cursor()
        cursor.execute(sql, params)
        rows: list[Any] = cursor.fetchall()
        cursor.close()
        return rows
    except engine.dialect.loaded_dbapi.Error as exc:
        raise _driver_error(engine, exc, dbapi, cursor) from exc


def fetch_direct(engine: Engine, sql: str, params: Any) -> list[Any]:
    """The rows of one read statement (SQL in the driver's own form) run by the driver on
    a connection the engine keeps for it: no pool checkout and check-in, and on a server
    no pre-ping and no rollback, so one round trip (the member lookup, on every keystroke).
    On a server its plan is made once and kept (see _open_direct): for statements whose
    best plan is the same whatever their values.

    The same error contract as driver_cursor: a driver error comes out as SQLAlchemy's
    DBAPIError. A kept connection found broken (the server restarted since the last read)
    is replaced and the read tried once more on the new one, as the pool's pre-ping would
    have; a new connection that fails says so. A caller on another thread while the kept
    connection is in use reads on a pooled one. engine.dispose() closes it."""
    direct = _direct_of(engine)
    if not direct.lock.acquire(blocking=False):
        with driver_cursor(engine) as cursor:
            cursor.execute(sql, params)
            pooled: list[Any] = cursor.fetchall()
            return pooled
    try:
        return _read_kept(engine, direct, sql, params)
    finally:
        direct.lock.release()


def _read_kept(engine: Engine, direct: _DirectConnection, sql: str, params: Any) -> list[Any]:
    """One read on the kept connection (made now if need be), its lock held by the caller:
    one found broken (the server restarted since the last read) is replaced and the read
    tried once more on the new one; one that breaks is dropped."""
    try:
        if direct.dbapi is not None:
            try:
                return _fetch_on(engine, direct.dbapi, sql, params)
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                direct.drop()  # broken since the last read: once more on a new one
        direct.dbapi = _open_direct(engine)
        return _fetch_on(engine, direct.dbapi, sql, params)
    except DBAPIError as exc:
        if exc.connection_invalidated:
            direct.drop()
        raise


def warm_direct(engine: Engine, statements: Sequence[str]) -> list[Any]:
    """Runs these read statements on the connection the engine keeps for direct reads
    (made now if need be), after the read in progress there if any, and returns their
    first rows. Meant for once after the store opens, on a background thread: a read
    that comes meanwhile takes a pooled connection (see fetch_direct).

    What it is for: on SQLite each connection maps the file into memory by itself, and
    the first read of each page through that mapping is a page fault, which a virtual
    machine makes dear (30-50 µs here, a dozen of them in a lookup of new members). A walk
    over the pages a lookup reads, made on its own connection, pays for them all at once
    (a tenth of a second for 1M members) instead of on the first keystrokes."""
    direct = _direct_of(engine)
    with direct.lock:
        return [_read_kept(engine, direct, sql, ())[0] for sql in statements]


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


def one_moment(session: Session) -> None:
    """Every read of the session's transaction from here on sees the database as it was at
    the first (called before any): a long job that reads several tables and works out
    what to write from them. A SQLite read transaction does so by itself; a server's
    default reads each statement at its own moment, so it is told REPEATABLE READ."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))


def hold_table(session: Session, table: str) -> None:
    """Keeps every other writer off `table` until the session's transaction ends (reads go
    on): a long job's write, made from what it read, overwrites nothing written meanwhile.
    SQLite's one writer already has that from its BEGIN IMMEDIATE; a server is told so."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE'))


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
