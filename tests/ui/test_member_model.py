"""The search results model: each search's rows put in place of the last's (no reset),
checked by Qt's own model tester and by what a view shows and has selected."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.members import MemberRow
from ui.members.models import MemberTableModel


def row(i: int, name: str | None = None, active: bool = True) -> MemberRow:
    return MemberRow(
        id=i,
        member_no=f"M{i:06d}",
        card_no=None,
        name=name or f"会员{i}",
        phone_masked="138****0000",
        gender="",
        birthday=None,
        visit_count=i,
        lifetime_spend_cents=100 * i,
        last_visit_at=None,
        active=active,
    )


def shown(model: MemberTableModel) -> list[tuple[int, str]]:
    return [
        (model.data(model.index(r, 0), Qt.ItemDataRole.UserRole), model.data(model.index(r, 0)))
        for r in range(model.rowCount())
    ]


def test_rows_replaced_grown_shrunk_and_emptied(qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    model = MemberTableModel()
    qtmodeltester.check(model)  # and it keeps watching every change below
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    for ids in ([1, 2, 3], [4, 5, 6], [7], [8, 9, 10, 11, 12], [], [13, 14]):
        model.set_rows([row(i) for i in ids])
        assert shown(model) == [(i, f"会员{i}") for i in ids]
        view.selectRow(0)
        if ids:
            assert [i.row() for i in view.selectionModel().selectedRows()] == [0]
    assert resets == []
    # A deactivated member is shown as such where an active one was.
    model.set_rows([row(13), row(15, "王五", active=False)])
    assert shown(model)[1] == (15, "王五 (deactivated)")
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is None
