"""One signal for "the data changed": a page that changes something says so once, and
every page showing that thing updates itself. Pages never call each other to refresh; the
main window only routes navigation (open this member, show this code).

A topic names what changed; `member_id` says whose (0: not about one member, or many).
Each window has its own Changes (a language switch builds a new window with a new one);
a page built on its own, as in a test, gets a private one."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.core.live import COMPLAINTS, COUPONS, MEMBERS, SETTINGS, TOPICS, VISITS

__all__ = ["COMPLAINTS", "COUPONS", "MEMBERS", "SETTINGS", "TOPICS", "VISITS", "Changes"]


class Changes(QObject):
    # topic, member id (0: none or many), the page that made the change (it has already
    # updated itself: listeners skip what they sent)
    changed = Signal(str, int, object)

    def tell(self, topic: str, member_id: int | None = None, source: object = None) -> None:
        assert topic in TOPICS, topic
        self.changed.emit(topic, member_id or 0, source)
