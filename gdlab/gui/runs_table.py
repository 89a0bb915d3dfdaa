"""The runs of a session, side by side: a table of every start-to-stop of training, and cost overlays.

A *run* begins when training leaves iteration 0 (Start or Step after a load, a reset or new
weights) and lasts until its history starts again. Each is a :class:`RunRecord`: when it
started, a short setup ("2-4-1 tanh · sgd α=0.5 · full batch", or "rosenbrock · 6 runs"), how
far it got, its final train/test cost, its status, the experiment (JSON) and its cost curve,
decimated as it arrives (:class:`~gdlab.core.run.decimate.DecimatedSeries`: at most
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
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.files.experiment import Experiment
from ..core.io.atomic import atomic_write_text
from .figures.cost_overlay import OVERLAY_COLORS, CostOverlay, cost_overlay, overlay_items
from .run_records import (
    FORMAT,
    MAX_EXPERIMENT_CHARS,
    MAX_POINTS,
    MAX_RECORDS,
    TERMINAL,
    VERSION,
    RunRecord,
    _cost_rows,
    _final_costs,
    _json_number,
    _parse,
    _small,
    summarize,
)
from .runs_model import COLUMNS, ROW_REFRESH_MS, RunsModel
from .widget_builders import save_file_name

__all__ = ["COLUMNS", "MAX_POINTS", "MAX_RECORDS", "OVERLAY_COLORS", "ROW_REFRESH_MS", "CostOverlay", "RunRecord",
           "RunsModel", "RunsView", "cost_overlay", "overlay_items", "summarize"]

CSV_HEADER = ("name", "time", "setup", "iterations", "train_cost", "test_cost", "status")


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
        self.table.setAccessibleName("Runs table")
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
        """The table as JSON (for session.json): at most MAX_RECORDS runs of at most MAX_POINTS points."""
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
        name = save_file_name(self, "Export runs table", "runs.csv", "CSV files (*.csv)")
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
