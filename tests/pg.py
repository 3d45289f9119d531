"""The PostgreSQL server the tests run against, when there is one.

`make test-pg` runs the suite inside `pg_virtualenv` (Debian's postgresql-common): a
throwaway cluster, even as root, named by PGHOST, PGPORT, PGUSER and PGPASSWORD, with
FRONTDESK_TEST_PG=1. Each test then gets a database of its own, copied in milliseconds
from a template migrated once per run, and the app finds it through FRONTDESK_DB_URL — the
same setting a counter uses — so every store a test opens (and every process it starts)
is on the server."""

from __future__ import annotations

import itertools
import os
import subprocess
import tempfile

import psycopg
from psycopg import sql
from sqlalchemy import Engine, text

from app.bootstrap import open_store

_counter = itertools.count()
DROP = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
_template: str | None = None


def enabled() -> bool:
    return os.environ.get("FRONTDESK_TEST_PG") == "1"


def url(database: str, driver: str = "postgresql") -> str:
    env = os.environ
    password = env.get("PGPASSWORD", "")
    auth = env.get("PGUSER", "postgres") + (f":{password}" if password else "")
    host = f"{env.get('PGHOST', 'localhost')}:{env.get('PGPORT', '5432')}"
    return f"{driver}://{auth}@{host}/{database}"


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url("postgres"), autocommit=True)


def _template_name() -> str:
    global _template
    if _template is None:
        name = f"fd_template_{os.getpid()}"
        with _admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        store = open_store(tempfile.mkdtemp(prefix="fd-template-"), db_url=url(name), system=True)
        store.close()  # migrated to head; no connection left (a template must be idle)
        _template = name
    return _template


def fresh() -> str:
    """A new, migrated, empty store database; its URL."""
    template = _template_name()
    name = f"fd_{os.getpid()}_{next(_counter)}"
    with _admin() as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return url(name)


def terminate(engine: Engine, application_name: str) -> int:
    """The server drops the connections to `engine`'s database whose application_name is
    LIKE the pattern (as a restart or a pulled cable would); how many it dropped."""
    with engine.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name LIKE :name AND datname = current_database()"
            ),
            {"name": application_name},
        ).scalar()
    return int(killed or 0)


def drop(database_url: str) -> None:
    name = database_url.rsplit("/", 1)[1]
    with _admin() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def drop_template() -> None:
    global _template
    if _template is not None:
        drop(url(_template))
        _template = None


def _cluster() -> tuple[str, str]:
    """(version, name) of the cluster the tests run on (pg_virtualenv's)."""
    out = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in out.splitlines():
        version, name, port = line.split()[:3]
        if port == os.environ.get("PGPORT", "5432"):
            return version, name
    raise RuntimeError(f"no cluster on port {os.environ.get('PGPORT')}: {out}")


def stop_server() -> None:
    """The server goes away (as when the back-office PC restarts)."""
    version, name = _cluster()
    subprocess.run(["pg_ctlcluster", version, name, "stop", "-m", "fast"], check=True)


def start_server() -> None:
    version, name = _cluster()
    subprocess.run(["pg_ctlcluster", version, name, "start"], check=True)
