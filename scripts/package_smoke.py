"""Smoke test of the packaged app: start the built binary offscreen on a new data folder
(with demo data), check it opened and migrated its database, and that it starts again."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path


def launch(binary: str, data: Path, *extra: str) -> tuple[int, str]:
    """The built app started offscreen, quitting once started: (exit code, output)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [binary, "--data-dir", str(data), "--quit-after-start", *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr


def run(binary: str, data: Path, *extra: str) -> str:
    code, output = launch(binary, data, *extra)
    if code != 0 or "STARTUP ready_s=" not in output:
        sys.exit(f"packaged app failed (exit {code}):\n{output}")
    return output


def main() -> None:
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "store"
        first = run(binary, data, "--demo", "--lang", "en")
        db = sqlite3.connect(data / "frontdesk.sqlite3")
        version = db.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        members = db.execute("SELECT count(*) FROM members").fetchone()[0]
        days = db.execute("SELECT count(*) FROM daily_totals").fetchone()[0]
        db.close()
        if members == 0 or days == 0:
            sys.exit(f"packaged app did not seed its database: {members} members, {days} days")
        pdf = Path(tmp) / "report.pdf"
        second = run(binary, data, "--lang", "zh_TW", "--smoke-report", str(pdf))
        from pypdf import PdfReader

        text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
        layouts = sorted(Path(tmp).glob("report.pdf.*.pdf"))
        if len(layouts) != 4:
            sys.exit(f"packaged app wrote {len(layouts)} coupon layouts, not 4")
        if "悦泉汤泉会馆" not in text or "經營報表" not in text:
            sys.exit(f"packaged app wrote a report without its Chinese text:\n{text[:300]}")
        ready = [line for line in (first + second).splitlines() if "STARTUP" in line]
        # Server mode in the packaged app: the PostgreSQL driver is inside (a missing one
        # would fail differently), and a server that does not answer is said so.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = f"postgresql://frontdesk:x@127.0.0.1:{port}/frontdesk"
        code, said = launch(binary, Path(tmp) / "counter", "--db", server)
        if code != 2 or "does not answer" not in said:
            sys.exit(f"packaged app in server mode (exit {code}):\n{said[-2000:]}")
        print(f"PACKAGE ok schema={version} members={members} {' '.join(ready)} server=driver-ok")


if __name__ == "__main__":
    main()
