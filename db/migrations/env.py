"""Alembic environment: runs against the engine the application hands over."""

from __future__ import annotations

from alembic import context

from db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # SQLite rebuilds a table to change it ("batch" mode): drop the old, rename
            # the new. With foreign keys on, dropping members would cascade-delete every
            # search key and tag. So: keys off for the migration (set on the raw
            # connection; the pragma is ignored inside a transaction), checked after.
            connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                "PRAGMA foreign_keys=OFF"
            )
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    # Several counters may start at once on a new version: one migrates,
                    # the others wait here, then find the schema at head.
                    connection.exec_driver_sql("SELECT pg_advisory_xact_lock(74260001)")
                context.configure(
                    connection=connection,
                    target_metadata=target_metadata,
                    render_as_batch=sqlite,
                )
                with context.begin_transaction():
                    context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA foreign_keys=ON"
                )


run_migrations_online()
