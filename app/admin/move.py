"""Moving a store from one counter's SQLite file onto the store's PostgreSQL server, so that
every counter shares it (`frontdesk-admin move-to-server FILE URL`).

Refuses a server database that already holds a store. The file is checked and brought to
this version first; the server gets the same schema through the same migrations; every
table is copied in foreign-key order in one transaction; the id sequences are set past
the copied ids; then the copy is proved equal: row counts and a checksum per table, and
the audit trail's hash chain intact on the server."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.admin import backup
from app.bootstrap import open_store
from app.core import audit, connection
from app.core.errors import Conflict, ValidationError
from db import migrate, transfer
from db.engine import make_engine

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class MoveReport:
    server: str
    rows: dict[str, int]  # per table, copied and verified
    audit_entries: int

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def move_to_server(
    sqlite_file: Path | str, url: str, progress: Progress | None = None
) -> MoveReport:
    source_path = Path(sqlite_file)
    url = connection.check_url(url)
    problems = backup.check_file(source_path)
    if problems:
        raise ValidationError("backup.bad_source", field="file", problems="; ".join(problems[:3]))
    source = make_engine(source_path)
    target = make_engine(url, application_name="frontdesk-admin move-to-server")
    try:
        migrate.upgrade(source)  # the file at this version, as the app would open it
        empty, holds = transfer.is_empty(target)
        if not empty:
            raise Conflict("db.not_empty", detail=holds)
        migrate.upgrade(target)
        rows = transfer.copy_all(source, target, progress)
        transfer.set_sequences(target)
        counts_there = transfer.row_counts(target)
        if counts_there != rows or transfer.row_counts(source) != rows:
            raise Conflict("db.copy_mismatch", detail="row counts")
        here, there = transfer.checksums(source), transfer.checksums(target)
        different = sorted(name for name in here if here[name] != there.get(name))
        if different:
            raise Conflict("db.copy_mismatch", detail=", ".join(different))
    finally:
        source.dispose()
        target.dispose()
    store = open_store(tempfile.mkdtemp(prefix="frontdesk-move-"), db_url=url, system=True)
    try:
        broken = audit.verify(store)
        if broken is not None:
            raise Conflict("db.copy_mismatch", detail=f"audit entry {broken}")
    finally:
        store.close()
    return MoveReport(connection.shown(url), rows, rows.get("audit_entries", 0))
