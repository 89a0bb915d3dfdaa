"""Weight trajectories: chosen weights over iterations, coloured by layer.

Each line is one weight w moving as gradient descent updates it: w ← w − α·∂J/∂w. By default a
small network shows every weight (up to 20, spread over the layers for a bigger one); the
"Weights…" button picks others. For a cost-surface run the lines are each run's w₁ (solid)
and w₂ (dashed), in the run's colour.
"""
from __future__ import annotations

import html
import math

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.io.printing import number
from ...core.run.decimate import DecimatedSeries
from ...core.run.training import NetworkRun
from ..palette import series_color
from ..widget_builders import tight_column
from .base import BUCKETS, RECENT, Bounds, LivePlot, PathCurve, make_curve
from .live_rows import LiveRows

MAX_PICKED = 64


weight_label = NetworkRun.weight_label  # W2[3,1]: 1-based, as the weight picker and the diagram say


class WeightPicker(QDialog):
    """A checklist of every weight of the network, grouped by layer."""

    def __init__(self, shapes: list[tuple[int, int]], chosen: list[tuple[int, int, int]], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Weights to follow")
        layout = QVBoxLayout(self)
        note = QLabel(f"Tick the weights whose trajectories to draw (at most {MAX_PICKED}). "
                      "W2[3,1] is the weight from neuron 3 of layer 1 to neuron 1 of layer 2.")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.list = QListWidget()
        chosen_set = set(chosen)
        for l, (rows, cols) in enumerate(shapes):
            for i in range(rows):
                for j in range(cols):
                    item = QListWidgetItem(weight_label((l, i, j)))
                    item.setData(Qt.ItemDataRole.UserRole, (l, i, j))
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(Qt.CheckState.Checked if (l, i, j) in chosen_set else Qt.CheckState.Unchecked)
                    item.setForeground(QColor(series_color(l)))
                    self.list.addItem(item)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(320, 480)

    def chosen(self) -> list[tuple[int, int, int]]:
        out = []
        for k in range(self.list.count()):
            item = self.list.item(k)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(tuple(item.data(Qt.ItemDataRole.UserRole)))
        return out[:MAX_PICKED]


class TrajectoryPlot(LiveRows, QWidget):
    """The plot, with a button to choose which weights it follows."""

    selection_changed = Signal(object)  # list of (layer, i, j)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = LivePlot("Weight trajectories")
        self.plot.set_labels("iteration (weight updates)", "weight value w")
        self.plot.set_readout(self._describe)
        self.pick_button = QPushButton("Weights…")
        self.pick_button.setToolTip("Choose which weights to follow; each line is one weight moving as "
                                    "w ← w − α·∂J/∂w.")
        self.pick_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pick_button.clicked.connect(self.open_picker)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        top = QHBoxLayout()
        top.setContentsMargins(4, 0, 4, 0)
        top.addWidget(self.caption, 1)
        top.addWidget(self.pick_button)
        tight_column(self, top, (self.plot, 1))
        self.curves: list[PathCurve] = []
        self.labels: list[str] = []
        self.ids: list[tuple[int, int, int]] = []
        self.shapes: list[tuple[int, int]] = []
        self._groups: list[tuple[list[int], str, Qt.PenStyle, float, str]] = []
        self._legend = ""
        self._twin_curve = None
        self._twin: DecimatedSeries | None = None
        self._twin_legend = ""
        self._history: DecimatedSeries | None = None
        self._bounds = Bounds()
        self._dirty = False
        self._picker: WeightPicker | None = None

    # -- set-up ----------------------------------------------------------------------------
    def _configure(self, labels: list[str], groups: list[tuple[list[int], str, Qt.PenStyle, float, str]]) -> None:
        """``groups``: (columns, colour, style, width, legend name); each group is drawn as one
        item, its lines separated by gaps, so 20 weights cost a few draw calls, not 20."""
        plot = self.plot
        self.clear_twin()
        for curve in self.curves:
            plot.plot_item.removeItem(curve)
        self.curves, self.labels, self._groups = [], list(labels), list(groups)
        for _columns, color, style, width, _name in groups:
            curve = make_curve(plot.pen(color, width, style))
            plot.plot_item.addItem(curve)
            self.curves.append(curve)
        # the legend goes in the caption above the plot, where it hides no line
        self._legend = "&nbsp;&nbsp;".join(f"<span style='color:{color}; font-weight:bold'>● {html.escape(name)}</span>"
                                           for _, color, _, _, name in groups if name)
        self._history = DecimatedSeries(len(labels), RECENT, BUCKETS)
        self._bounds.reset()
        self._dirty = True
        plot.follow()

    def configure_weights(self, ids: list[tuple[int, int, int]], labels: list[str],
                          shapes: list[tuple[int, int]]) -> None:
        """Lines for the tracked weights W_l[i, j], one colour per layer."""
        self.ids, self.shapes = [tuple(i) for i in ids], [tuple(s) for s in shapes]
        per_layer: dict[int, list[int]] = {}
        for k, (l, _, _) in enumerate(self.ids):
            per_layer.setdefault(l, []).append(k)
        width = 0.0 if len(ids) > 4 else 0.75  # hairlines for many lines: see LivePlot.pen
        groups = [(members, series_color(l), Qt.PenStyle.SolidLine, width, f"W{l + 1} (layer {l + 1})")
                  for l, members in sorted(per_layer.items())]
        self._configure(labels, groups)
        self.pick_button.setVisible(True)
        total = sum(r * c for r, c in self.shapes)
        count = f"{len(ids)} of {total} weights" if len(ids) < total else f"all {total} weights"
        self.caption.setText(f"{count}:&nbsp;&nbsp;{self._legend}")

    def configure_runs(self, labels: list[str], colors: list[str], dim: int) -> None:
        """Each run's weights: w₁ solid, w₂ dashed, in the run's colour."""
        names, groups = [], []
        for k, (label, color) in enumerate(zip(labels, colors)):
            for i in range(dim):
                names.append(f"{label}: w{'₁₂'[i] if dim > 1 else ''}")
                groups.append(([k * dim + i], color, Qt.PenStyle.SolidLine if i == 0 else Qt.PenStyle.DashLine,
                               0.8, label if i == 0 else ""))
        self.ids, self.shapes = [], []
        self._configure(names, groups)
        self.pick_button.setVisible(False)
        what = "w₁ solid, w₂ dashed" if dim > 1 else "the weight w at each iteration"
        self.caption.setText(f"{what}:&nbsp;&nbsp;{self._legend}")

    def relabel_runs(self, old: list[str], new: list[str]) -> None:
        """The runs were renamed live (α or the optimiser changed): the legend says the new names."""
        text = self.caption.text()
        for before, after in zip(old, new):
            text = text.replace(f"● {before}</span>", f"● {after}</span>")
            self._legend = self._legend.replace(f"● {before}</span>", f"● {after}</span>")
        self.caption.setText(text)

    def apply_theme(self, theme) -> None:
        self.plot.apply_theme(theme)
        for curve, (_, color, style, width, _) in zip(self.curves, self._groups):
            curve.setPen(self.plot.pen(color, width, style))

    # -- data ------------------------------------------------------------------------------
    def append(self, iterations: np.ndarray, values: np.ndarray) -> None:
        if len(iterations) and self._history is not None:
            self._store_rows(iterations, values)

    def _draw_rows(self, x: np.ndarray, y: np.ndarray) -> None:
        n = len(x)
        for curve, (columns, *_rest) in zip(self.curves, self._groups):
            # lines one after another, each followed by a NaN gap: [x, nan, x, nan, ...]
            gx = np.empty((len(columns), n + 1))
            gy = np.empty((len(columns), n + 1))
            gx[:, :n], gx[:, n] = x, np.nan
            gy[:, :n], gy[:, n] = y[:, columns].T, np.nan
            curve.setData(gx.ravel(), gy.ravel(), connect="finite")
        if self._twin is not None and len(self._twin):
            tx, ty = self._twin.arrays()
            m = len(tx)
            gx = np.empty((ty.shape[1], m + 1))
            gy = np.empty((ty.shape[1], m + 1))
            gx[:, :m], gx[:, m], gy[:, :m], gy[:, m] = tx, np.nan, ty.T, np.nan
            self._twin_curve.setData(gx.ravel(), gy.ravel(), connect="finite")
        if n:
            self.plot.fit_range(float(x[-1]), self._bounds)

    # -- a twin run (forked), overlaid dashed ---------------------------------------------------
    def configure_twin(self, columns: int, color: str, label: str) -> None:
        self.clear_twin()
        self._twin_curve = make_curve(self.plot.pen(color, 0.5, Qt.PenStyle.DashLine))
        self.plot.plot_item.addItem(self._twin_curve)
        self._twin = DecimatedSeries(columns, RECENT, BUCKETS)
        self._twin_legend = f"&nbsp;&nbsp;<span style='color:{color}; font-weight:bold'>┅ {html.escape(label)}</span>"
        self.caption.setText(self.caption.text() + self._twin_legend)

    def append_twin(self, iterations: np.ndarray, values: np.ndarray) -> None:
        if self._twin is not None and len(iterations):
            self._twin.extend(iterations, values)
            self._bounds.update(values)  # keep the twin's lines in view too (fit_range)
            self._dirty = True

    def clear_twin(self) -> None:
        if self._twin_curve is not None:
            self.plot.plot_item.removeItem(self._twin_curve)
            self.caption.setText(self.caption.text().replace(self._twin_legend, ""))
        self._twin_curve, self._twin, self._twin_legend = None, None, ""

    def data(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(iterations, values) of line k as drawn."""
        x, y = self._history.arrays()
        return x, y[:, k]

    # -- picking ---------------------------------------------------------------------------
    @Slot()
    def open_picker(self) -> None:
        if not self.shapes:
            return
        self._picker = WeightPicker(self.shapes, self.ids, self)
        self._picker.accepted.connect(self._on_picked)
        self._picker.open()

    @Slot()
    def _on_picked(self) -> None:
        chosen = self._picker.chosen() if self._picker is not None else []
        if chosen and chosen != self.ids:
            self.selection_changed.emit(chosen)

    def toggle_weight(self, wid: tuple[int, int, int]) -> None:
        """Add a weight to the followed ones, or remove it (used by clicks on the network diagram)."""
        wid = tuple(wid)
        ids = [i for i in self.ids if i != wid] if wid in self.ids else self.ids + [wid]
        if ids:
            self.selection_changed.emit(ids[:MAX_PICKED])

    # -- readout ---------------------------------------------------------------------------
    def _describe(self, x: float, y: float) -> str:
        h = self._history
        if h is None or not len(h) or not self.curves:
            return ""
        its, values = h.arrays()
        i = int(np.clip(np.searchsorted(its, round(x)), 0, len(its) - 1))
        row = values[i]
        finite = np.isfinite(row)
        if not finite.any():
            return ""
        k = int(np.nanargmin(np.where(finite, np.abs(row - y), np.inf)))
        value = row[k]
        return f"iteration {int(its[i]):,}:  {self.labels[k]} = {number(value, 5)}" if math.isfinite(value) else ""
