"""BENCH crash: a writer killed with SIGKILL at random moments, many times; every visit
it had confirmed must be there and the database must pass its integrity check."""

from __future__ import annotations

import os
import tempfile

from tests.helpers import crash_runs

RUNS = int(os.environ.get("BENCH_CRASH_RUNS", "200"))


def test_bench_crash() -> None:
    lost, corrupt = crash_runs(tempfile.mkdtemp(prefix="bench-crash-"), RUNS, seed=7)
    print(f"\nBENCH crash runs={RUNS} lost={lost} corrupt={corrupt}")
    assert (lost, corrupt) == (0, 0)
