"""The store's start-up and shutdown housekeeping, in the order the counter app runs it:

0. `app.core.connection.database_url`  which database: the data folder's SQLite file or
                              the store's server (--db, FRONTDESK_DB_URL, counter.json);
1. `apply_scheduled_restore`  a restore the owner scheduled (with the database closed);
2. `check_after_crash`        after a crash or power cut, SQLite's quick check (the app
                              offers `restore_newest_good` when the file is damaged);
3. `upgrade_pending`          whether opening the store will upgrade its schema (slow on a
                              big store: the app says so rather than look frozen);
4. app.bootstrap.open_store;
5. `finish_restore`           the audit trail carried over after a restore;
6. `seed_demo_if_empty`       demo data on a first start, when asked (`--demo`);
7. `daily`                    after sign-in: points past their year expire;
8. `backup_if_due`            a backup when the newest is over a day old (at start and
                              hourly), and always on exit;
`mark_running` brackets the session, so the next start knows whether this one ended
cleanly. Every step is plain Python: the CLI, the tests and the GUI run the same rules."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from app.admin import backup, demo
from app.admin.backup import BackupInfo, RestoreReport
from app.core import connection, requests, settings
from app.core.context import AppContext
from app.core.errors import FrontdeskError
from app.loyalty import expire_points
from db import migrate
from db.engine import DB_FILENAME

log = logging.getLogger(__name__)

BACKUP_EVERY = timedelta(days=1)


def database_file(data_dir: Path | str) -> Path:
    return Path(data_dir) / DB_FILENAME


@dataclass(frozen=True)
class RestoreAttempt:
    kept: Path | None  # where the replaced database is kept (None: nothing restored)
    problem: FrontdeskError | None = None  # why a scheduled restore was not done


def apply_scheduled_restore(data_dir: Path | str, url: str | None = None) -> RestoreAttempt:
    """Puts a scheduled backup in place before the database opens (a server store's only
    when no other counter is connected: until then it stays scheduled). A restore that
    cannot be done is logged and said; the store opens as it was."""
    try:
        kept = backup.apply_pending_restore(data_dir, url)
    except FrontdeskError as exc:
        log.error("scheduled restore not done: %s", exc)
        return RestoreAttempt(None, exc)
    if kept is not None:
        log.info("restored a backup; the previous database is kept as %s", kept)
    return RestoreAttempt(kept)


@dataclass(frozen=True)
class Damage:
    """The quick check's findings on a database left by a crash, and the newest backup
    that checks out (None: there is none)."""

    problems: list[str]
    good: BackupInfo | None


def check_after_crash(data_dir: Path | str, url: str | None = None) -> Damage | None:
    """None when the last run ended cleanly or the database checks out after a crash (a
    server store: the server looks after its own files)."""
    if not backup.unclean_shutdown(data_dir):
        return None
    if url:
        backup.mark_running(data_dir, False)
        log.info("last run ended abruptly; the store is on %s", connection.shown(url))
        return None
    problems = backup.quick_check(database_file(data_dir))
    backup.mark_running(data_dir, False)
    if not problems:
        log.info("last run ended abruptly; the database checked out fine")
        return None
    log.error("database damaged: %s", problems)
    return Damage(problems, backup.newest_good(Path(data_dir) / "backups"))


def restore_newest_good(data_dir: Path | str, good: BackupInfo) -> Path:
    """Replaces the damaged database with the good backup found (Damage.good); the damaged
    file is kept beside it (returned)."""
    return backup.restore(database_file(data_dir), good.path)


def upgrade_pending(data_dir: Path | str, url: str | None = None) -> bool:
    """Whether opening the store will upgrade its file first (a server store: the first
    counter to start a new version upgrades it, the others wait)."""
    return False if url else migrate.pending(database_file(data_dir))


def finish_restore(ctx: AppContext) -> RestoreReport | None:
    report = backup.finish_restore(ctx)
    if report is not None:
        log.info(
            "restore finished: %s, %d later audit entries carried over, replaced file kept as %s",
            report.backup,
            report.carried,
            report.kept,
        )
    return report


def seed_demo_if_empty(ctx: AppContext) -> int:
    added = demo.seed_if_empty(ctx)
    if added:
        log.info("added %d demo members to %s", added, ctx.data_dir)
    return added


def daily(ctx: AppContext) -> int:
    """The daily chores (index lookups when nothing is due): points past their year
    expire; request ids older than a week are forgotten. Returns points expired. Run at
    every start before the window: a chore that fails is logged and tried again at the
    next start; it never keeps the counter from opening."""
    expired = 0
    try:
        expired = expire_points(ctx)
    except Exception:
        log.exception("points expiry failed (tried again at the next start)")
    if expired:
        log.info("points past their year expired: %d", expired)
    try:
        with ctx.uow() as uow:
            requests.forget_old(uow.session, ctx.clock.now())
            uow.commit()
    except Exception:
        log.exception("forgetting old request ids failed (tried again at the next start)")
    return expired


def backup_if_due(ctx: AppContext, *, on_exit: bool = False) -> Path | None:
    """A backup on exit, or when the newest is over a day old. A failed backup is logged
    and never stops the counter. Returns the file written (None: not due, or failed)."""
    try:
        folder = backup.backup_dir(ctx)
        newest = backup.list_backups(folder)[:1]
        if not on_exit and newest and ctx.clock.now() - newest[0].taken_at < BACKUP_EVERY:
            return None
        info = backup.backup_now(ctx, folder, keep=settings.load(ctx).backup_keep)
    except Exception:
        log.exception("automatic backup failed")
        return None
    log.info("backup written to %s", info.path)
    return info.path


def mark_running(data_dir: Path | str, running: bool) -> None:
    backup.mark_running(data_dir, running)
