"""BENCH startup: the whole `frontdesk` process, from being started to its main window
shown and the event loop running, on the store with 1,000,000 members and 5,000,000
visits. A new process each time (the page cache warm, as on a counter PC that ran the app
before); the median of five, after one start that is not counted. The app's bytecode is
written first, as an installed or packaged app has it (with PYTHONDONTWRITEBYTECODE set,
as on some build machines, every start would compile the changed modules again)."""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import time
from pathlib import Path

from tests.bench.stores import DATA, N, loyalty_store
from tests.journeys.driver import frontdesk_command

RUNS = int(os.environ.get("BENCH_STARTS", "5"))


def _start_once() -> tuple[float, float, float]:
    """(seconds to the window shown, seconds to the process gone, the app's own figure
    from main() to shown)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    with subprocess.Popen(
        [*frontdesk_command(), "--data-dir", str(DATA), "--quit-after-start"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as proc:
        assert proc.stdout is not None
        ready, inside = 0.0, 0.0
        for line in proc.stdout:
            if line.startswith("STARTUP "):
                ready = time.perf_counter() - started
                inside = float(line.split("ready_s=")[1].split()[0])
        code = proc.wait(timeout=120)
    gone = time.perf_counter() - started
    assert code == 0, f"frontdesk exited with {code}"
    assert ready > 0, "the app never said it was ready"
    return ready, gone, inside


def test_startup() -> None:
    ctx, visits = loyalty_store()
    ctx.close()  # the app opens the store itself
    root = Path(__file__).resolve().parents[2]
    for package in ("app", "db", "ui"):
        compileall.compile_dir(root / package, quiet=1)
    _start_once()  # not counted: the first start after the store was (re)built
    runs = [_start_once() for _ in range(RUNS)]
    ready = statistics.median(r[0] for r in runs)
    gone = statistics.median(r[1] for r in runs)
    inside = statistics.median(r[2] for r in runs)
    print(f"\nstarts: {' '.join(f'{r[0]:.3f}' for r in runs)}")
    print(
        f"BENCH startup members={N} visits={visits} ready_s={ready:.3f} "
        f"exit_s={gone:.3f} in_main_s={inside:.3f}"
    )
