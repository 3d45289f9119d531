"""Benchmarks: real data sets built once into bench-data/ (git-ignored) and reused."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
