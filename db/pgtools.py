"""PostgreSQL's own backup tools, driven for the app: pg_dump (custom format, a
consistent snapshot while counters work) and pg_restore (all or nothing).

The tools come with PostgreSQL (on Windows in C:\\Program Files\\PostgreSQL\\<n>\\bin, on
Debian in postgresql-client); FRONTDESK_PG_BIN names their folder when they are not on
the PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url


class ToolError(Exception):
    """A tool is missing or failed; the message is its own (first lines)."""


def find(tool: str) -> str:
    """The tool's path: FRONTDESK_PG_BIN, the PATH, or PostgreSQL's usual install folders
    (newest first)."""
    exe = tool + (".exe" if sys.platform == "win32" else "")
    folder = os.environ.get("FRONTDESK_PG_BIN")
    if folder and (Path(folder) / exe).exists():
        return str(Path(folder) / exe)
    found = shutil.which(tool)
    if found:
        return found
    roots = [Path("C:/Program Files/PostgreSQL"), Path("/usr/lib/postgresql")]
    for root in roots:
        if root.is_dir():
            versions = sorted(root.iterdir(), key=lambda p: p.name, reverse=True)
            for version in versions:
                candidate = version / "bin" / exe
                if candidate.exists():
                    return str(candidate)
    raise ToolError(f"{tool} not found (install the PostgreSQL client tools)")


def _environment(url: str) -> tuple[list[str], dict[str, str]]:
    """Connection options for the tools, the password in the environment (never on the
    command line, where other users of the PC could read it)."""
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    args = ["--no-password"]
    if u.host:
        args += ["--host", u.host]
    if u.port:
        args += ["--port", str(u.port)]
    if u.username:
        args += ["--username", u.username]
    return args, env


def _run(args: list[str], env: dict[str, str], timeout: float = 3600) -> str:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolError(str(exc)) from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout or "").strip().splitlines()
        raise ToolError("; ".join(lines[:3]) or f"{Path(args[0]).name} failed")
    return done.stdout


def database_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or str(make_url(url).database or "")


def dump(url: str, file: Path) -> None:
    """pg_dump --format=custom of the store's database into file."""
    args, env = _environment(url)
    _run([find("pg_dump"), *args, "--format=custom", "--file", str(file), database_of(url)], env)


def check(file: Path) -> list[str]:
    """Problems with a dump (empty: pg_restore can read its table of contents)."""
    try:
        listing = _run([find("pg_restore"), "--list", str(file)], dict(os.environ), timeout=120)
    except ToolError as exc:
        return [str(exc)]
    return [] if "TABLE DATA" in listing else ["no table data in the dump"]


def restore(url: str, file: Path) -> None:
    """Replaces the database's contents with the dump's, in one transaction."""
    args, env = _environment(url)
    _run(
        [
            find("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            database_of(url),
            str(file),
        ],
        env,
    )
