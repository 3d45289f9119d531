"""GUI test fixtures: the real main window on a temp database, offscreen, with somebody
signed in (the owner unless a test asks for a role: @pytest.mark.parametrize("role", ...)),
as in the real program, where nobody signed in means the sign-in box."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.bootstrap import open_store
from app.core.clock import FakeClock
from app.core.context import AppContext
from tests.helpers import sign_in_as
from tests.ui.helpers import open_window
from ui.main_window import MainWindow
from ui.style import apply_style, install_translations, register_fonts


@pytest.fixture(scope="session", autouse=True)
def _app_setup(qapp: QApplication) -> None:
    register_fonts(qapp)
    apply_style(qapp)


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    install_translations(qapp, "en")
    yield


@pytest.fixture
def role() -> str:
    return "owner"


@pytest.fixture
def fresh_ctx(data_dir: Path, clock: FakeClock) -> Iterator[AppContext]:
    """A new store: no staff account yet (the first start)."""
    context = open_store(data_dir, clock)
    yield context
    context.close()


@pytest.fixture
def ctx(fresh_ctx: AppContext, role: str) -> AppContext:
    sign_in_as(fresh_ctx, role)
    return fresh_ctx


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext, english: None) -> MainWindow:
    return open_window(qtbot, ctx)
