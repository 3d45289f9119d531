"""Live across counters (PostgreSQL): every committed write tells the other counters which
tables it changed, and each counter listens.

Writing side: `install(session_factory, instance)` collects, per transaction, the tables a
session wrote (ORM flushes and Core INSERT/UPDATE/DELETE statements run through it) and,
just before the commit, sends them with ``pg_notify`` *inside* the transaction: PostgreSQL
delivers a notification only if the transaction commits, and only then.

Listening side: `Listener`, a thread with its own connection that LISTENs, hands each
payload to a callback, notices a dead server within seconds (a health query when quiet),
reconnects with back-off and says when it is connected again (the counter then refreshes
everything, since it may have missed notifications meanwhile)."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

CHANNEL = "frontdesk_changes"
INSTANCE = uuid.uuid4().hex  # this running program (its own announcements are skipped)
_KEY = "frontdesk_changed_tables"


def _tables(session: Session) -> set[str]:
    return session.info.setdefault(_KEY, set())  # type: ignore[no-any-return]


def _after_flush(session: Session, _context: Any) -> None:
    changed = _tables(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table:
            changed.add(table)


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if name:
            _tables(state.session).add(name)


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_KEY, None)


def install(factory: sessionmaker[Session], instance: str) -> None:
    """Makes every session of `factory` announce its committed writes (`instance` names
    this running program, so that it can skip its own announcements)."""

    def before_commit(session: Session) -> None:
        session.flush()  # what is still pending is part of this commit
        changed = session.info.pop(_KEY, None)
        if changed:
            payload = json.dumps({"from": instance, "tables": sorted(changed)})
            session.execute(text("SELECT pg_notify(:channel, :payload)"), {
                "channel": CHANNEL,
                "payload": payload,
            })  # fmt: skip

    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _on_execute)
    event.listen(factory, "before_commit", before_commit)
    event.listen(factory, "after_rollback", _forget)


def libpq_url(engine: Engine) -> str:
    """The engine's URL as libpq takes it (no SQLAlchemy driver name)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener(threading.Thread):
    """Listens for other counters' changes until `stop()`.

    on_change(payload dict) for every notification from another instance;
    on_connection(True/False) whenever the server comes back or goes away (called with
    True after every reconnect: the caller refreshes everything then)."""

    QUIET_CHECK_S = 3.0  # a health query when nothing arrived for this long
    MAX_BACKOFF_S = 5.0

    def __init__(
        self,
        url: str,
        instance: str,
        on_change: Callable[[dict[str, Any]], None],
        on_connection: Callable[[bool], None],
        application_name: str = "frontdesk-listener",
    ) -> None:
        super().__init__(name="frontdesk-listener", daemon=True)
        self.url = url
        self.instance = instance
        self.on_change = on_change
        self.on_connection = on_connection
        self.application_name = application_name[:63]
        self._halt = threading.Event()
        self.connected = threading.Event()
        self._conn: psycopg.Connection[Any] | None = None

    def stop(self) -> None:
        self._halt.set()
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.cancel_safe(timeout=1.0)
        self.join(timeout=5)

    def run(self) -> None:
        # Imported here, in the listener's own thread, not at the module's top: a
        # counter on its own SQLite file never loads the PostgreSQL driver (about a
        # tenth of a second of every start).
        import psycopg

        backoff = 0.5
        was_connected: bool | None = None
        while not self._halt.is_set():
            try:
                with psycopg.connect(
                    self.url,
                    autocommit=True,
                    connect_timeout=5,
                    application_name=self.application_name,
                    keepalives=1,
                    keepalives_idle=5,
                    keepalives_interval=2,
                    keepalives_count=2,
                ) as conn:
                    self._conn = conn
                    conn.execute(f"LISTEN {CHANNEL}")
                    backoff = 0.5
                    self.connected.set()
                    if was_connected is not True:
                        was_connected = True
                        self.on_connection(True)
                    self._listen(conn)
            except psycopg.Error as exc:
                if self._halt.is_set():
                    break
                log.info("listener: %s", str(exc).strip().splitlines()[0] if str(exc) else exc)
            finally:
                self._conn = None
                self.connected.clear()
            if self._halt.is_set():
                break
            if was_connected is not False:
                was_connected = False
                self.on_connection(False)
            self._halt.wait(backoff)
            backoff = min(backoff * 2, self.MAX_BACKOFF_S)

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        while not self._halt.is_set():
            got = False
            for note in conn.notifies(timeout=self.QUIET_CHECK_S):
                got = True
                try:
                    payload = json.loads(note.payload)
                except ValueError:
                    continue
                if payload.get("from") != self.instance:
                    self.on_change(payload)
            if not got and not self._halt.is_set():
                conn.execute("SELECT 1")  # raises when the server is gone
