"""How good the answers are: accuracy (or R²) per iteration, and the confusion matrix now.

The cost J is what gradient descent minimises; accuracy is what a person reads ("97 % of the
points are on the right side"). For regression the score is R² = 1 − SS_res/SS_tot (1 is a perfect
fit, 0 no better than the mean). Both are computed by the training loop at every iteration (see
:mod:`gdlab.core.nn.metrics`); this view only draws them.

* left: the metric on the training data (solid) and the test data (dashed) per iteration; with
  mini-batches a second axis on top counts epochs (one epoch = one pass over the training data);
* right (classification): the confusion matrix C[true, predicted] of the current weights as a
  small heat map with the counts in the cells (colour: the share of that true class), for the
  training or the test set.

Fed like the cost plot: ``configure`` once per run, ``append`` with every snapshot's rows,
``set_confusion`` with its matrices, ``refresh`` from the window's redraw timer.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ...core.run.decimate import DecimatedSeries
from ..accessibility import named
from ..palette import BLUE, LIGHT, ORANGE, Theme
from .base import BUCKETS, RECENT, Bounds, LivePlot, PathCurve, make_curve
from .live_rows import LiveRows, set_columns

ACCURACY, R2 = "accuracy", "R²"
R2_FLOOR = -1.0  # the R² axis shows down to −1 (a fit worse than the mean); lower values run off the plot


def format_metric(metric_name: str, value: float) -> str:
    """Accuracy as a percentage ("97.5%"), R² as a number ("0.973"); NaN as "–"."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{100 * value:.1f}%" if metric_name == ACCURACY else f"{value:.3f}"


def metric_status(metric_name: str, train: float, test: float = math.nan) -> str:
    """The status-bar text: "accuracy 97.5% (test 95.0%)" or "R² 0.973 (test 0.951)"."""
    if not metric_name:
        return ""
    text = f"{metric_name} {format_metric(metric_name, train)}"
    if test is not None and math.isfinite(test):
        text += f" (test {format_metric(metric_name, test)})"
    return text


class MetricPlot(LiveRows, LivePlot):
    """The metric per iteration: training data solid, test data dashed."""

    def __init__(self, parent=None):
        self.curves: list[PathCurve] = []
        super().__init__("Accuracy per iteration", parent)
        self.metric_name = ACCURACY
        self.epochs_per_iteration = 1.0
        self._history = DecimatedSeries(2, RECENT, BUCKETS)
        self._bounds = Bounds()
        self._dirty = False
        self.make_legend()
        for label, color, style, width in (("train", BLUE, Qt.PenStyle.SolidLine, 1.0),
                                           ("test", ORANGE, Qt.PenStyle.DashLine, 0.5)):
            curve = make_curve(self.pen(color, width, style), label)
            self.plot_item.addItem(curve)
            self.curves.append(curve)
        self._styles = [(BLUE, 1.0, Qt.PenStyle.SolidLine), (ORANGE, 0.5, Qt.PenStyle.DashLine)]
        self.set_readout(self._describe)
        self.configure(ACCURACY)

    def configure(self, metric_name: str, epochs_per_iteration: float = 1.0) -> None:
        """Start afresh for a run whose metric is ``metric_name`` ("accuracy" or "R²").

        ``epochs_per_iteration`` = batch / n: with mini-batches (< 1) an epoch axis appears on top.
        """
        self.metric_name = metric_name
        self.epochs_per_iteration = float(epochs_per_iteration)
        self._history = DecimatedSeries(2, RECENT, BUCKETS)
        self._bounds.reset()
        self._bounds.update(np.array([0.0, 1.0]))  # the axis always shows 0 … 1 (accuracy: 0 … 100 %)
        if metric_name == ACCURACY:
            self.set_title("Accuracy per iteration: the share of points classified right")
            left = "accuracy (share right)"
        else:
            self.set_title("R² per iteration: 1 − SS_res/SS_tot (1 = perfect fit)")
            left = "R²"
        if self.epochs_per_iteration < 1.0:
            bottom = "iteration (weight updates)"
            top = self.plot_item.getAxis("top")
            self.plot_item.showAxis("top")
            top.setScale(self.epochs_per_iteration)   # tick values × batch/n: epochs
            top.enableAutoSIPrefix(False)
            top.setGrid(False)                        # the iteration axis draws the grid
            top.setLabel("epoch (passes over the training data)",
                         **{"color": self.theme.foreground, "font-size": f"{self.theme.font_pt}pt"})
        else:
            bottom = "iteration (weight update) = epoch (full batch)"
            self.plot_item.hideAxis("top")
        self.set_labels(bottom, left)
        for curve in self.curves:
            curve.setData([], [])
        self._dirty = True
        self.follow()

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        top = self.plot_item.getAxis("top")
        top.setGrid(False)                            # the epoch axis: labels only, the grid is the iterations'
        top.setStyle(maxTickLevel=0)
        for curve, (color, width, style) in zip(self.curves, getattr(self, "_styles", [])):
            curve.setPen(self.pen(color, width, style))

    def append(self, iterations: np.ndarray, train: np.ndarray, test: np.ndarray) -> None:
        if len(iterations):
            values = np.column_stack([np.asarray(train, dtype=float), np.asarray(test, dtype=float)])
            self._history.extend(iterations, values)
            self._bounds.update(np.maximum(values, R2_FLOOR) if self.metric_name == R2 else values)
            self._dirty = True

    def _draw_rows(self, x: np.ndarray, y: np.ndarray) -> None:
        set_columns(self.curves, x, y)
        if len(x):
            self.fit_range(float(x[-1]), self._bounds)

    def data(self, k: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(iterations, values) of curve k (0 train, 1 test) as drawn."""
        x, y = self._history.arrays()
        return x, y[:, k]

    def _describe(self, x: float, _y: float) -> str:
        h = self._history
        if not len(h):
            return ""
        its, ys = h.arrays()
        i = int(np.clip(np.searchsorted(its, round(x)), 0, len(its) - 1))
        it = int(its[i])
        epoch = f" (epoch {it * self.epochs_per_iteration:.2f})" if self.epochs_per_iteration < 1.0 else ""
        parts = [f"{label} {self.metric_name} {format_metric(self.metric_name, v)}"
                 for label, v in zip(("train", "test"), ys[i]) if not math.isnan(v)]
        return f"iteration {it:,}{epoch}:  " + "   ".join(parts)


class ConfusionPlot(LivePlot):
    """C[true, predicted] as a heat map with the counts in the cells; true classes down the side,
    predicted classes along the bottom, so the diagonal holds the points classified right."""

    def __init__(self, parent=None):
        super().__init__("Confusion matrix", parent)
        self.set_readout(None)
        self.plot_item.setMenuEnabled(False)
        vb = self.plot_item.vb
        vb.setMouseEnabled(False, False)
        vb.invertY(True)                    # true class 0 at the top, as a table reads
        vb.setAspectLocked(True)
        self.plot_item.showGrid(False, False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot_item.addItem(self.image)
        cmap = pg.ColorMap([0.0, 1.0], [pg.mkColor("#FFFFFF"), pg.mkColor(BLUE)])
        self._lut = cmap.getLookupTable(nPts=256)
        self.texts: list[list[pg.TextItem]] = []
        self.matrix = np.zeros((0, 0), dtype=np.int64)
        self.class_names: list[str] = []
        self.set_labels("predicted class", "true class")
        vb.sigResized.connect(self._fit)

    def configure(self, class_names: list[str]) -> None:
        for row in self.texts:
            for item in row:
                self.plot_item.removeItem(item)
        self.class_names = list(class_names)
        C = len(class_names)
        self.texts = []
        for t in range(C):
            row = []
            for p in range(C):
                item = pg.TextItem("", anchor=(0.5, 0.5))
                item.setPos(p + 0.5, t + 0.5)
                self.plot_item.addItem(item)
                row.append(item)
            self.texts.append(row)
        ticks = [[(c + 0.5, name) for c, name in enumerate(class_names)]]
        self.plot_item.getAxis("bottom").setTicks(ticks)
        self.plot_item.getAxis("left").setTicks(ticks)
        self.plot_item.vb.setRange(xRange=(0, max(C, 1)), yRange=(0, max(C, 1)), padding=0.02)
        self.matrix = np.zeros((C, C), dtype=np.int64)
        self.show_matrix(self.matrix, "")

    def show_matrix(self, matrix: np.ndarray, part: str) -> None:
        """Draw C (C×C counts): colour = count / row total (the share of that true class)."""
        matrix = np.asarray(matrix, dtype=np.int64)
        C = len(self.class_names)
        if matrix.shape != (C, C):
            raise ValueError(f"expected a {C}×{C} confusion matrix, got shape {matrix.shape}")
        self.matrix = matrix.copy()
        totals = matrix.sum(axis=1, keepdims=True)
        share = np.divide(matrix, totals, out=np.zeros(matrix.shape), where=totals > 0)  # C[t, p] / Σ_p C[t, p]
        if C:
            self.image.setImage(share, levels=(0.0, 1.0), lut=self._lut, autoLevels=False)
            self.image.setRect(0, 0, C, C)
        for t in range(C):
            for p in range(C):
                item = self.texts[t][p]
                item.setText(str(int(matrix[t, p])))
                item.setColor("#FFFFFF" if share[t, p] > 0.55 else "#222222")  # readable on the cell's colour
        n, right = int(matrix.sum()), int(np.trace(matrix)) if C else 0
        where = {"train": "training set", "test": "test set"}.get(part, part)
        self._detail = (f"{where}: {right} of {n} right" if n else f"{where}: no points") if where else ""
        self._fit()

    def _fit(self, *_resized) -> None:
        """The counts as large as the theme asks but never wider or taller than 80 % of a cell; the
        title on two lines when the plot has the height for them (on one otherwise)."""
        C = len(self.class_names)
        tall = self.height() >= 240
        detail = getattr(self, "_detail", "")
        title = "Confusion matrix" + (f"<br>{detail}" if detail and tall else "")
        if title != self._title:
            self.set_title(title)
        self.setToolTip(detail)
        if not C:
            return
        vb = self.plot_item.vb
        cell = max(1.0, min(vb.width(), vb.height()) / C)
        widest = max((item.toPlainText() for row in self.texts for item in row), key=len)
        font = self.font()
        font.setBold(True)
        size = max(8, self.theme.font_pt + (2 if C <= 3 else 0))
        while size > 5:
            font.setPointSize(size)
            metrics = QFontMetricsF(font)
            if metrics.horizontalAdvance(widest) <= 0.8 * cell and metrics.height() <= 0.8 * cell:
                break
            size -= 1
        for row in self.texts:
            for item in row:
                item.setFont(font)

    def cell_texts(self) -> list[list[str]]:
        """The numbers written in the cells, row by row (true class), as shown."""
        return [[item.toPlainText() for item in row] for row in self.texts]


class MetricsView(QWidget):
    """The metric plot and, for classification, the confusion matrix with a train/test toggle."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = MetricPlot()
        self.confusion_plot = ConfusionPlot()
        self.train_button = QPushButton("Training set")
        self.test_button = QPushButton("Test set")
        self.train_button.setToolTip("Show the confusion matrix of the points the network trains on.")
        self.test_button.setToolTip("Show the confusion matrix of the held-out test points, which the "
                                    "network never trains on: how well it generalises.")
        self._group = QButtonGroup(self)
        for button in (self.train_button, self.test_button):
            button.setCheckable(True)
            self._group.addButton(button)
        self.train_button.setChecked(True)
        self.train_button.toggled.connect(self._on_toggle)
        self.part = "train"
        self.metric_name = ACCURACY
        self.n_classes = 0
        self._matrices: dict[str, np.ndarray] = {}
        self._confusion_dirty = False
        toggle = QHBoxLayout()
        toggle.setContentsMargins(4, 0, 4, 0)
        toggle.addWidget(self.train_button)
        toggle.addWidget(self.test_button)
        toggle.addStretch(1)
        self.confusion_panel = QWidget()
        side = QVBoxLayout(self.confusion_panel)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(2)
        side.addLayout(toggle)
        side.addWidget(self.confusion_plot, 1)
        self.confusion_panel.setToolTip("Rows: the true class; columns: the class the network predicts. "
                                        "The diagonal holds the points classified right.")
        named(self.plot, "Accuracy or R² per iteration", "Accuracy (classification) or R² (regression) on the "
              "training and the test data at every iteration.")
        named(self.confusion_plot, "Confusion matrix", self.confusion_panel.toolTip())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.confusion_panel, 2)
        self.configure(ACCURACY, 2, ["0", "1"])

    def configure(self, metric_name: str, n_classes: int, class_names: list[str] | None = None,
                  epochs_per_iteration: float = 1.0) -> None:
        """A new run: its metric ("accuracy" or "R²"), its classes (0 for regression: no matrix)
        and batch / n (below 1 the plot gets an epoch axis)."""
        self.metric_name, self.n_classes = metric_name, int(n_classes)
        self.plot.configure(metric_name, epochs_per_iteration)
        names = list(class_names) if class_names and len(class_names) == n_classes else \
            [str(c) for c in range(n_classes)]
        self.confusion_panel.setVisible(n_classes >= 2)
        self._matrices = {}
        if n_classes >= 2:
            self.confusion_plot.configure(names)

    def append(self, iterations: np.ndarray, train_metric: np.ndarray, test_metric: np.ndarray) -> None:
        """Rows of a snapshot (``snap.iterations``, ``snap.train_metric``, ``snap.test_metric``)."""
        self.plot.append(iterations, train_metric, test_metric)

    def set_confusion(self, train_matrix: np.ndarray | None, test_matrix: np.ndarray | None) -> None:
        """The confusion matrices of the current weights (``snap.confusion["train"]``, ``["test"]``)."""
        self._matrices = {k: np.array(m, dtype=np.int64) for k, m in (("train", train_matrix), ("test", test_matrix))
                          if m is not None}
        self._confusion_dirty = True

    def set_part(self, part: str) -> None:
        """Show the confusion matrix of the "train" or the "test" set."""
        if part not in ("train", "test"):
            raise ValueError(f"part must be 'train' or 'test', got {part!r}")
        (self.train_button if part == "train" else self.test_button).setChecked(True)

    @Slot(bool)
    def _on_toggle(self, train_checked: bool) -> None:
        self.part = "train" if train_checked else "test"
        self._confusion_dirty = True
        self.refresh()

    def refresh(self) -> None:
        self.plot.refresh()
        if self._confusion_dirty and self.n_classes >= 2:
            self._confusion_dirty = False
            matrix = self._matrices.get(self.part)
            if matrix is not None:
                self.confusion_plot.show_matrix(matrix, self.part)

    def cell_texts(self) -> list[list[str]]:
        return self.confusion_plot.cell_texts()

    def apply_theme(self, theme: Theme = LIGHT) -> None:
        self.plot.apply_theme(theme)
        self.confusion_plot.apply_theme(theme)
        self.confusion_plot.plot_item.showGrid(False, False)
        self._confusion_dirty = True
