"""Backups and restores with a preview, integrity checks.

One counter (SQLite): SQLite's online backup API, a self-contained .sqlite3 file.
A store on a server (PostgreSQL): pg_dump's custom format (.dump), with a small .json beside
it saying what it holds (the preview); restored through pg_restore in one transaction, at
the next start, when no other counter is connected. The same buttons for both."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.core import audit, keys
from app.core.context import AppContext
from app.core.errors import FrontdeskError, ValidationError
from app.staff import require
from db import pgtools
from db.engine import DB_FILENAME, make_engine, read_only_engine
from db.models import AuditEntry, Complaint, Coupon, Member, Setting, Visit

PREFIX = "frontdesk-"
SUFFIX = ".sqlite3"
DUMP_SUFFIX = ".dump"  # a server store's backup (pg_dump --format=custom)
_NAME = re.compile(r"^frontdesk-(\d{8}-\d{6})(?:-\d+)?\.(?:sqlite3|dump)$")
DEFAULT_KEEP = 14


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    size_bytes: int


@dataclass(frozen=True)
class Preview:
    """What a backup holds, shown before anyone restores it."""

    ok: bool
    problems: list[str]
    members: int
    visits: int
    complaints: int
    coupons: int
    last_visit: datetime | None
    audit_entries: int = 0


def _raw(path: Path, readonly: bool = True) -> sqlite3.Connection:
    uri = f"file:{path.resolve()}?mode={'ro' if readonly else 'rwc'}"
    return sqlite3.connect(uri, uri=True)


def check_file(path: Path) -> list[str]:
    """Problems found by SQLite's own checks, or pg_restore's for a server's dump (empty
    list: the file is sound)."""
    if not path.exists():
        return ["missing"]
    if path.suffix == DUMP_SUFFIX:
        return pgtools.check(path)
    try:
        con = _raw(path)
        try:
            result = [r[0] for r in con.execute("PRAGMA integrity_check")]
            problems = [] if result == ["ok"] else result[:20]
            bad_keys = con.execute("PRAGMA foreign_key_check").fetchall()
            if bad_keys:
                problems.append(f"{len(bad_keys)} rows point at missing rows")
            return problems
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return [f"not a readable database: {exc}"]


def backup_now(ctx: AppContext, folder: Path | str, keep: int = DEFAULT_KEEP) -> BackupInfo:
    """Copies the live database (while it is in use) into folder, checks the copy, and
    keeps only the newest `keep` backups there. The owner's "back up now", or the store's
    own daily and exit backups."""
    require(ctx, "backup.restore")
    if keep < 1:
        raise ValidationError("backup.keep", field="keep")
    target_dir = Path(folder)
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FrontdeskError("backup.folder", folder=str(target_dir), reason=str(exc)) from None
    now = ctx.clock.now().astimezone(UTC)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    final = target_dir / f"{PREFIX}{stamp}{SUFFIX}"
    n = 1
    while final.exists():
        final = target_dir / f"{PREFIX}{stamp}-{n}{SUFFIX}"
        n += 1
    if ctx.server:
        final = final.with_suffix(DUMP_SUFFIX)
        _dump(ctx, final)
        for old in list_backups(target_dir)[keep:]:
            old.path.unlink(missing_ok=True)
            _summary_file(old.path).unlink(missing_ok=True)
        return BackupInfo(final, now, final.stat().st_size)
    part = final.with_name(final.name + ".part")
    raw = ctx.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        dest = sqlite3.connect(part)
        try:
            source.backup(dest)  # a consistent snapshot, even while counters write
            # The copy carries the live file's WAL mode; a backup is one self-contained
            # file, so it is switched to a rollback journal before anyone opens it again.
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
    finally:
        raw.close()
    problems = check_file(part)
    if problems:
        part.unlink(missing_ok=True)
        raise FrontdeskError("backup.bad_copy", problems="; ".join(problems[:3]))
    with open(part, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(part, final)
    for old in list_backups(target_dir)[keep:]:
        old.path.unlink(missing_ok=True)
    return BackupInfo(final, now, final.stat().st_size)


def _summary_file(dump: Path) -> Path:
    return dump.with_name(dump.name + ".json")


def _dump(ctx: AppContext, final: Path) -> None:
    """pg_dump into final (via a .part name), checked readable, with its summary."""
    part = final.with_name(final.name + ".part")
    url = ctx.engine.url.render_as_string(hide_password=False)
    with ctx.uow() as uow:
        summary = _counts(uow.session)
    try:
        pgtools.dump(url, part)
    except pgtools.ToolError as exc:
        part.unlink(missing_ok=True)
        raise FrontdeskError("backup.bad_copy", problems=str(exc)) from None
    problems = pgtools.check(part)
    if problems:
        part.unlink(missing_ok=True)
        raise FrontdeskError("backup.bad_copy", problems="; ".join(problems[:3]))
    _summary_file(final).write_text(json.dumps(summary), encoding="utf-8")
    os.replace(part, final)


def _counts(s: Session) -> dict[str, object]:
    """What a backup holds, for its preview (members, visits, ..., the last visit)."""

    def count(model: type[Any]) -> int:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)

    last = s.scalar(select(func.max(Visit.visited_at)))
    return {
        "members": count(Member),
        "visits": count(Visit),
        "complaints": count(Complaint),
        "coupons": count(Coupon),
        "audit_entries": count(AuditEntry),
        "last_visit": last.isoformat() if last is not None else None,
    }


def list_backups(folder: Path | str) -> list[BackupInfo]:
    """Backups in folder (a file's, a server's), newest first."""
    found = []
    for path in [
        *Path(folder).glob(f"{PREFIX}*{SUFFIX}"),
        *Path(folder).glob(f"{PREFIX}*{DUMP_SUFFIX}"),
    ]:
        m = _NAME.match(path.name)
        if m:
            when = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
            found.append(BackupInfo(path, when, path.stat().st_size))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def preview(path: Path | str) -> Preview:
    p = Path(path)
    if p.suffix == DUMP_SUFFIX:
        return _preview_dump(p)
    problems = check_file(p)
    if problems and problems[0].startswith(("missing", "not a readable")):
        return Preview(False, problems, 0, 0, 0, 0, None)
    con = _raw(p)
    try:

        def count(table: str) -> int:
            try:
                return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            except sqlite3.DatabaseError:
                return 0

        last = con.execute("SELECT max(visited_at) FROM visits").fetchone()[0]
        return Preview(
            not problems,
            problems,
            count("members"),
            count("visits"),
            count("complaints"),
            count("coupons"),
            _instant(last),
            count("audit_log"),
        )
    finally:
        con.close()


def _preview_dump(p: Path) -> Preview:
    problems = pgtools.check(p) if p.exists() else ["missing"]
    try:
        info = json.loads(_summary_file(p).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    last = info.get("last_visit")
    return Preview(
        not problems,
        problems,
        int(info.get("members", 0)),
        int(info.get("visits", 0)),
        int(info.get("complaints", 0)),
        int(info.get("coupons", 0)),
        datetime.fromisoformat(last) if last else None,
        int(info.get("audit_entries", 0)),
    )


def _instant(text: str | None) -> datetime | None:
    """A stored (naive UTC) time read straight from the file, as an aware instant."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    except ValueError:
        return None


def restore(database: Path | str, backup: Path | str) -> Path:
    """Replaces the database with a backup; the app must not have it open. The current
    file is kept beside it first (returned), so a restore can itself be undone."""
    db, src = Path(database), Path(backup)
    problems = check_file(src)
    if problems:
        raise FrontdeskError("backup.bad_source", problems="; ".join(problems[:3]))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    kept = db.with_name(f"{db.name}.before-restore-{stamp}")
    if db.exists():
        current = sqlite3.connect(db)
        try:
            saved = sqlite3.connect(kept)
            try:
                current.backup(saved)
            finally:
                saved.close()
        finally:
            current.close()
    source = _raw(src)
    try:
        target = sqlite3.connect(db)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return kept


PENDING_RESTORE = "restore-pending.txt"


def backup_dir(ctx: AppContext) -> Path:
    """Where automatic backups go: the owner's choice (a USB drive), else <data>/backups."""
    with ctx.uow() as uow:
        row = uow.session.get(Setting, keys.BACKUP_DIR)
        chosen = row.value if row is not None else ""
    if chosen:
        return Path(chosen)
    return Path(ctx.data_dir or ".") / "backups"


def set_backup_dir(ctx: AppContext, folder: Path | str) -> Path:
    require(ctx, "backup.settings")
    path = Path(folder).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".frontdesk-write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise FrontdeskError("backup.folder", folder=str(path), reason=str(exc)) from None
    with ctx.uow(write=True) as uow:
        row = uow.session.get(Setting, keys.BACKUP_DIR) or Setting(key=keys.BACKUP_DIR)
        row.value = str(path)
        uow.session.add(row)
        audit.record(uow.session, ctx, "backup.folder", str(path)[:64])
        uow.commit()
    return path


def schedule_restore(ctx: AppContext, backup: Path | str) -> Preview:
    """Marks a backup to be restored at the next start, before the database is opened
    (the running app cannot swap its own database). The owner has seen its preview and
    confirmed; until the next start it can be cancelled (cancel_restore)."""
    require(ctx, "backup.restore")
    shown = preview(backup)
    if not shown.ok:
        raise FrontdeskError("backup.bad_source", problems="; ".join(shown.problems[:3]))
    (Path(ctx.data_dir or ".") / PENDING_RESTORE).write_text(
        str(Path(backup).resolve()), encoding="utf-8"
    )
    audit.log(ctx, "backup.restore", Path(backup).name, "scheduled for the next start")
    return shown


def pending_restore(ctx: AppContext) -> Path | None:
    """The backup that will be restored at the next start, if one is scheduled."""
    marker = Path(ctx.data_dir or ".") / PENDING_RESTORE
    if not marker.exists():
        return None
    return Path(marker.read_text(encoding="utf-8").strip())


def cancel_restore(ctx: AppContext) -> bool:
    """Takes back a scheduled restore; False when none was scheduled."""
    require(ctx, "backup.restore")
    chosen = pending_restore(ctx)
    if chosen is None:
        return False
    (Path(ctx.data_dir or ".") / PENDING_RESTORE).unlink(missing_ok=True)
    audit.log(ctx, "backup.restore_cancelled", chosen.name)
    return True


RESTORED = "restore-done.json"


@dataclass(frozen=True)
class RestoreReport:
    """What a restore at start did, shown to the owner once it is done."""

    backup: str
    taken_at: datetime | None
    kept: Path
    carried: int  # audit entries written after the backup, carried into the restored trail


def apply_pending_restore(data_dir: Path | str, url: str | None = None) -> Path | None:
    """At start, before opening the database: carries out a scheduled restore. Returns the
    file the replaced database was kept as, or None when nothing was scheduled.
    finish_restore() completes it once the database is open. A server store (`url`, a
    .dump) is restored only when no other counter is connected to it; until then the
    restore stays scheduled (FrontdeskError "backup.others_connected")."""
    marker = Path(data_dir) / PENDING_RESTORE
    if not marker.exists():
        return None
    source = Path(marker.read_text(encoding="utf-8").strip())
    if source.suffix == DUMP_SUFFIX:
        if not url:
            marker.unlink(missing_ok=True)
            raise FrontdeskError("backup.bad_source", problems="a server backup, but no server")
        kept = restore_server(url, source, Path(data_dir))
        marker.unlink(missing_ok=True)
    else:
        try:
            kept = restore(Path(data_dir) / DB_FILENAME, source)
        finally:
            marker.unlink(missing_ok=True)
    (Path(data_dir) / RESTORED).write_text(
        json.dumps({"backup": str(source), "kept": str(kept)}), encoding="utf-8"
    )
    return kept


def restore_server(url: str, source: Path, data_dir: Path) -> Path:
    """pg_restore of a dump over the server's store, the current contents kept first as a
    dump beside the data folder (with its audit trail, carried over by finish_restore)."""
    problems = pgtools.check(source)
    if problems:
        raise FrontdeskError("backup.bad_source", problems="; ".join(problems[:3]))
    engine = make_engine(url, application_name="frontdesk restore")
    try:
        with engine.connect() as conn:
            others = int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
            )
        if others:
            raise FrontdeskError("backup.others_connected", count=others)
        with Session(engine) as s:
            trail = [
                [e.id, e.at.isoformat(), e.staff, e.action, e.target, e.detail, e.hash]
                for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
            ]
    finally:
        engine.dispose()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    kept = data_dir / f"before-restore-{stamp}{DUMP_SUFFIX}"
    try:
        pgtools.dump(url, kept)
        kept.with_name(kept.name + ".audit.json").write_text(json.dumps(trail), encoding="utf-8")
        pgtools.restore(url, source)
    except pgtools.ToolError as exc:
        raise FrontdeskError("backup.bad_source", problems=str(exc)) from None
    return kept


def finish_restore(ctx: AppContext) -> RestoreReport | None:
    """After a restore, with the database open: the audit trail never silently loses
    history. Entries the replaced database had beyond the backup (the restore's own
    scheduling, a void, a points adjustment, changes made after the backup) are carried
    over, chained anew, followed by one entry that names the replaced chain's head and
    the file it is kept in. None when no restore was just done."""
    marker = Path(ctx.data_dir or ".") / RESTORED
    if not marker.exists():
        return None
    info = json.loads(marker.read_text(encoding="utf-8"))
    backup, kept = Path(info["backup"]), Path(info["kept"])
    old = _audit_trail(kept) if kept.exists() else []
    with ctx.uow(write=True) as uow:
        s = uow.session
        have = list(s.execute(select(AuditEntry.hash).order_by(AuditEntry.id)).scalars())
        common = 0
        while common < min(len(have), len(old)) and have[common] == old[common].hash:
            common += 1
        later = old[common:]
        for e in later:
            audit.append(s, e.at, e.staff, e.action, e.target, e.detail)
        head = old[-1].hash if old else audit.GENESIS
        audit.record(
            s,
            ctx,
            "backup.restored",
            backup.name,
            f"replaced chain head {head}; {len(later)} later entries carried over; "
            f"the replaced database is kept as {kept.name}",
        )
        uow.commit()
    marker.unlink(missing_ok=True)
    return RestoreReport(backup.name, _taken(backup), kept, len(later))


def _audit_trail(path: Path) -> list[audit.AuditLine]:
    if path.suffix == DUMP_SUFFIX:  # a server store's, saved beside its dump
        rows = json.loads(path.with_name(path.name + ".audit.json").read_text(encoding="utf-8"))
        return [
            audit.AuditLine(r[0], datetime.fromisoformat(r[1]), r[2], r[3], r[4], r[5], r[6])
            for r in rows
        ]
    engine = read_only_engine(path)
    try:
        with Session(engine) as s:
            return [
                audit.AuditLine(e.id, e.at, e.staff, e.action, e.target, e.detail, e.hash)
                for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
            ]
    finally:
        engine.dispose()


def _taken(path: Path) -> datetime | None:
    m = _NAME.match(path.name)
    return datetime.strptime(m.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC) if m else None


RUNNING_MARKER = "frontdesk.running"


def quick_check(path: Path | str) -> list[str]:
    """SQLite's quick_check (faster than the full check, same kinds of damage)."""
    p = Path(path)
    if not p.exists():
        return []
    try:
        con = _raw(p)
        try:
            result = [r[0] for r in con.execute("PRAGMA quick_check")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return [f"not a readable database: {exc}"]
    return [] if result == ["ok"] else result[:20]


def newest_good(folder: Path | str) -> BackupInfo | None:
    """The newest backup in folder that passes the full check."""
    for info in list_backups(folder):
        if not check_file(info.path):
            return info
    return None


def unclean_shutdown(data_dir: Path | str) -> bool:
    """True when the last run did not end normally (crash, kill, power cut)."""
    return (Path(data_dir) / RUNNING_MARKER).exists()


def mark_running(data_dir: Path | str, running: bool) -> None:
    marker = Path(data_dir) / RUNNING_MARKER
    if running:
        marker.write_text(str(os.getpid()), encoding="utf-8")
    else:
        marker.unlink(missing_ok=True)
