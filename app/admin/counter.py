"""This counter's own settings, kept on the PC rather than in the store's database: which
database it uses (its own SQLite file, or the store's server) and its name on the server.
The owner's decision; the audit trail of the database it used says who changed it."""

from __future__ import annotations

from app.core import audit, connection
from app.core.connection import CounterConfig
from app.core.context import AppContext
from app.core.permissions import require


def counter_config(ctx: AppContext) -> CounterConfig:
    return connection.load(ctx.data_dir or ".")


def choose_database(ctx: AppContext, config: CounterConfig) -> CounterConfig:
    """Saves where this counter's store lives; it takes effect when the app starts again
    (a running counter never switches databases under a receptionist's hands)."""
    require(ctx, "database.choose")
    saved = connection.save(ctx.data_dir or ".", config)
    audit.log(
        ctx,
        "database.choose",
        saved.counter_name,
        connection.shown(saved.database_url) or "this PC's own file",
    )
    return saved
