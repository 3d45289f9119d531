"""Long jobs (the loyalty review, recounting the day book) off the GUI thread, so the
counter keeps working; one small class instead of a worker per page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]


class Job(QObject):
    """Runs job(progress) on its own thread.

    Signals:
    progress(str, int, int): stage, done, total (from the job, any thread).
    done(object): what the job returned.
    failed(str): the error (the log has the traceback).
    finished(): after done or failed, once the thread has stopped.
    """

    progress = Signal(str, int, int)
    done = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, job: Callable[[Progress], Any], parent: QObject) -> None:
        super().__init__()
        self._job = job
        self._thread = QThread(parent)
        self.moveToThread(self._thread)
        self._thread.started.connect(self._run)
        self._thread.finished.connect(self._cleanup)

    def start(self) -> Job:
        self._thread.start()
        return self

    def wait(self, ms: int = 60000) -> bool:
        return self._thread.wait(ms)

    @Slot()
    def _run(self) -> None:
        try:
            result = self._job(self.progress.emit)
        except Exception as exc:  # the GUI shows it; the log keeps the traceback
            log.exception("background job failed")
            self.failed.emit(str(exc))
        else:
            self.done.emit(result)
        finally:
            self._thread.quit()

    @Slot()
    def _cleanup(self) -> None:
        self.finished.emit()
        self._thread.deleteLater()
        self.deleteLater()
