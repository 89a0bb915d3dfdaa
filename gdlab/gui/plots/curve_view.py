"""One weight, one cost curve: the picture every lecture on gradient descent draws.

J(w) over its range; the current weight as a point on the curve; the tangent there, whose slope
is the gradient dJ/dw; an arrow for the next step, of length α·|dJ/dw| (for plain gradient
descent) pointing downhill, and where it lands; the trail of earlier points, numbered. Under the
plot the update is spelled out with its numbers. Click on the curve to choose the initial weight.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ..accessibility import named
from ..widget_builders import tight_column
from .base import LivePlot, make_curve, thin_older
from .framing import CAP, grown_range
from .labels import hide_colliding
from .step_text import step_lines

MAX_NUMBERED = 12      # iteration numbers written next to the trail
MAX_TRAIL = 400        # trail dots drawn (the newest)
MAX_KEPT = 20_000      # trail points kept (older ones thinned)
TANGENT_HALF_WIDTH = 0.18  # of the view's width, each side of the point
READOUT_LINES = 3      # the spelled-out update: iteration; w, dJ/dw, α; w_new


class _RunItems:
    def __init__(self, plot: LivePlot, label: str, color: str):
        self.color = color
        self.trail = pg.ScatterPlotItem(size=7, brush=pg.mkBrush(color), pen=pg.mkPen("#FFFFFF", width=0.8),
                                        name=label)
        self.head = pg.ScatterPlotItem(size=16, brush=pg.mkBrush(color), pen=pg.mkPen("#000000", width=1.5))
        self.tangent = make_curve(pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine))
        self.step = make_curve(pg.mkPen(color, width=3))
        self.drop = make_curve(pg.mkPen(color, width=1, style=Qt.PenStyle.DotLine))
        self.arrow = pg.ArrowItem(headLen=14, tipAngle=40, brush=pg.mkBrush(color), pen=pg.mkPen("#000000"))
        self.landing = pg.ScatterPlotItem(size=12, brush=pg.mkBrush(0, 0, 0, 0), pen=pg.mkPen(color, width=2))
        self.items = (self.trail, self.tangent, self.step, self.drop, self.arrow, self.landing, self.head)
        for z, item in enumerate(self.items):
            item.setZValue(10 + z)
            plot.plot_item.addItem(item, ignoreBounds=item is not self.trail)
        self.trail_w: list[np.ndarray] = []
        self.trail_J: list[np.ndarray] = []

    def remove(self, plot: LivePlot) -> None:
        for item in self.items:
            plot.plot_item.removeItem(item)


class CurveView(QWidget):
    start_chosen = Signal(object)  # [w]: the user clicked a new initial weight

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = LivePlot("Cost curve J(w)")
        self.plot.set_labels("weight w", "cost J(w)")
        self.curve = make_curve(self.plot.pen("#333333", 1.0))
        self.curve.setZValue(0)
        self.plot.plot_item.addItem(self.curve)
        self.minima = pg.ScatterPlotItem()
        self.minima.setZValue(5)
        self.plot.plot_item.addItem(self.minima, ignoreBounds=True)
        self.readout = QLabel()
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readout.setToolTip("The next step of gradient descent, with this iteration's numbers from the run.")
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(11)
        self.readout.setFont(font)
        self.readout.setWordWrap(True)
        self._fix_readout_height()
        self.run_picker = named(QComboBox(), "Run described")
        self.run_picker.setToolTip("Which run the numbers below describe.")
        self.run_picker.currentIndexChanged.connect(self._on_pick)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(6, 2, 6, 2)
        bottom.addWidget(self.readout, 1)
        bottom.addWidget(self.run_picker, 0, Qt.AlignmentFlag.AlignTop)
        tight_column(self, (self.plot, 1), bottom)
        self.numbers: list[pg.TextItem] = []
        self._numbered: list[pg.TextItem] = []   # the numbers in use, newest first
        for _ in range(MAX_NUMBERED):
            text = pg.TextItem("", anchor=(0.5, 1.3), color="#333333")
            text.setZValue(30)
            self.plot.plot_item.addItem(text, ignoreBounds=True)
            self.numbers.append(text)
        self.edge_marker = pg.TextItem("", anchor=(1, 0.5), color="#D55E00")
        self.edge_marker.setZValue(35)
        self.plot.plot_item.addItem(self.edge_marker, ignoreBounds=True)
        self.runs: list[_RunItems] = []
        self.surface_name = ""
        self.curve_source = None  # x_range -> (ws, J): the core's values of J over a new range
        self._limit = np.inf
        self._home = None
        self._grown = False
        self.selected = 0
        self._snap = None
        self._iterations: list[np.ndarray] = []
        self._dirty = False
        self._moment = pg.ScatterPlotItem(size=26, brush=pg.mkBrush(0, 0, 0, 0), pen=pg.mkPen("#D55E00", width=3))
        self._moment.setZValue(40)
        self.plot.plot_item.addItem(self._moment, ignoreBounds=True)
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        self.plot.plot_item.vb.sigRangeChanged.connect(self._declutter)
        self.plot.plot_item.vb.sigResized.connect(self._declutter)  # same range, other pixels: labels move
        self.plot.set_readout(None)

    # -- set-up --------------------------------------------------------------------------------
    def set_surface(self, title: str, ws: np.ndarray, J: np.ndarray, minima: list[tuple[float, float]],
                    name: str = "", curve_source=None) -> None:
        """The curve J(w) (values from the core) and its minima as (w, J) pairs; ``curve_source(x_range)``
        gives (ws, J) over a wider range when the run leaves this one (see :func:`grown_range`)."""
        self.surface_name = name
        self.curve_source = curve_source
        self._limit = CAP * max(abs(float(ws[0])), abs(float(ws[-1])), 1e-12)
        self.plot.set_title(title)
        self.curve.setData(ws, J, connect="finite")
        self.minima.setData([{"pos": m, "symbol": "star", "size": 16, "brush": pg.mkBrush("#FFFFFF"),
                              "pen": pg.mkPen("#000000")} for m in minima])
        finite = J[np.isfinite(J)]
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            pad = 0.08 * (hi - lo or 1.0)
            self.plot.plot_item.vb.setRange(xRange=(ws[0], ws[-1]), yRange=(lo - pad, hi + pad), padding=0)
        self._home = (ws, J, self.plot.plot_item.vb.viewRange())
        self._grown = False

    def _go_home(self) -> None:
        """Back to the surface's own range after a view that followed a run (a reset, new weights)."""
        if self._grown and self._home is not None:
            ws, J, (x_range, y_range) = self._home
            self.curve.setData(ws, J, connect="finite")
            self.plot.plot_item.vb.setRange(xRange=x_range, yRange=y_range, padding=0)
            self._grown = False

    def set_runs(self, labels: list[str], colors: list[str]) -> None:
        for items in self.runs:
            items.remove(self.plot)
        legend = self.plot.make_legend()
        self.runs = [_RunItems(self.plot, label, color) for label, color in zip(labels, colors)]
        legend.setVisible(len(labels) > 1)  # one run needs no legend (it would cover the curve)
        self._go_home()
        self._iterations = []
        self.run_picker.blockSignals(True)
        self.run_picker.clear()
        self.run_picker.addItems(labels)
        self.run_picker.setVisible(len(labels) > 1)
        self.selected = min(self.selected, len(labels) - 1) if labels else 0
        self.run_picker.setCurrentIndex(self.selected)
        self.run_picker.blockSignals(False)
        self._snap = None
        self._dirty = True

    def relabel_runs(self, labels: list[str]) -> None:
        """The runs were renamed live (α or the optimiser changed): the legend says the new names."""
        legend = self.plot.plot_item.legend
        if legend is not None:
            for (_sample, label), text in zip(legend.items, labels):
                label.setText(text)
        for k, text in enumerate(labels[:self.run_picker.count()]):
            self.run_picker.setItemText(k, text)

    # -- data ------------------------------------------------------------------------------------
    def append(self, snapshot) -> None:
        """A surface snapshot: new trail rows, the current point and the preview of the next step."""
        if len(snapshot.iterations):
            self._iterations.append(snapshot.iterations)
            for k, items in enumerate(self.runs):
                items.trail_w.append(snapshot.paths[:, k, 0])
                items.trail_J.append(snapshot.costs[:, k])
        self._snap = snapshot
        self._dirty = True

    def _trail(self, items: _RunItems) -> tuple[np.ndarray, np.ndarray]:
        if len(items.trail_w) > 1:
            w, J = thin_older([np.concatenate(items.trail_w), np.concatenate(items.trail_J)], MAX_KEPT)
            items.trail_w, items.trail_J = [w], [J]
        return (items.trail_w[0], items.trail_J[0]) if items.trail_w else (np.empty(0), np.empty(0))

    def refresh(self) -> None:
        if not self._dirty or self._snap is None:
            return
        self._dirty = False
        snap = self._snap
        if len(self._iterations) > 1:
            self._iterations = thin_older([np.concatenate(self._iterations)], MAX_KEPT)
        its = self._iterations[0] if self._iterations else np.empty(0)
        self._follow(snap)
        (x0, x1), _ = self.plot.plot_item.vb.viewRange()
        half = TANGENT_HALF_WIDTH * (x1 - x0)
        self._mark_edge(snap, x0, x1)
        for k, items in enumerate(self.runs):
            tw, tJ = self._trail(items)
            items.trail.setData(tw[-MAX_TRAIL:], tJ[-MAX_TRAIL:])
            w, J, g = float(snap.w[k, 0]), float(tJ[-1]) if len(tJ) else np.nan, float(snap.gradient[k, 0])
            if not (np.isfinite(w) and np.isfinite(J) and np.isfinite(g)):
                for item in (items.head, items.tangent, items.step, items.drop, items.landing):
                    item.setData([], [])
                items.arrow.hide()
                continue
            items.head.setData([w], [J])
            # the tangent: the line through (w, J) whose slope is the gradient
            items.tangent.setData([w - half, w + half], [J - g * half, J + g * half])
            w_new = float(snap.w_next[k, 0]) if snap.w_next is not None else w
            J_new = float(snap.cost_next[k]) if snap.cost_next is not None else np.nan
            if snap.run_status[k] in ("ready", "running") and w_new != w and np.isfinite(w_new):
                items.step.setData([w, w_new], [J, J])
                items.arrow.setStyle(angle=0 if w_new < w else 180)
                items.arrow.setPos(w_new, J)
                items.arrow.show()
                if np.isfinite(J_new):
                    items.drop.setData([w_new, w_new], [J, J_new])
                    items.landing.setData([w_new], [J_new])
                else:  # a diverging step: no landing to mark (and not the previous step's)
                    items.drop.setData([], [])
                    items.landing.setData([], [])
            else:
                for item in (items.step, items.drop, items.landing):
                    item.setData([], [])
                items.arrow.hide()
        self._number_trail(its)
        self._update_readout()

    def _follow(self, snap) -> None:
        """Grow the view when a run's point, tangent or landing leaves its inner 90 % (the curve is
        redrawn over the new range by the core's values)."""
        vb = self.plot.plot_item.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        half = TANGENT_HALF_WIDTH * (x1 - x0)
        w = np.asarray(snap.w[:, 0], dtype=float)
        g = np.asarray(snap.gradient[:, 0], dtype=float)
        J = np.array([items.trail_J[-1][-1] if items.trail_J and len(items.trail_J[-1]) else np.nan
                      for items in self.runs], dtype=float)
        xs, ys = [w], [J, J - g * half, J + g * half]
        if snap.w_next is not None:
            xs.append(np.asarray(snap.w_next[:, 0], dtype=float))
        if snap.cost_next is not None:
            ys.append(np.asarray(snap.cost_next, dtype=float))
        new_x = grown_range(x0, x1, np.concatenate(xs), self._limit)
        y_values = np.concatenate(ys)
        if new_x is not None and self.curve_source is not None:
            ws, curve_J = self.curve_source(new_x)
            self.curve.setData(ws, curve_J, connect="finite")
            finite = curve_J[np.isfinite(curve_J)]
            if finite.size:  # the walls of the curve over the new range, as far as the points climb
                top = min(float(finite.max()), float(np.nanmax(np.append(y_values, y1))) * 1.5)
                y_values = np.append(y_values, [float(finite.min()), top])
        new_y = grown_range(y0, y1, y_values, np.inf)
        if new_x is not None or new_y is not None:
            vb.setRange(xRange=new_x or (x0, x1), yRange=new_y or (y0, y1), padding=0)
            self._grown = True

    def _mark_edge(self, snap, x0: float, x1: float) -> None:
        """A weight beyond the view's cap: its value at the edge it left by."""
        w = float(snap.w[self.selected, 0]) if len(snap.w) > self.selected else np.nan
        if np.isnan(w) or x0 <= w <= x1:
            self.edge_marker.setText("")
            return
        _, (y0, y1) = self.plot.plot_item.vb.viewRange()
        self.edge_marker.setAnchor((1, 0.5) if w > x1 else (0, 0.5))
        self.edge_marker.setText(f"w = {w:.3g} {'→' if w > x1 else '←'}" if np.isfinite(w) else f"w = {w}")
        self.edge_marker.setPos(x1 if w > x1 else x0, (y0 + y1) / 2)

    def _number_trail(self, its: np.ndarray) -> None:
        """Iteration numbers next to the selected run's newest points (the steps being discussed);
        a number that would run into a newer one is left out (the newest win)."""
        if not self.runs:
            return
        tw, tJ = self._trail(self.runs[self.selected])
        n = len(tw)
        vb = self.plot.plot_item.vb
        vb.updateMatrix()  # a range just grown (_follow) must be in the mapping used below
        metrics = QFontMetrics(self.numbers[0].textItem.font())
        placed: list[QRectF] = []
        self._numbered = []  # newest first
        shown = 0
        for idx in range(n - 1, max(-1, n - 1 - 4 * MAX_NUMBERED), -1):
            if shown == MAX_NUMBERED:
                break
            if not (np.isfinite(tw[idx]) and np.isfinite(tJ[idx])):
                continue
            label = str(int(its[idx])) if idx < len(its) else str(idx)
            at = vb.mapViewToScene(pg.Point(float(tw[idx]), float(tJ[idx])))
            width = metrics.horizontalAdvance(label) + 8  # the text item's own margins included
            box = QRectF(at.x() - width / 2, at.y() - 1.3 * metrics.height() - 4, width, metrics.height() + 8)
            if any(box.intersects(other) for other in placed):
                continue
            placed.append(box)
            text = self.numbers[shown]
            text.setText(label)
            text.setPos(tw[idx], tJ[idx])
            text.show()
            self._numbered.append(text)
            shown += 1
        for text in self.numbers[shown:]:
            text.hide()
        self._declutter()

    def _declutter(self, *_range) -> None:
        """After a resize or a range change the numbers move in pixels: one that now covers a newer
        one is hidden (the placement above kept them apart for the mapping of the moment)."""
        for text in self._numbered:
            text.updateTransform(force=True)
        hide_colliding(self._numbered, self.plot)

    def _update_readout(self) -> None:
        snap, k = self._snap, self.selected
        if snap is None or k >= len(snap.labels):
            self.readout.setText("")
            return
        status = snap.run_status[k]
        w, g, lr = float(snap.w[k, 0]), float(snap.gradient[k, 0]), float(snap.learning_rates[k])
        if status not in ("ready", "running"):
            self.readout.setText(self._fitting(f"iteration {snap.iteration}: {status.replace('_', ' ')} — ",
                                               snap.run_reason[k] or snap.reason))
            return
        terms = {name: float(np.ravel(value)[0]) for name, value in snap.step_terms[k].items()}  # the one weight's
        known, update = step_lines(snap.optimizers[k], w, g, lr, float(snap.w_next[k, 0]), terms, snap.hyper[k])
        self.readout.setText(f"iteration {snap.iteration}\n{known}\n{update}")

    def show_moment(self, w: np.ndarray | None, J: np.ndarray | None = None) -> None:
        """Ring the runs' points at the iteration the timeline shows (None: the present)."""
        if w is None:
            self._moment.setData([], [])
            return
        self._moment.setData(np.asarray(w, dtype=float)[:, 0], np.asarray(J, dtype=float))

    def _fix_readout_height(self) -> None:
        """Three lines, always: the ending ("converged — …") neither shrinks nor grows it, so the plot
        above keeps its size (no jump on the last frame of an animation)."""
        self.readout.setFixedHeight(READOUT_LINES * QFontMetrics(self.readout.font()).lineSpacing() + 4)

    def _fitting(self, head: str, reason: str) -> str:
        """``head`` + ``reason``, the reason cut to its first clause (then shortened) until the text
        fits the readout's three lines."""
        metrics = QFontMetrics(self.readout.font())
        width = max(50, self.readout.width() - 4)
        room = READOUT_LINES * metrics.lineSpacing()

        def fits(text: str) -> bool:
            return metrics.boundingRect(0, 0, width, 10 * room, Qt.TextFlag.TextWordWrap, text).height() <= room

        text = head + reason
        if fits(text):
            return text
        reason = reason.split(":")[0].rstrip(".") + "."
        while len(reason) > 8 and not fits(head + reason):
            reason = reason[:-9].rstrip(" ,") + "…"
        return head + reason

    def readout_numbers(self) -> str:
        return self.readout.text()

    # -- interaction -----------------------------------------------------------------------------
    @Slot(int)
    def _on_pick(self, index: int) -> None:
        self.selected = max(0, index)
        self._dirty = True
        self.refresh()

    @Slot(object)
    def _on_click(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        vb = self.plot.plot_item.vb
        if vb.sceneBoundingRect().contains(event.scenePos()):
            self.start_chosen.emit([float(vb.mapSceneToView(event.scenePos()).x())])

    def apply_theme(self, theme) -> None:
        self.plot.apply_theme(theme)
        self.curve.setPen(self.plot.pen(theme.neutral, 1.0))
        font = self.readout.font()
        font.setPointSize(theme.font_pt)  # the spelled-out update reads from the back of the room too
        self.readout.setFont(font)
        self._fix_readout_height()
        for text in self.numbers:
            text.setColor(theme.foreground)
