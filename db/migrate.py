"""Applies Alembic migrations on start: the only way the schema changes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest migration. Kept here so an up-to-date database starts without
# importing Alembic at all (~0.3 s); a test checks it matches the scripts.
HEAD = "0011"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str | None:
    """The head according to the migration scripts themselves."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        return None  # a new, empty database


def upgrade(engine: Engine) -> bool:
    """Brings the schema to head. Returns True when a migration ran."""
    if current_revision(engine) == HEAD:
        return False
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
    return True


def pending(path: Path) -> bool:
    """True when the SQLite file at `path` exists and its schema is older than HEAD (the
    app then says it is upgrading: on a big store an index takes a while to build)."""
    if not path.exists():
        return False
    import sqlite3
    from contextlib import closing

    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return False
    return row is None or row[0] != HEAD
