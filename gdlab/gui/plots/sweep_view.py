"""The learning-rate sweep: final cost against α on log axes, with the regions a lecture names.

K learning rates, log-spaced between α_min and α_max, each run for N iterations from the same
start (on the worker thread, batched for cost surfaces). Bands mark where α is too small (the cost
barely fell), good, too large (it overshoots and oscillates) and where the run diverged.
"""
from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from ...core.io.printing import number
from ..accessibility import label_for
from ..palette import GREEN, ORANGE, SKY, VERMILLION
from ..widget_builders import tight_column
from .base import LivePlot, make_curve

REGION_COLORS = {"too small": SKY, "good": GREEN, "too large": ORANGE, "diverged": VERMILLION}
REGION_WORDS = {"too small": "too small (slow)", "good": "good", "too large": "too large (oscillates)",
                "diverged": "diverged"}


class SweepView(QWidget):
    run_requested = Signal(float, float, int, int)  # α_min, α_max, K, iterations
    cancel_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = LivePlot("Learning-rate sweep: final cost against α")
        self.plot.set_labels("learning rate α (log scale)", "final cost J (log scale)")
        for name in ("bottom", "left"):
            self.plot.plot_item.getAxis(name).setLogMode(True)
        self.lr_min = QLineEdit("0.001")
        self.lr_max = QLineEdit("2")
        self.count = QSpinBox()
        self.count.setRange(2, 200)
        self.count.setValue(25)
        self.iterations = QSpinBox()
        self.iterations.setRange(1, 1_000_000)
        self.iterations.setValue(100)
        self.iterations.setSuffix(" it")
        self.run_button = QPushButton("Run sweep")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(160)
        tips = {
            self.lr_min: "The smallest learning rate α of the sweep.",
            self.lr_max: "The largest learning rate α of the sweep.",
            self.count: "How many learning rates, evenly spaced on a log scale between α_min and α_max.",
            self.iterations: "How many iterations each run takes, all from the same start.",
            self.run_button: "Run the same experiment once for every α (on the training thread) and plot the "
                             "final cost against α.",
            self.cancel_button: "Stop the sweep.",
            self.progress: "How far the sweep has got.",
        }
        for widget, tip in tips.items():
            widget.setToolTip(tip)
        self.run_button.clicked.connect(self._on_run)
        self.cancel_button.clicked.connect(self.cancel_requested)
        controls = QHBoxLayout()
        controls.setContentsMargins(4, 0, 4, 0)
        for label, widget, name in (("α from", self.lr_min, "Smallest α"), ("to", self.lr_max, "Largest α"),
                                    ("rates", self.count, "Number of rates"),
                                    ("each", self.iterations, "Iterations per rate")):
            text = QLabel(label)
            text.setToolTip(widget.toolTip())
            label_for(text, widget, name)
            controls.addWidget(text)
            controls.addWidget(widget)
        controls.addWidget(self.run_button)
        controls.addWidget(self.cancel_button)
        controls.addWidget(self.progress)
        self.message = QLabel()  # one line, never wrapped: a long text must not squash the plot below
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        controls.addWidget(self.message, 1)
        tight_column(self, controls, (self.plot, 1))
        self.line = make_curve(pg.mkPen("#888888", width=1))
        self.points = pg.ScatterPlotItem(size=10)
        self.diverged = pg.ScatterPlotItem(size=12, symbol="x", brush=pg.mkBrush(VERMILLION),
                                           pen=pg.mkPen(VERMILLION, width=2))
        for item in (self.line, self.points, self.diverged):
            self.plot.plot_item.addItem(item)
        self.bands: list[pg.LinearRegionItem] = []
        self.band_labels: list[pg.TextItem] = []
        self.result = None
        self.summary = ""  # the result in one sentence (the window's status bar shows it)

    # -- requests --------------------------------------------------------------------------------
    def values(self) -> tuple[float, float, int, int]:
        """The sweep the controls describe; ValueError with a message if they make no sense."""
        try:
            lo, hi = float(self.lr_min.text().replace("−", "-")), float(self.lr_max.text().replace("−", "-"))
        except ValueError:
            raise ValueError("α_min and α_max must be numbers, e.g. 0.001 and 2") from None
        if not (math.isfinite(lo) and math.isfinite(hi) and 0 < lo < hi):
            raise ValueError("the learning rates must satisfy 0 < α_min < α_max")
        return lo, hi, self.count.value(), self.iterations.value()

    @Slot()
    def _on_run(self) -> None:
        try:
            lo, hi, count, iterations = self.values()
        except ValueError as exc:
            self.message.setText(f"<span style='color:{self.plot.theme.error_text}'>{html.escape(str(exc))}</span>")
            return
        self.message.setText("")
        self.run_requested.emit(lo, hi, count, iterations)

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress.setValue(0)

    def set_progress(self, fraction: float) -> None:
        self.progress.setValue(int(1000 * max(0.0, min(1.0, fraction))))

    # -- the result --------------------------------------------------------------------------------
    def show_result(self, result) -> None:
        """Draw a :class:`gdlab.core.run.sweep.SweepResult`: each run's final J against α as a point
        coloured by its region, the runs the core classed as diverged as crosses along the top, and
        the region bands. J is on a log axis unless some finite final J is ≤ 0 (then linear)."""
        self.result = result
        self.set_running(False)
        self.progress.setValue(1000)
        lrs = np.asarray(result.learning_rates, dtype=float)
        costs = np.asarray(result.final_costs, dtype=float)
        x = np.log10(lrs)
        diverged = np.array([r == "diverged" for r in result.regions], dtype=bool)
        finite = np.isfinite(costs)
        log_y = not np.any(costs[finite] <= 0)
        self._set_y_log(log_y)
        shown = ~diverged & finite
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.where(shown, np.log10(costs) if log_y else costs, np.nan)
        finite_y = y[shown]
        # spacing above and below the points: decades on a log axis, a share of the span on a linear one
        span = float(np.ptp(finite_y)) if finite_y.size else 0.0
        unit = 1.0 if log_y else (span or 1.0) / 4
        top = (finite_y.max() + 0.5 * unit) if finite_y.size else 1.0
        self.line.setData(x, y, connect="finite")
        self.points.setData([{"pos": (xi, yi), "brush": pg.mkBrush(REGION_COLORS[r]), "pen": pg.mkPen("#000000")}
                             for xi, yi, r, s in zip(x, y, result.regions, shown) if s])
        self.diverged.setData(x[diverged], np.full(int(diverged.sum()), top))
        for band in self.bands:
            self.plot.plot_item.removeItem(band)
        for label in self.band_labels:
            self.plot.plot_item.removeItem(label)
        self.bands, self.band_labels = [], []
        edges = _edges(x)
        for region, first, last in result.region_bounds():
            i, j = int(np.searchsorted(lrs, first)), int(np.searchsorted(lrs, last))
            band = pg.LinearRegionItem((edges[i], edges[j + 1]), movable=False,
                                       brush=pg.mkBrush(REGION_COLORS[region] + "33"), pen=pg.mkPen(None))
            band.setZValue(-10)
            self.plot.plot_item.addItem(band)
            label = pg.TextItem(REGION_WORDS[region], color=REGION_COLORS[region], anchor=(0.5, 0))
            label.setPos((edges[i] + edges[j + 1]) / 2, top)
            self.plot.plot_item.addItem(label)
            self.bands.append(band)
            self.band_labels.append(label)
        lo_y = finite_y.min() - 0.3 * unit if finite_y.size else 0.0
        self.plot.plot_item.vb.setRange(xRange=(edges[0], edges[-1]), yRange=(lo_y, top + 0.3 * unit), padding=0)
        best = result.best
        if best >= 0:
            self.summary = (f"Best α = {number(lrs[best], 3)}: J = {number(costs[best], 3)} after "
                            f"{result.iterations:,} iterations.")
            self.plot.set_title(f"Final cost against α: best α = {number(lrs[best], 3)}")
        else:
            self.summary = "Every run diverged: try smaller learning rates."
            self.plot.set_title("Final cost against α: every run diverged")
        self.message.setText("")  # the title says it: the controls' line has no room for a sentence

    def set_default_iterations(self, iterations: int) -> None:
        """The iterations each run of a sweep takes: by default the experiment's own."""
        self.iterations.setValue(min(int(iterations), self.iterations.maximum()))

    def _set_y_log(self, log: bool) -> None:
        """Label the J axis, and tick it in decades (log) or plainly; the data are mapped by the caller."""
        self.plot.set_labels("learning rate α (log scale)", "final cost J (log scale)" if log else "final cost J")
        self.plot.plot_item.getAxis("left").setLogMode(log)

    def refresh(self) -> None:
        pass

    def apply_theme(self, theme) -> None:
        self.plot.apply_theme(theme)


def _edges(x: np.ndarray) -> np.ndarray:
    """Band edges half-way between neighbouring points (in log α), and half a step beyond the ends."""
    if len(x) == 1:
        return np.array([x[0] - 0.5, x[0] + 0.5])
    mid = (x[:-1] + x[1:]) / 2
    return np.concatenate([[x[0] - (mid[0] - x[0])], mid, [x[-1] + (x[-1] - mid[-1])]])


__all__ = ["SweepView", "REGION_COLORS"]
