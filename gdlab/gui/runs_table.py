"""The runs of a session, side by side: a table of every start-to-stop of training, and cost overlays.

A *run* begins when training leaves iteration 0 (Start or Step after a load, a reset or new
weights) and lasts until its history starts again. Each is a :class:`RunRecord`: when it
started, a short setup ("2-4-1 tanh · sgd α=0.5 · full batch", or "rosenbrock · 6 runs"), how
far it got, its final train/test cost, its status, the experiment (JSON) and its cost curve,
decimated as it arrives (:class:`~gdlab.core.decimate.DecimatedSeries`: at most
:data:`MAX_POINTS` points, older iterations as min/max pairs, so peaks stay visible).

    view = RunsView()
    session.frame_ready.connect(view.record_frame)   # or start_run/update_run by hand
    view.overlay_changed.connect(lambda records: overlay_items(cost_plot, records))
    settings.setValue("runs", view.to_json()); view.from_json(settings.value("runs"))

The table keeps at most :data:`MAX_RECORDS` runs (the oldest go first). Names can be edited in
place (double-click or F2, or Rename); Delete removes the selected runs; Export CSV… writes the
table (atomically). For a surface race the cost is the lowest among its runs at each iteration.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.atomic import atomic_write_text
from ..core.decimate import DecimatedSeries
from ..core.experiment import Experiment
from ..core.features import num_features
from ..core.params import NETWORK
from ..core.printing import number
from .palette import GREEN, PURPLE, SKY, STATUS_COLORS, VERMILLION
from .plots.base import PathCurve, make_curve
from .plots.cost import CostPlot

MAX_RECORDS = 50
MAX_POINTS = 1000                 # points of a run's cost curve: 2·BUCKETS + 2 + RECENT ≤ MAX_POINTS
_RECENT, _BUCKETS = 200, 390
MAX_EXPERIMENT_CHARS = 20_000     # larger experiments (big imported data) are not kept with a run
MAX_NAME = 80
FORMAT = "gdlab-runs"
VERSION = 1
_ROOT = QModelIndex()  # the invisible root: a flat table has rows only under it
COLUMNS = ("Name", "Time", "Setup", "Iterations", "Train J", "Test J", "Status")
CSV_HEADER = ("name", "time", "setup", "iterations", "train_cost", "test_cost", "status")
ROW_REFRESH_MS = 200  # how often a running row is redrawn in the table
TERMINAL = ("converged", "diverged", "max_iterations", "finished")
# Not blue or orange (the live train and test curves); vermillion late, as it is close to orange.
OVERLAY_COLORS = (GREEN, PURPLE, SKY, VERMILLION, "#7F5F00", "#555555")
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


# -- records ---------------------------------------------------------------------------------------
@dataclass(eq=False)
class RunRecord:
    """One run of the session; see the module docstring. ``history`` is (iterations, costs)."""

    id: int
    name: str
    started: datetime
    summary: str
    iterations: int = 0
    train_cost: float = math.nan
    test_cost: float = math.nan
    status: str = "running"
    reason: str = ""
    experiment_json: str | None = None
    _series: DecimatedSeries | None = field(default=None, repr=False)
    _saved: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def add_rows(self, iterations: Any, costs: Any) -> None:
        """Append cost rows (iterations in increasing order, after the ones already kept)."""
        x = np.asarray(iterations, dtype=float).reshape(-1)
        if not len(x):
            return
        if self._series is None:
            self._series = DecimatedSeries(1, _RECENT, _BUCKETS)
            if self._saved is not None:             # a saved run that goes on: its curve so far, then the new rows
                self._series.extend(*self._saved)
                self._saved = None
        self._series.extend(x, np.asarray(costs, dtype=float).reshape(-1, 1))

    @property
    def history(self) -> tuple[np.ndarray, np.ndarray]:
        """(iterations, costs) to draw: at most MAX_POINTS points; new arrays."""
        if self._series is not None:
            x, Y = self._series.arrays()
            return x, Y[:, 0]
        if self._saved is not None:
            return self._saved[0].copy(), self._saved[1].copy()
        return np.empty(0), np.empty(0)

    def experiment(self) -> Experiment | None:
        """The experiment the run started with (None if it was too large to keep)."""
        return Experiment.from_json(self.experiment_json) if self.experiment_json else None

    @property
    def status_text(self) -> str:
        return self.status.replace("_", " ")


def summarize(experiment: Experiment, start: Experiment | None = None) -> str:
    """A short setup: "2-4-1 tanh · sgd α=0.5 · full batch", or "rosenbrock · 6 runs". With ``start``
    (the experiment the run began with), live changes show as "sgd→adam α=0.5→0.1"."""
    if experiment.kind != NETWORK:
        runs = experiment.run_values()
        if len(runs) > 1:
            return f"{experiment['surface']} · {len(runs)} runs"
        return f"{experiment['surface']} · {_optimiser(experiment, start)}"
    d, k = experiment.data_dims()
    hidden = experiment["hidden_layers"]
    sizes = "-".join(str(n) for n in [num_features(d, experiment["features"]), *hidden, k])
    network = f"{sizes} {experiment['hidden_activation']}" if hidden else sizes
    batch = "full batch" if experiment["batch_size"] == 0 else f"batch {experiment['batch_size']}"
    return f"{network} · {_optimiser(experiment, start)} · {batch}"


def _optimiser(experiment: Experiment, start: Experiment | None) -> str:
    def changed(name: str, fmt: str) -> str:
        now = format(experiment[name], fmt)
        before = format(start[name], fmt) if start is not None and start.kind == experiment.kind else now
        return now if before == now else f"{before}→{now}"

    return f"{changed('optimizer', 's')} α={changed('learning_rate', 'g')}"


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


# -- the view ---------------------------------------------------------------------------------------
class RunsView(QWidget):
    """The runs table with Overlay selected / Clear overlay / Rename / Delete / Export CSV…"""

    overlay_changed = Signal(object)   # list[RunRecord]: the runs whose cost curves to overlay ([] for none)
    record_deleted = Signal(object)    # a RunRecord removed (by Delete, or as the oldest past MAX_RECORDS)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setToolTip("Every run of this session: start-to-stop of training, with its setup and final costs.")
        self.model = RunsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setToolTip("One row per run. Select several (Ctrl/Shift+click) and press Overlay selected to "
                              "draw their cost curves, dashed, over the current one. Double-click a name to rename it.")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 110), (1, 70), (3, 80), (4, 80), (5, 80), (6, 110)):
            self.table.setColumnWidth(column, width)
        self.delete_action = QAction("Delete runs", self.table)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.table.addAction(self.delete_action)

        def button(text: str, tip: str, slot) -> QPushButton:
            b = QPushButton(text)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # Space stays start/pause
            b.clicked.connect(slot)
            return b

        self.overlay_button = button("Overlay selected", "Draw the selected runs' cost curves (dashed, one colour "
                                     "each, named in the legend) over the current cost plot.", self.overlay_selected)
        self.clear_overlay_button = button("Clear overlay", "Remove the overlaid cost curves.", self.clear_overlay)
        self.rename_button = button("Rename", "Rename the selected run (or double-click its name).",
                                    self.rename_selected)
        self.delete_button = button("Delete", "Remove the selected runs from the table (Delete).",
                                    self.delete_selected)
        self.export_button = button("Export CSV…", "Save the table as a CSV file: name, time, setup, iterations, "
                                    "train and test cost, status.", self.export_dialog)
        self.info = QLabel()
        self.info.setToolTip("How many runs the table holds, and which are overlaid.")
        buttons = QHBoxLayout()
        for b in (self.overlay_button, self.clear_overlay_button, self.rename_button, self.delete_button,
                  self.export_button):
            buttons.addWidget(b)
        buttons.addWidget(self.info, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

        self.overlaid: list[RunRecord] = []
        self.current: RunRecord | None = None     # the run record_frame is feeding
        self._deleted_current = False             # the current run's row was deleted (until a fresh history)
        self._next_id = 1
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []   # rows since the history began, before a run
        self._start_experiment: Experiment | None = None
        self._last_experiment: Experiment | None = None
        self.model.dataChanged.connect(self._on_data_changed)
        self.table.selectionModel().selectionChanged.connect(self._update_controls)
        self._update_controls()

    # -- what the window calls -----------------------------------------------------------------------
    def records(self) -> list[RunRecord]:
        return list(self.model.records)

    def start_run(self, experiment: Experiment, start_time: datetime) -> RunRecord:
        """A new row for a run that starts now (training leaves iteration 0)."""
        text = experiment.to_json() if _small(experiment) else None
        record = RunRecord(id=self._next_id, name=f"Run {self._next_id}", started=start_time,
                           summary=summarize(experiment), status="running",
                           experiment_json=text if text is None or len(text) <= MAX_EXPERIMENT_CHARS else None)
        self._next_id += 1
        self.model.append(record)
        while len(self.model.records) > MAX_RECORDS:
            oldest = next(r for r in self.model.records if r is not record)
            self._remove(oldest)
        self.table.scrollToBottom()
        self._update_controls()
        return record

    def update_run(self, record: RunRecord, iterations: int, train_cost_rows: tuple[Any, Any], train_cost: float,
                   test_cost: float, status: str, reason: str = "") -> None:
        """New rows and the latest numbers of a run (called on every frame: one row is redrawn)."""
        if record not in self.model.records:
            return                                  # deleted meanwhile
        record.add_rows(*train_cost_rows)
        ended = str(status) != record.status
        record.iterations, record.status, record.reason = int(iterations), str(status), str(reason)
        record.train_cost, record.test_cost = float(train_cost), float(test_cost)
        # a hidden table repaints nothing, so it can be told at once
        self.model.row_changed(record, now=ended or not self.table.isVisible())

    def hideEvent(self, event) -> None:
        self.model.flush_changed()
        super().hideEvent(event)

    @Slot(object)
    def record_frame(self, frame: Any) -> None:
        """Feed one worker frame (``gdlab.gui.worker.Frame``): a fresh history ends the current run
        ("stopped" unless it had ended); the first frame past iteration 0 (or a running one) starts a
        run with every row since the history began; later frames update it."""
        snap = frame.snapshot
        if frame.fresh:
            self._end_current()
            self._pending = []
            self._start_experiment = None
            self._deleted_current = False
        if self._deleted_current:
            return                                  # its row was deleted: the run goes on unrecorded
        rows = _cost_rows(snap)
        if self.current is None:
            if snap.iteration == 0 and not frame.running:
                if len(rows[0]):
                    self._pending.append(rows)      # row 0 (the initial cost), kept for the run to come
                return
            self._start_experiment = frame.experiment
            self._last_experiment = frame.experiment
            self.current = self.start_run(frame.experiment, datetime.now())
            for pending in self._pending:
                self.current.add_rows(*pending)
            self._pending = []
        elif frame.experiment is not self._last_experiment:   # a live change (α, optimiser)
            self._last_experiment = frame.experiment
            self.current.summary = summarize(frame.experiment, self._start_experiment)
        status = snap.status
        if status in ("running", "ready"):
            status = "running" if frame.running else "paused"
        train, test = _final_costs(snap, rows)
        if not len(rows[0]):  # a frame with no new rows (after a command): the last costs stand
            train, test = self.current.train_cost, self.current.test_cost
        self.update_run(self.current, snap.iteration, rows, train, test, status, snap.reason)

    def _end_current(self) -> None:
        record, self.current = self.current, None
        if record is not None and record.status not in TERMINAL and record in self.model.records:
            record.status = "stopped"
            record.reason = "stopped before it ended (reset, new weights or new settings)"
            self.model.row_changed(record, now=True)

    # -- saving ----------------------------------------------------------------------------------------
    def to_json(self) -> str:
        """The table as JSON (for QSettings): at most MAX_RECORDS runs of at most MAX_POINTS points."""
        runs = []
        for r in self.model.records[-MAX_RECORDS:]:
            x, y = r.history
            runs.append({"id": r.id, "name": r.name, "started": r.started.isoformat(timespec="seconds"),
                         "summary": r.summary, "iterations": r.iterations, "train_cost": _json_number(r.train_cost),
                         "test_cost": _json_number(r.test_cost), "status": r.status, "reason": r.reason,
                         "experiment": r.experiment_json,
                         "history": {"iterations": [int(v) for v in x[:MAX_POINTS]],
                                     "costs": [_json_number(float(f"{v:.7g}")) for v in y[:MAX_POINTS]]}})
        return json.dumps({"format": FORMAT, "version": VERSION, "next_id": self._next_id, "runs": runs},
                          ensure_ascii=False, allow_nan=False, separators=(",", ":"))

    def from_json(self, text: str) -> int:
        """Replace the table by a saved one; returns the number of runs. A run that had not ended is
        "stopped". Raises ValueError (naming what is wrong) and changes nothing on a bad text."""
        records, next_id = _parse(text)
        self.current = None
        self._pending = []
        self._deleted_current = False
        if self.overlaid:
            self.overlaid = []
            self.overlay_changed.emit([])
        self.model.reset_records(records)
        self._next_id = max([next_id] + [r.id + 1 for r in records])
        self._update_controls()
        return len(records)

    def export_csv(self, path: str | os.PathLike) -> Path:
        """Write the table as CSV, atomically: name,time,setup,iterations,train_cost,test_cost,status."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        for r in self.model.records:
            writer.writerow([r.name, r.started.isoformat(timespec="seconds"), r.summary, r.iterations,
                             "" if math.isnan(r.train_cost) else repr(r.train_cost),
                             "" if math.isnan(r.test_cost) else repr(r.test_cost), r.status])
        return atomic_write_text(path, out.getvalue())

    # -- the buttons -------------------------------------------------------------------------------------
    def selected_records(self) -> list[RunRecord]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.records[row] for row in rows]

    @Slot()
    def overlay_selected(self) -> None:
        self.overlaid = self.selected_records()
        self.overlay_changed.emit(list(self.overlaid))
        self._update_controls()

    @Slot()
    def clear_overlay(self) -> None:
        self.overlaid = []
        self.overlay_changed.emit([])
        self._update_controls()

    @Slot()
    def rename_selected(self) -> None:
        index = self.table.selectionModel().currentIndex()
        rows = self.table.selectionModel().selectedRows()
        row = index.row() if index.isValid() else (rows[0].row() if rows else -1)
        if row >= 0:
            name_index = self.model.index(row, 0)
            self.table.setCurrentIndex(name_index)
            self.table.edit(name_index)

    @Slot()
    def delete_selected(self) -> None:
        for record in self.selected_records():
            self._remove(record)
        self._update_controls()

    def _remove(self, record: RunRecord) -> None:
        if not self.model.remove(record):
            return
        if record is self.current:
            self.current = None     # the run goes on, unrecorded, until its history starts again
            self._pending = []
            self._deleted_current = True
        self.record_deleted.emit(record)
        if record in self.overlaid:
            self.overlaid = [r for r in self.overlaid if r is not record]
            self.overlay_changed.emit(list(self.overlaid))

    @Slot()
    def export_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export runs table", str(Path.home() / "runs.csv"),
                                              "CSV files (*.csv)")
        if not name:
            return
        try:
            self.export_csv(name if name.lower().endswith(".csv") else name + ".csv")
        except OSError as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, "Cannot export", f"{name} could not be written: "
                              f"{exc.strerror or exc}. Nothing was changed on disk.", QMessageBox.StandardButton.Ok,
                              self)
            box.open()

    @Slot()
    def _update_controls(self, *_args) -> None:
        selected = len(self.table.selectionModel().selectedRows())
        self.overlay_button.setEnabled(selected > 0)
        self.rename_button.setEnabled(selected == 1)
        self.delete_button.setEnabled(selected > 0)
        self.clear_overlay_button.setEnabled(bool(self.overlaid))
        self.export_button.setEnabled(bool(self.model.records))
        n = len(self.model.records)
        text = f"{n} run{'s' if n != 1 else ''}"
        if self.overlaid:
            text += " · overlaid: " + ", ".join(r.name for r in self.overlaid)
        elif n >= 2:
            text += " · select some and press Overlay selected to compare their cost curves"
        self.info.setText(text)

    @Slot(QModelIndex, QModelIndex, list)
    def _on_data_changed(self, top: QModelIndex, _bottom: QModelIndex, _roles: list) -> None:
        if top.column() == 0 and 0 <= top.row() < len(self.model.records):
            record = self.model.records[top.row()]
            if record in self.overlaid:
                self.overlay_changed.emit(list(self.overlaid))   # the legend shows the new name
            self._update_controls()

    def select_rows(self, rows: Sequence[int]) -> None:
        """Select these rows (as Ctrl+clicks would)."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        for row in rows:
            selection.select(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                             | QItemSelectionModel.SelectionFlag.Rows)


def _small(experiment: Experiment) -> bool:
    """Worth writing out with the run: no custom points, or few enough to keep the JSON small."""
    points = experiment.points
    return points is None or points.n_samples * (points.n_features + 1) <= MAX_EXPERIMENT_CHARS // 25


def _cost_rows(snap: Any) -> tuple[np.ndarray, np.ndarray]:
    """(iterations, cost) rows of a snapshot: the training cost, or a race's lowest cost per iteration."""
    if snap.kind == NETWORK:
        return snap.iterations, snap.train_cost
    costs = np.asarray(snap.costs, dtype=float)
    if not len(costs):
        return snap.iterations, np.empty(0)
    return snap.iterations, np.fmin.reduce(costs, axis=1)   # NaN (a run stopped) is passed over


def _final_costs(snap: Any, rows: tuple[np.ndarray, np.ndarray]) -> tuple[float, float]:
    if snap.kind == NETWORK:
        train = float(snap.train_cost[-1]) if len(snap.train_cost) else math.nan
        test = float(snap.test_cost[-1]) if len(snap.test_cost) else math.nan
        return train, test
    return (float(rows[1][-1]) if len(rows[1]) else math.nan), math.nan


def _json_number(value: float) -> float | str | None:
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _number(value: Any, where: str) -> float:
    if value is None:
        return math.nan
    if value in ("inf", "-inf"):
        return float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: expected a number or null, got {value!r}")
    return float(value)


def _parse(text: Any) -> tuple[list[RunRecord], int]:
    if not isinstance(text, str):
        raise ValueError(f"expected the runs table as JSON text, got {type(text).__name__}")
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise ValueError(f"not a runs table (format {FORMAT!r}, version {VERSION})")
    runs = doc.get("runs")
    if not isinstance(runs, list):
        raise ValueError("runs: expected a list")
    next_id = doc.get("next_id", 1)
    if isinstance(next_id, bool) or not isinstance(next_id, int) or next_id < 1:
        raise ValueError("next_id: expected a whole number ≥ 1")
    records = []
    for i, run in enumerate(runs[-MAX_RECORDS:]):
        where = f"runs[{i}]"
        if not isinstance(run, dict):
            raise ValueError(f"{where}: expected an object")
        try:
            rid, name, summary, status = run["id"], run["name"], run["summary"], run["status"]
            iterations, history = run["iterations"], run["history"]
            started = datetime.fromisoformat(run["started"])
        except KeyError as exc:
            raise ValueError(f"{where}.{exc.args[0]}: missing") from None
        except (TypeError, ValueError):
            raise ValueError(f"{where}.started: expected a date and time (ISO 8601)") from None
        for key, value, kind in (("id", rid, int), ("iterations", iterations, int), ("name", name, str),
                                 ("summary", summary, str), ("status", status, str)):
            if isinstance(value, bool) or not isinstance(value, kind):
                raise ValueError(f"{where}.{key}: expected {'a whole number' if kind is int else 'text'}")
        reason = run.get("reason", "")
        experiment = run.get("experiment")
        if not isinstance(reason, str) or not (experiment is None or isinstance(experiment, str)):
            raise ValueError(f"{where}: reason and experiment must be text")
        if experiment is not None and len(experiment) > MAX_EXPERIMENT_CHARS:
            experiment = None
        if not isinstance(history, dict) or not isinstance(history.get("iterations"), list) or \
                not isinstance(history.get("costs"), list) or len(history["iterations"]) != len(history["costs"]):
            raise ValueError(f"{where}.history: expected {{\"iterations\": [...], \"costs\": [...]}} of equal length")
        x = np.array([_number(v, f"{where}.history.iterations") for v in history["iterations"][:MAX_POINTS]])
        y = np.array([_number(v, f"{where}.history.costs") for v in history["costs"][:MAX_POINTS]])
        if status not in TERMINAL:
            status, reason = "stopped", reason or "the session ended before the run did"
        records.append(RunRecord(id=rid, name=name.strip()[:MAX_NAME] or f"Run {rid}", started=started,
                                 summary=summary, iterations=iterations,
                                 train_cost=_number(run.get("train_cost"), f"{where}.train_cost"),
                                 test_cost=_number(run.get("test_cost"), f"{where}.test_cost"), status=status,
                                 reason=reason, experiment_json=experiment, _saved=(x, y)))
    return records, next_id


# -- cost overlays ------------------------------------------------------------------------------------
class CostOverlay:
    """Dashed cost curves of earlier runs drawn over a :class:`CostPlot` (one colour each, the run's
    name in the legend). :meth:`show` replaces the overlays; :meth:`refresh` redraws them (a run
    still going, a new legend after the plot was configured again, a new theme)."""

    def __init__(self, plot: CostPlot):
        self.plot = plot
        self.records: list[RunRecord] = []
        self.curves: list[PathCurve] = []
        self._legend = None
        self._theme = None
        plot.log_toggled.connect(self._on_log)

    def show(self, records: Sequence[RunRecord]) -> list[PathCurve]:
        self.clear()
        self.records = list(records)
        for k, record in enumerate(self.records):
            curve = make_curve(self._pen(k), record.name)
            curve.setZValue(-5)                 # under the live curves
            self.plot.plot_item.addItem(curve)  # a named curve joins the legend
            self.curves.append(curve)
        self._legend = self.plot.plot_item.legend
        self._theme = self.plot.theme
        self._set_data()
        if self.curves and self._legend is not None:
            self._legend.setVisible(True)
        self._show_all()
        return list(self.curves)

    def clear(self) -> None:
        for curve in self.curves:
            self.plot.plot_item.removeItem(curve)
            if self._legend is not None and self._legend is not self.plot.plot_item.legend:
                self._legend.removeItem(curve)
        self.curves, self.records = [], []

    def refresh(self) -> None:
        legend = self.plot.plot_item.legend
        if legend is not self._legend and legend is not None:    # the plot made a new legend
            for curve, record in zip(self.curves, self.records):
                legend.addItem(curve, record.name)
            if self.curves:
                legend.setVisible(True)
            self._legend = legend
        if self.plot.theme is not self._theme:
            self._theme = self.plot.theme
            for k, curve in enumerate(self.curves):
                curve.setPen(self._pen(k))
        self._set_data()

    def _pen(self, k: int):
        return self.plot.pen(OVERLAY_COLORS[k % len(OVERLAY_COLORS)], 1.0, Qt.PenStyle.DashLine)

    def _set_data(self) -> None:
        for curve, record in zip(self.curves, self.records):
            x, y = record.history
            if self.plot.log_scale:          # the cost axis shows 10^y, as CostPlot draws its own curves
                with np.errstate(divide="ignore", invalid="ignore"):
                    y = np.log10(np.where(y > 0, y, np.nan))
            curve.setData(x, y, connect="finite")

    def _on_log(self, _on: bool) -> None:
        self._set_data()
        self._show_all()

    def _show_all(self) -> None:
        """Widen the view if an overlay reaches past it (the plot's own follow logic narrows it again
        only while a run is going)."""
        if not self.curves:
            return
        xs, ys = [], []
        for curve in self.curves:
            x, y = curve.getData()
            if x is not None and len(x):
                keep = np.isfinite(y)
                xs.append(x[keep])
                ys.append(y[keep])
        if not xs or not sum(len(x) for x in xs):
            return
        x_max = max(float(x.max()) for x in xs if len(x))
        lo = min(float(y.min()) for y in ys if len(y))
        hi = max(float(y.max()) for y in ys if len(y))
        vb = self.plot.plot_item.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        if x_max <= x1 and lo >= y0 and hi <= y1:
            return
        span = max(hi - lo, 1e-12)
        vb.setRange(xRange=(min(x0, 0.0), max(x1, x_max * 1.02)), yRange=(min(y0, lo - 0.05 * span),
                                                                          max(y1, hi + 0.05 * span)), padding=0)


_OVERLAYS: "weakref.WeakKeyDictionary[CostPlot, CostOverlay]" = weakref.WeakKeyDictionary()


def overlay_items(plot: CostPlot, records: Sequence[RunRecord]) -> list[PathCurve]:
    """Overlay these runs' cost curves on ``plot`` (dashed, one colour each, named in the legend),
    replacing the previous overlay; ``[]`` removes it. Returns the curves drawn."""
    overlay = _OVERLAYS.get(plot)
    if overlay is None:
        overlay = _OVERLAYS[plot] = CostOverlay(plot)
    return overlay.show(records)


def cost_overlay(plot: CostPlot) -> CostOverlay | None:
    """The overlay :func:`overlay_items` keeps for ``plot`` (to :meth:`~CostOverlay.refresh` it), if any."""
    return _OVERLAYS.get(plot)
