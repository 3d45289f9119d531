"""Copying a whole store between databases (a single counter's SQLite file onto the
store's new PostgreSQL server), and proving the copy equal.

Tables are copied in foreign-key order through the models' own column types, so values
arrive as the app reads them (instants in UTC, booleans, dates); the server's id
sequences are then moved past the copied ids; and a checksum per table, over every row in
primary-key order as the app reads it, must be the same on both sides."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, Integer, func, insert, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from db.models import Base

BATCH = 5_000
Progress = Callable[[str, int, int], None]


def tables() -> list[Any]:
    """Every table of the store, parents before children."""
    return list(Base.metadata.sorted_tables)


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0) for t in tables()
        }


# Rows the migrations themselves write into a new store (the default tier ladder).
SEEDED = frozenset({"tiers"})


def is_empty(engine: Engine) -> tuple[bool, str]:
    """(True, "") when the store holds nothing but what a new store starts with (or has
    no tables yet); else (False, which tables hold how many)."""
    try:
        counts = row_counts(engine)
    except (ProgrammingError, OperationalError):  # no schema yet: empty
        return True, ""
    full = {name: n for name, n in counts.items() if n and name not in SEEDED}
    return not full, ", ".join(f"{name} {n:,}" for name, n in sorted(full.items()))


def copy_all(source: Engine, target: Engine, progress: Progress | None = None) -> dict[str, int]:
    """Copies every row of every table, in one transaction on the target (all or
    nothing). Returns rows copied per table."""
    say = progress or (lambda table, done, total: None)
    copied: dict[str, int] = {}
    with source.connect() as src, target.begin() as dst:
        for table in reversed(tables()):  # what a new store starts with makes way
            if table.name in SEEDED:
                dst.execute(table.delete())
        for table in tables():
            total = int(src.scalar(select(func.count()).select_from(table)) or 0)
            done = 0
            say(table.name, 0, total)
            rows = src.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            if target.dialect.name == "postgresql":
                done = _copy_in(dst, table, rows, say, total)
            else:
                batch: list[dict[str, Any]] = []
                for row in rows:
                    batch.append(dict(row))
                    if len(batch) >= BATCH:
                        dst.execute(insert(table), batch)
                        done += len(batch)
                        batch.clear()
                        say(table.name, done, total)
                if batch:
                    dst.execute(insert(table), batch)
                    done += len(batch)
            say(table.name, done, total)
            copied[table.name] = done
    return copied


def _copy_in(dst: Connection, table: Any, rows: Any, say: Progress, total: int) -> int:
    """Rows into a PostgreSQL table through COPY (about ten times the speed of INSERTs
    for the millions of rows of a big store), each value through its column type's own
    bind processing first, as an INSERT would have sent it."""
    columns = list(table.columns)
    dialect = dst.dialect
    processors = [c.type.bind_processor(dialect) for c in columns]
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN"
    cursor = dst.connection.driver_connection.cursor()  # type: ignore[union-attr]
    done = 0
    with cursor.copy(statement) as copy:
        for row in rows:
            values = [row[c.key] for c in columns]
            copy.write_row(
                [
                    v if fn is None or v is None else fn(v)
                    for fn, v in zip(processors, values, strict=True)
                ]
            )
            done += 1
            if done % BATCH == 0:
                say(table.name, done, total)
    return done


def set_sequences(engine: Engine) -> None:
    """After rows were copied with their ids, the next id the server hands out must come
    after them (else the next insert collides): PostgreSQL's identity sequences."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in tables():
            pk = list(table.primary_key.columns)
            if len(pk) != 1 or not isinstance(pk[0].type, Integer):
                continue
            sequence = conn.scalar(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}
            )
            if sequence is None:
                continue
            top = conn.scalar(select(func.max(pk[0])))
            if top is None:
                conn.execute(text("SELECT setval(:s, 1, false)"), {"s": sequence})
            else:
                conn.execute(text("SELECT setval(:s, :v, true)"), {"s": sequence, "v": int(top)})


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def checksums(engine: Engine) -> dict[str, str]:
    """Per table: SHA-256 over every row (as the app reads it) in primary-key order."""
    out: dict[str, str] = {}
    with engine.connect() as conn:
        for table in tables():
            digest = hashlib.sha256()
            stmt = select(table).order_by(*table.primary_key.columns)
            for row in conn.execute(stmt.execution_options(yield_per=BATCH)):
                digest.update(
                    json.dumps([_plain(v) for v in row], ensure_ascii=False).encode("utf-8")
                )
                digest.update(b"\n")
            out[table.name] = digest.hexdigest()
    return out
