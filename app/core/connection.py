"""Which database this counter uses, and the counter's own name.

One counter: a SQLite file in the data folder (the default; nothing to set up). Several
counters in one store: every counter is a client of one PostgreSQL server, named by a URL
such as ``postgresql://frontdesk:secret@192.168.1.10/frontdesk``. The choice, in order:
``--db URL`` on the command line, the FRONTDESK_DB_URL environment variable, or what the
settings' Database tab saved in the data folder (counter.json, which stays on this PC: it
is how this PC finds the shared database, so it cannot live in it)."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.core.errors import FrontdeskError, ValidationError
from db.engine import is_server, server_url

COUNTER_FILE = "counter.json"
ENV_URL = "FRONTDESK_DB_URL"


@dataclass(frozen=True)
class CounterConfig:
    database_url: str = ""  # "" = this PC's own SQLite file
    counter_name: str = ""  # "" = the PC's name


def load(data_dir: Path | str) -> CounterConfig:
    path = Path(data_dir) / COUNTER_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return CounterConfig()
    known = set(CounterConfig.__dataclass_fields__)
    return CounterConfig(**{k: str(v) for k, v in data.items() if k in known})


def save(data_dir: Path | str, config: CounterConfig) -> CounterConfig:
    """Writes counter.json (atomically: a power cut leaves the old or the new)."""
    config = replace(
        config,
        database_url=check_url(config.database_url) if config.database_url else "",
        counter_name=" ".join(config.counter_name.split())[:40],
    )
    path = Path(data_dir) / COUNTER_FILE
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(asdict(config), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
    return config


def check_url(url: str) -> str:
    """A PostgreSQL URL as typed (postgres://, postgresql:// or postgresql+psycopg://),
    checked for a host and a database name. Raises ValidationError("db.url")."""
    url = url.strip()
    if not is_server(url):
        raise ValidationError("db.url", field="database_url")
    parts = urlsplit(server_url(url))
    if not parts.hostname or not parts.path.strip("/"):
        raise ValidationError("db.url", field="database_url")
    return url


def database_url(data_dir: Path | str, explicit: str | None = None) -> str | None:
    """The server URL this counter uses, or None for the data folder's SQLite file."""
    url = explicit or os.environ.get(ENV_URL) or load(data_dir).database_url
    return check_url(url) if url else None


def counter_name(data_dir: Path | str) -> str:
    """How this counter shows on the server (pg_stat_activity) and in its notices."""
    return load(data_dir).counter_name or socket.gethostname() or "counter"


def shown(url: str | None) -> str:
    """The URL without its password, for the status bar, the settings and the log."""
    if not url:
        return ""
    parts = urlsplit(server_url(url))
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(("postgresql", user + host, parts.path, "", ""))


def _netloc(user: str | None, password: str | None, host: str | None, port: int | None) -> str:
    auth = quote(user or "", safe="")
    if password:
        auth += ":" + quote(password, safe="")
    where = host or ""
    if ":" in where:  # an IPv6 address
        where = f"[{where}]"
    if port:
        where += f":{port}"
    return f"{auth}@{where}" if auth else where


def split_password(url: str) -> tuple[str, str]:
    """(the URL without its password, the password): the settings show the address and
    keep the password in a field of its own, masked."""
    parts = urlsplit(url.strip())
    if not parts.password:
        return url.strip(), ""
    bare = parts._replace(netloc=_netloc(parts.username, None, parts.hostname, parts.port))
    return urlunsplit(bare), unquote(parts.password)


def with_password(url: str, password: str) -> str:
    """The URL with `password` put in (replacing one typed in the URL); unchanged when
    `password` is empty."""
    if not password:
        return url.strip()
    parts = urlsplit(url.strip())
    full = parts._replace(netloc=_netloc(parts.username, password, parts.hostname, parts.port))
    return urlunsplit(full)


@dataclass(frozen=True)
class ServerCheck:
    version: str  # the server's, e.g. "PostgreSQL 15.14"
    members: int | None  # None: no store on it yet (move one there, or start using it)


def check_server(url: str, timeout_s: int = 5) -> ServerCheck:
    """Connects once to the server (the Database settings' "Test connection"). Raises
    ValidationError("db.url") for a malformed URL, FrontdeskError("db.connect", reason=...)
    with the server's own words when it cannot connect (wrong password, no such
    database, not reachable)."""
    url = check_url(url)
    engine = create_engine(server_url(url), connect_args={"connect_timeout": timeout_s})
    try:
        with engine.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar_one())
            try:
                members = int(conn.execute(text("SELECT count(*) FROM members")).scalar_one())
            except DBAPIError:
                members = None
        return ServerCheck(f"PostgreSQL {version.split()[0]}", members)
    except DBAPIError as exc:
        reason = str(exc.orig or exc).strip().splitlines()
        raise FrontdeskError("db.connect", reason=(reason[0] if reason else "")[:200]) from None
    finally:
        engine.dispose()
