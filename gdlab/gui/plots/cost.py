"""Cost per iteration: J on the training data (and the test data), or one curve per run of a race.

Every iteration's cost is kept (the worker's frames carry every row), so the curve never skips
a step. A marker and a label show where a run diverged or converged. The y axis can be
logarithmic (costs ≤ 0 are then left out, as log J is undefined there).
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction

from ...core.io.printing import number
from ...core.run.decimate import DecimatedSeries
from ..palette import BLUE, ORANGE, STATUS_COLORS
from .base import BUCKETS, RECENT, Bounds, LivePlot, PathCurve, make_curve
from .live_rows import LiveRows, set_columns
from .menu_box import add_menu_action


class CostPlot(LiveRows, LivePlot):
    log_toggled = Signal(bool)
    quantity = "J"     # what the readout calls the values
    y_label = "cost J"

    def __init__(self, parent=None):
        self.curves: list[PathCurve] = []
        self.labels: list[str] = []
        self._colors: list[str] = []
        self._styles: list[Qt.PenStyle] = []
        self._widths: list[float] = []
        self._twin_curves: list[PathCurve] = []
        self._twin: DecimatedSeries | None = None
        super().__init__("Cost J per iteration", parent)
        self._history: DecimatedSeries | None = None
        self._bounds = Bounds()
        self._events: list[pg.InfiniteLine] = []
        self._dirty = False
        self.log_scale = False
        self.set_labels("iteration (weight updates)", self.y_label)
        self.set_readout(self._describe)
        self._log_menu = add_menu_action(self.plot_item.vb, QAction("Log-scale cost axis", self))
        self._log_menu.setCheckable(True)
        self._log_menu.toggled.connect(self.set_log)
        self.configure_network()

    # -- set-up ----------------------------------------------------------------------------
    def _configure(self, labels: list[str], colors: list[str], styles: list[Qt.PenStyle],
                   widths: list[float] | None = None) -> None:
        for curve in self.curves:
            self.plot_item.removeItem(curve)
        self.make_legend()
        self.labels, self._colors, self._styles = list(labels), list(colors), list(styles)
        self._widths = list(widths or [1.0] * len(labels))
        self.curves = []
        for label, color, style, width in zip(labels, colors, styles, self._widths):
            curve = make_curve(self.pen(color, width, style), label)
            self.plot_item.addItem(curve)
            self.curves.append(curve)
        self._history = DecimatedSeries(len(labels), RECENT, BUCKETS)
        self._bounds.reset()
        self._dirty = True
        self.follow()

    def configure_network(self) -> None:
        """Two curves: J on the training data (solid) and on the held-out test data (dashed)."""
        self._configure(["train", "test"], [BLUE, ORANGE], [Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine],
                        [1.0, 0.5])

    def configure_runs(self, labels: list[str], colors: list[str]) -> None:
        """One curve per run of a race, in the run's colour (hairlines when there are many)."""
        self._configure(labels, colors, [Qt.PenStyle.SolidLine] * len(labels),
                        [1.0 if len(labels) <= 3 else 0.5] * len(labels))
        self.plot_item.legend.setVisible(len(labels) > 1)  # one run needs no legend

    def relabel_runs(self, labels: list[str]) -> None:
        """The runs were renamed live (α or the optimiser changed): the legend says the new names."""
        legend = self.plot_item.legend
        if legend is None:
            return
        size = f"{max(8, self.theme.tick_pt)}pt"
        for (_sample, label), text in zip(legend.items, labels):
            label.setText(text, color=self.theme.foreground, size=size)

    def apply_theme(self, theme) -> None:
        super().apply_theme(theme)
        for curve, color, style, width in zip(self.curves, self._colors, self._styles, self._widths):
            curve.setPen(self.pen(color, width, style))

    # -- data ------------------------------------------------------------------------------
    def append(self, iterations: np.ndarray, values: np.ndarray) -> None:
        """Store rows: ``values`` has one column per curve."""
        if len(iterations):
            self._store_rows(iterations, values)

    def _draw_rows(self, x: np.ndarray, y: np.ndarray) -> None:
        if self.log_scale:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log10(np.where(y > 0, y, np.nan))  # the axis shows 10^y; log J is undefined for J ≤ 0
        set_columns(self.curves, x, y)
        if self._twin is not None and len(self._twin):
            tx, ty = self._twin.arrays()
            if self.log_scale:
                with np.errstate(divide="ignore", invalid="ignore"):
                    ty = np.log10(np.where(ty > 0, ty, np.nan))
            for k, curve in enumerate(self._twin_curves):
                curve.setData(tx, ty[:, k], connect="finite")
        if len(x):
            self.fit_range(float(x[-1]), self._bounds, self.log_scale)

    # -- a twin run (forked), overlaid dashed ---------------------------------------------------
    def configure_twin(self, labels: list[str], colors: list[str]) -> None:
        """Curves for a twin run (dashed, in its colours) beside the run's own."""
        self.clear_twin()
        self._twin_curves = [make_curve(self.pen(color, 1.0, Qt.PenStyle.DashLine), label)
                             for label, color in zip(labels, colors)]
        for curve in self._twin_curves:
            self.plot_item.addItem(curve)
        self._twin = DecimatedSeries(len(labels), RECENT, BUCKETS)

    def append_twin(self, iterations: np.ndarray, values: np.ndarray) -> None:
        if self._twin is not None and len(iterations):
            self._twin.extend(iterations, values)
            self._bounds.update(values)
            self._dirty = True

    def clear_twin(self) -> None:
        for curve in self._twin_curves:
            self.plot_item.removeItem(curve)
            legend = self.plot_item.legend
            if legend is not None:
                legend.removeItem(curve)
        self._twin_curves, self._twin = [], None

    def twin_data(self, k: int = 0) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._twin.arrays()
        return x, y[:, k]

    def data(self, k: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(iterations, costs) of curve k as drawn (older iterations of a long run as min/max pairs)."""
        x, y = self._history.arrays()
        return x, y[:, k]

    # -- markers -----------------------------------------------------------------------------
    def clear_events(self) -> None:
        for line in self._events:
            self.plot_item.removeItem(line)
        self._events = []

    def mark_event(self, iteration: int, status: str, text: str) -> None:
        """A vertical line with a label where a run diverged or converged."""
        color = STATUS_COLORS.get(status, self.theme.foreground)
        line = pg.InfiniteLine(pos=iteration, angle=90, movable=False,
                               pen=self.pen(color, 0.75, Qt.PenStyle.DashLine),
                               label=text, labelOpts={"position": 0.92, "color": color, "fill": (255, 255, 255, 200),
                                                      "anchors": [(1, 0), (1, 0)]})
        self.plot_item.addItem(line, ignoreBounds=True)
        self._events.append(line)

    @property
    def event_texts(self) -> list[str]:
        return [line.label.toPlainText() for line in self._events if line.label is not None]

    # -- log scale ---------------------------------------------------------------------------
    def set_log(self, on: bool) -> None:
        on = bool(on)
        if on == self.log_scale:
            return
        self.log_scale = on
        self.plot_item.getAxis("left").setLogMode(on)  # tick labels 10^y; refresh() maps the data
        self._log_menu.blockSignals(True)
        self._log_menu.setChecked(on)
        self._log_menu.blockSignals(False)
        self.plot_item.setLabel("left", f"{self.y_label} (log scale)" if on else self.y_label,
                                **{"color": self.theme.foreground, "font-size": f"{self.theme.font_pt}pt"})
        self.follow()
        self._dirty = True
        self.refresh()
        self.log_toggled.emit(on)

    # -- readout -------------------------------------------------------------------------------
    def _describe(self, x: float, _y: float) -> str:
        h = self._history
        if h is None or not len(h):
            return ""
        its, ys = h.arrays()
        i = int(np.clip(np.searchsorted(its, round(x)), 0, len(its) - 1))
        costs = ys[i]
        parts = [f"{label} {self.quantity} = {_fmt(c)}" for label, c in zip(self.labels, costs) if not math.isnan(c)]
        return f"iteration {int(its[i]):,}:  " + "   ".join(parts)


def _fmt(value: float) -> str:
    return number(value, 5)


class GradientFlowPlot(CostPlot):
    """Each layer's gradient norm ‖∂J/∂W_l‖ over iterations, on a log scale: how much of the error
    signal backpropagation delivers to each layer. In a deep sigmoid network the first layers'
    norms sit orders of magnitude below the last layer's: the gradient vanishes on its way back."""

    quantity = "‖∂J/∂W‖"
    y_label = "‖∂J/∂W‖"  # short: the title says what it is, and the axis is a plot's height

    def __init__(self, parent=None):
        super().__init__(parent)
        self.set_title("Gradient flow: ‖∂J/∂W‖ of each layer")
        self.set_log(True)

    def configure_layers(self, count: int) -> None:
        """One curve per weight layer, from the input side (layer 1) to the output."""
        from ..palette import series_color

        labels = [f"layer {l + 1}" + (" (output)" if l == count - 1 else "") for l in range(count)]
        self.configure_runs(labels, [series_color(l) for l in range(count)])
        self.plot_item.legend.setVisible(True)
