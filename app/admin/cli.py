"""frontdesk-admin: headless administration (demo data, member import and export)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from app.admin.backup import (
    backup_dir,
    backup_now,
    check_file,
    preview,
    restore,
    restore_server,
)
from app.admin.demo import seed_demo
from app.admin.housekeeping import database_file
from app.admin.instance import InstanceLock
from app.admin.move import move_to_server
from app.bootstrap import open_store
from app.core import audit, connection
from app.core.context import AppContext
from app.core.errors import FrontdeskError
from app.core.messages import describe
from app.core.paths import resolve_data_dir
from app.members.csvio import export_members, import_members


def _progress(label: str) -> Callable[[int, int], None]:
    start = time.monotonic()

    def report(done: int, total: int) -> None:
        elapsed = time.monotonic() - start
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate else 0.0
        print(
            f"\r{label}: {done:,}/{total:,} ({done * 100 // max(total, 1)}%)"
            f"  {rate:,.0f}/s  ETA {eta:,.0f}s",
            end="",
            file=sys.stderr,
            flush=True,
        )
        if done >= total:
            print(file=sys.stderr)

    return report


def cmd_demo(ctx: AppContext, args: argparse.Namespace) -> int:
    n = seed_demo(
        ctx,
        args.members,
        visits_per_member=args.visits,
        seed=args.seed,
        progress=_progress("demo members"),
    )
    print(f"added {n:,} demo members")
    return 0


def cmd_import(ctx: AppContext, args: argparse.Namespace) -> int:
    report = import_members(ctx, Path(args.file), progress=_progress("rows"))
    for err in report.errors:
        where = f" ({err.column})" if err.column else ""
        print(f"line {err.line}{where}: {describe(err.code, err.params)}", file=sys.stderr)
    print(f"imported {report.imported}, rejected {report.rejected}")
    return 0 if report.rejected == 0 else 3


def cmd_export(ctx: AppContext, args: argparse.Namespace) -> int:
    n = export_members(ctx, Path(args.file))
    print(f"exported {n:,} members to {args.file}")
    return 0


def cmd_backup(ctx: AppContext, args: argparse.Namespace) -> int:
    folder = Path(args.to) if args.to else backup_dir(ctx)
    info = backup_now(ctx, folder, keep=args.keep)
    print(f"backup written: {info.path} ({info.size_bytes:,} bytes)")
    return 0


def cmd_check(ctx: AppContext, args: argparse.Namespace) -> int:
    if ctx.server:  # the server checks its own pages; the audit chain is ours to check
        broken = audit.verify(ctx)
        if broken is not None:
            print(f"audit trail broken at entry {broken}", file=sys.stderr)
            return 4
        print(f"database ok ({ctx.server_shown}); audit trail intact")
        return 0
    problems = check_file(database_file(ctx.data_dir or "."))
    if problems:
        print("database damaged:", *problems, sep="\n  ", file=sys.stderr)
        return 4
    print("database ok")
    return 0


def restore_main(data_dir: Path, backup: Path, url: str | None = None) -> int:
    """Restore runs with the database closed (and no app running on it; on a server, no
    other counter connected)."""
    shown = preview(backup)
    print(
        f"backup {backup}: {shown.members:,} members, {shown.visits:,} visits, "
        f"{shown.complaints:,} complaints, {shown.coupons:,} coupons, "
        f"last visit {shown.last_visit or '-'}"
    )
    with InstanceLock(data_dir):
        if url:
            kept = restore_server(url, backup, data_dir)
        else:
            kept = restore(database_file(data_dir), backup)
    print(f"restored; the previous database is kept as {kept}")
    return 0


def cmd_move(ctx: AppContext | None, args: argparse.Namespace) -> int:
    def progress(table: str, done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{table}: {done:,}/{total:,}", end=end, file=sys.stderr, flush=True)

    report = move_to_server(Path(args.file), args.url, progress=progress)
    print(
        f"moved {report.total_rows:,} rows in {len(report.rows)} tables to {report.server}; "
        f"row counts, checksums and the audit chain ({report.audit_entries:,} entries) verified"
    )
    print("point each counter at the server: frontdesk --db URL, or Settings > Database")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frontdesk-admin", description=__doc__)
    parser.add_argument(
        "--data-dir", help="data folder (default: FRONTDESK_DATA_DIR or the user data folder)"
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="the store's PostgreSQL server (default: FRONTDESK_DB_URL, the data folder's "
        "counter.json, else the data folder's SQLite file)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="add realistic Chinese demo members and visits")
    demo.add_argument("--members", type=int, default=2000)
    demo.add_argument("--visits", type=float, default=4.0, help="average visits per member")
    demo.add_argument("--seed", type=int, default=2026)
    demo.set_defaults(func=cmd_demo)
    imp = sub.add_parser("import-members", help="add members from a CSV file")
    imp.add_argument("file")
    imp.set_defaults(func=cmd_import)
    exp = sub.add_parser("export-members", help="write all members to a CSV file")
    exp.add_argument("file")
    exp.set_defaults(func=cmd_export)
    bak = sub.add_parser("backup", help="copy the database (safe while the app runs)")
    bak.add_argument("--to", help="backup folder (default: <data dir>/backups)")
    bak.add_argument("--keep", type=int, default=14, help="backups to keep there")
    bak.set_defaults(func=cmd_backup)
    chk = sub.add_parser("check", help="run SQLite's integrity and foreign-key checks")
    chk.set_defaults(func=cmd_check)
    res = sub.add_parser("restore", help="replace the database with a backup file")
    res.add_argument("file")
    res.set_defaults(func=None)
    mov = sub.add_parser(
        "move-to-server",
        help="copy a counter's SQLite store onto an empty PostgreSQL database, and verify it",
    )
    mov.add_argument("file", help="the SQLite file (frontdesk.sqlite3 in the data folder)")
    mov.add_argument("url", help="postgresql://user:password@host/database")
    mov.set_defaults(func=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in ("restore", "move-to-server"):
        try:
            if args.command == "move-to-server":
                return cmd_move(None, args)
            data_dir = resolve_data_dir(args.data_dir)
            url = connection.database_url(data_dir, args.db)
            return restore_main(data_dir, Path(args.file), url)
        except FrontdeskError as exc:
            print(f"error: {describe(exc.code, exc.params)}", file=sys.stderr)
            return 2
    ctx = open_store(resolve_data_dir(args.data_dir), db_url=args.db, system=True)
    try:
        result: int = args.func(ctx, args)
        return result
    except FrontdeskError as exc:
        print(f"error: {describe(exc.code, exc.params)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot use {exc.filename or 'the file'}: {exc.strerror}", file=sys.stderr)
        return 2
    finally:
        ctx.close()


if __name__ == "__main__":
    sys.exit(main())
