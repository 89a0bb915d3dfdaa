"""The runs table's model: one row per :class:`~gdlab.gui.run_records.RunRecord` (columns
:data:`COLUMNS`), the Name cell editable, a running row redrawn at most every :data:`ROW_REFRESH_MS`.
"""
from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor

from ..core.io.printing import number
from .palette import STATUS_COLORS
from .run_records import MAX_NAME, RunRecord

__all__ = ["COLUMNS", "ROW_REFRESH_MS", "RunsModel"]

_ROOT = QModelIndex()  # the invisible root: a flat table has rows only under it
COLUMNS = ("Name", "Time", "Setup", "Iterations", "Train J", "Test J", "Status")
ROW_REFRESH_MS = 200  # how often a running row is redrawn in the table
_HEADER_TIPS = (
    "The run's name: double-click (or F2) to rename it.",
    "When the run started (training left iteration 0).",
    "The network (layer sizes and hidden activation), the optimiser, the learning rate α and the batch size; "
    "for a cost-surface race, the surface and the number of runs.",
    "Iterations (weight updates) done.",
    "The last cost J on the training data (a race: the lowest among its runs).",
    "The last cost J on the held-out test data (— when there is none).",
    "How the run ended: converged, diverged, max iterations; running or paused while it goes; stopped when it "
    "was reset or replaced before it ended.",
)


# -- the model --------------------------------------------------------------------------------------
class RunsModel(QAbstractTableModel):
    """The records as table rows (columns :data:`COLUMNS`); the Name cell is editable."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.records: list[RunRecord] = []
        self._changed: list[RunRecord] = []
        # a running row changes 30 times a second; the table is told at most 5 times a second
        # (every repaint is main-thread time the training thread waits for)
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(ROW_REFRESH_MS)
        self._refresh.timeout.connect(self.flush_changed)

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _HEADER_TIPS[section]
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 0 else base

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.records):
            return None
        r, c = self.records[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (r.name, r.started.strftime("%H:%M:%S"), r.summary, f"{r.iterations:,}", _cost(r.train_cost),
                    _cost(r.test_cost), r.status_text)[c]
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{r.name}: double-click to rename.", r.started.strftime("%A %d %B %Y, %H:%M:%S"),
                    r.summary, f"{r.iterations:,} iterations", f"J = {r.train_cost!r}",
                    "no test data" if math.isnan(r.test_cost) else f"J = {r.test_cost!r}",
                    r.reason or r.status_text)[c]
        if role == Qt.ItemDataRole.TextAlignmentRole and c in (3, 4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and c == 6 and r.status in STATUS_COLORS:
            return QBrush(QColor(STATUS_COLORS[r.status]))
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != 0 or not index.isValid():
            return False
        name = str(value).strip()[:MAX_NAME]
        if not name:
            return False
        self.records[index.row()].name = name
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True

    # -- changes ---------------------------------------------------------------------------------
    def append(self, record: RunRecord) -> None:
        n = len(self.records)
        self.beginInsertRows(QModelIndex(), n, n)
        self.records.append(record)
        self.endInsertRows()

    def remove(self, record: RunRecord) -> bool:
        if record not in self.records:
            return False
        row = self.records.index(record)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.records[row]
        self.endRemoveRows()
        return True

    def reset_records(self, records: list[RunRecord]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def row_changed(self, record: RunRecord, now: bool = False) -> None:
        """Tell the view one row's numbers changed (one row, the changing columns): ``now``, or
        within :data:`ROW_REFRESH_MS` together with any other row that changes meanwhile."""
        if all(r is not record for r in self._changed):
            self._changed.append(record)
        if now:
            self.flush_changed()
        elif not self._refresh.isActive():
            self._refresh.start()

    def flush_changed(self) -> None:
        """Tell the view now about every row changed since it was last told."""
        self._refresh.stop()
        changed, self._changed = self._changed, []
        for record in changed:
            row = next((i for i in range(len(self.records) - 1, -1, -1) if self.records[i] is record), None)
            if row is not None:
                self.dataChanged.emit(self.index(row, 2), self.index(row, len(COLUMNS) - 1),
                                      [Qt.ItemDataRole.DisplayRole])


def _cost(value: float) -> str:
    return "—" if math.isnan(value) else number(value, 4)
