"""Journey fixtures: one X server for the session, a fresh data folder per journey, and
the program started (and, at the end, killed if a journey left it running)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.journeys.driver import ARTIFACTS, App, Display


@pytest.fixture(scope="session")
def display() -> Iterator[Display]:
    screen = Display().start()
    # Every character the journeys type gets its key before any program starts: a key
    # map changed under a running program is read late (a "小" was lost once).
    here = Path(__file__).parent
    screen.map_characters("".join(p.read_text(encoding="utf-8") for p in here.glob("*.py")))
    yield screen
    screen.stop()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A fresh data folder, as on a new counter PC."""
    folder = tmp_path / "store"
    folder.mkdir()
    return folder


@pytest.fixture
def frontdesk(
    display: Display, store: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., App]]:
    """Starts the real program on the journey's data folder; each call is a new run
    (a restart), on the same folder unless another is given."""
    runs: list[App] = []
    journey = request.node.name.replace("/", "_")
    shutil.rmtree(ARTIFACTS / journey, ignore_errors=True)  # screenshots of this run only

    def start(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None) -> App:
        app = App(display, data_dir or store, journey).start(*args, env=env)
        runs.append(app)
        return app

    yield start
    for app in runs:
        if app.running():
            app.screenshot("left-running")
        app.stop()
