"""What every live plot shares: the theme, fast-curve settings, and a crosshair readout.

Plots only draw what the worker computed. Rows arrive through ``append``-style methods and are
stored; ``refresh()`` (called by the window's redraw timer) pushes them to the curves. Curves use
pyqtgraph's peak downsampling and clip-to-view, so a million-point history stays smooth.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QAction, QFont, QPainterPath
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsView

from ..palette import LIGHT, Theme
from .menu_box import MenuOnDemandViewBox, add_menu_action
from .ticks import quiet_label, readable_log_ticks
from .titles import FittedTitle

# Rows a plot keeps per line: the newest RECENT as they came, older ones as BUCKETS min/max pairs
# (see gdlab.core.run.decimate), so at most 2·300 + 100 points: about one per pixel column of a plot on
# a 1920-pixel projector, and every point costs main-thread time at every redraw (which the
# training thread waits for: 400/400 measured a GUI/headless ratio of 0.76, 100/300 one of 0.80,
# benchmarks/gui_responsiveness.py). A run of up to 400 iterations is drawn exactly.
RECENT, BUCKETS = 100, 300


def thin_older(arrays: list[np.ndarray], limit: int) -> list[np.ndarray]:
    """Keep a path drawable: past ``limit`` points, every other point of the older half goes (the
    same rows of every array), so a million-iteration trail stays about ``limit`` points long
    while the recent half stays complete."""
    n = len(arrays[0])
    if n <= limit:
        return arrays
    half = n - limit // 2
    keep = np.concatenate([np.arange(0, half, 2), np.arange(half, n)])
    return [a[keep] for a in arrays]


class PathCurve(QGraphicsPathItem):
    """A live curve that Qt draws on its own: a C++ path item, with no Python ``paint`` or
    ``boundingRect`` for Qt to call back into.

    Why: every call from Qt into Python must take the GIL from the training thread, and each
    hand-over costs that thread about 40 µs; a pyqtgraph PlotCurveItem is asked for its bounding
    rect four times and for a paint once per redraw, 30 times a second, per curve. This item turns
    its points into a QPainterPath once per :meth:`setData` (on the redraw timer, where the window
    holds the GIL anyway) and Qt draws that path from C++ (see ``benchmarks/gui_responsiveness.py``).

    It offers the part of PlotCurveItem's interface that the plots, legends, exports and the view
    box's auto-range use: ``setData``/``getData``, ``opts["pen"]``, ``setPen``, ``name``,
    ``dataBounds`` and ``pixelPadding``. Non-finite values break the line, as ``connect="finite"``.
    """

    def __init__(self, pen=None, name: str | None = None):
        super().__init__()
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._bounds: list[tuple[float, float] | tuple[None, None] | None] = [None, None]
        self.opts = {"name": name, "pen": None, "shadowPen": None, "fillLevel": None, "fillBrush": None,
                     "brush": None, "antialias": False}
        self.setPen(pen if pen is not None else "w")

    # -- what pyqtgraph asks of a data item ----------------------------------------------------
    def implements(self, interface: str | None = None):
        return ["plotData"] if interface is None else interface == "plotData"

    def name(self) -> str | None:
        return self.opts["name"]

    def setPen(self, *args, **kwargs) -> None:
        pen = pg.mkPen(*args, **kwargs)
        self.opts["pen"] = pen
        super().setPen(pen)

    def setData(self, x, y, connect: str = "finite") -> None:
        """Draw the points (x[i], y[i]) joined in order; NaN or ±inf leaves a gap."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self._x, self._y = x, y
        self._bounds = [None, None]
        self.setPath(pg.arrayToQPath(x, y, connect=connect) if len(x) else QPainterPath())
        view = self.getViewBox()
        if view is not None:
            view.itemBoundsChanged(self)  # as a pyqtgraph item would: auto-range, if on, sees the new data

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x, self._y

    def getViewBox(self):
        group = self.parentItem()
        view = group.parentItem() if group is not None else None
        return view if isinstance(view, pg.ViewBox) else None

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):
        """(min, max) of the finite x (ax=0) or y (ax=1) values, or (None, None) if there are none."""
        if frac >= 1.0 and orthoRange is None and self._bounds[ax] is not None:
            return self._bounds[ax]
        d, other = (self._x, self._y) if ax == 0 else (self._y, self._x)
        finite = np.isfinite(d)
        if orthoRange is not None:
            finite &= (other >= orthoRange[0]) & (other <= orthoRange[1])
        d = d[finite]
        if not d.size:
            bounds = (None, None)
        elif frac >= 1.0:
            bounds = (float(d.min()), float(d.max()))
        else:
            bounds = tuple(float(v) for v in np.percentile(d, [50 * (1 - frac), 50 * (1 + frac)]))
        if frac >= 1.0 and orthoRange is None:
            self._bounds[ax] = bounds
        return bounds

    def pixelPadding(self) -> float:
        return self.opts["pen"].widthF() * 0.7072 if self.opts["pen"].isCosmetic() else 0.0


def make_curve(pen, name: str | None = None) -> PathCurve:
    """A bare curve item (:class:`PathCurve`). The plots hand it at most a few thousand points
    (they decimate as data arrive), so pyqtgraph's PlotDataItem layer (downsampling, clip-to-view,
    log mapping), which costs main-thread time at every redraw, is not needed. Non-finite values
    break the line (a diverged run's inf/NaN) instead of being drawn."""
    return PathCurve(pen, name)


class Bounds:
    """Running min/max of the finite values seen (and the smallest positive one, for log axes)."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.lo, self.hi, self.lo_positive = math.inf, -math.inf, math.inf

    def update(self, values: np.ndarray) -> None:
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        if v.size:
            self.lo, self.hi = min(self.lo, float(v.min())), max(self.hi, float(v.max()))
            pos = v[v > 0]
            if pos.size:
                self.lo_positive = min(self.lo_positive, float(pos.min()))

    @property
    def empty(self) -> bool:
        return self.lo > self.hi


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 5 × 10ᵏ that is ≥ x (x > 0)."""
    k = math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        if m * 10.0 ** k >= x * (1 - 1e-12):
            return m * 10.0 ** k
    return 10.0 ** (k + 1)


def iteration_axis_end(last: float) -> float:
    """Where an iteration axis ends: a little past ``last`` (≤ 1.1 × it, so a 3,000-iteration run
    is not drawn on an axis to 5,000), rounded up to a step of 1, 2 or 5 × 10ᵏ so it moves in
    steps while a run grows (each move redraws the axes); at least 10."""
    last = max(float(last), 1.0)
    step = nice_ceiling(0.03 * last)
    return max(10.0, math.ceil(last * 1.02 / step) * step)


class _PrepareBeforePaint(QObject):
    """Runs pyqtgraph's before-paint hook (view boxes apply their new range) as a viewport paint
    event arrives, and returns at once, so that Qt's own painting runs without the GIL."""

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            scene = self.parent().scene()
            if scene is not None:
                scene.prepareForPaint()
        return False


class LivePlot(FittedTitle, pg.PlotWidget):
    """A themed plot with an optional crosshair that reports the nearest value in words."""

    # pyqtgraph's GraphicsView.paintEvent is Python that calls the C++ one, so all of Qt's drawing
    # (backgrounds, cached axes, text) ran holding the GIL, which the training thread then waited
    # for. Qt's own paintEvent, reached straight from the event loop, holds it only inside the
    # Python items' paint(); _PrepareBeforePaint keeps the hook pyqtgraph's version ran first.
    # Measured with py-spy --gil: the main thread's share of the GIL fell by half.
    paintEvent = QGraphicsView.paintEvent

    def __init__(self, title: str = "", parent=None):
        super().__init__(parent, viewBox=MenuOnDemandViewBox())
        self._prepare_filter = _PrepareBeforePaint(self)
        self.viewport().installEventFilter(self._prepare_filter)
        self.theme: Theme = LIGHT
        self._title = title
        self.plot_item: pg.PlotItem = self.getPlotItem()
        self.plot_item.setMenuEnabled(True)
        # The right-click menu offers gdlab's "Export figure…" (install_export_actions) only: the
        # scene's own "Export..." goes, since its SVG export fails on this Qt and it offers a
        # Matplotlib exporter that gdlab does not ship.
        self.scene().contextMenu = []
        self.plot_item.hideButtons()
        # the view box draws only a border, and these plots have none: Qt need not call its paint()
        self.plot_item.vb.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
        for name in ("left", "bottom"):
            self.plot_item.getAxis(name).enableAutoSIPrefix(False)  # "cost J (x0.001)" confuses a class
            readable_log_ticks(self.plot_item.getAxis(name))
        for name in ("left", "bottom", "right", "top"):
            # Axes (with their tick labels and grid) are redrawn from a pixmap unless their range
            # changed; replaying their text every frame was half of a plot's drawing time.
            self.plot_item.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            quiet_label(self.plot_item.getAxis(name))
        self.readout = pg.TextItem("", anchor=(0, 0))
        self.readout.setZValue(100)
        self._readout_fn: Callable[[float, float], str] | None = None
        self._vline = pg.InfiniteLine(angle=90, movable=False)
        self._vline.setZValue(90)
        self._vline.hide()
        self.plot_item.addItem(self._vline, ignoreBounds=True)
        self.plot_item.addItem(self.readout, ignoreBounds=True)
        self.readout.hide()
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._moment = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#D55E00", width=2),
                                       label="", labelOpts={"position": 0.05, "color": "#D55E00",
                                                            "fill": (255, 255, 255, 220)})
        self._moment.setZValue(95)
        self._moment.hide()
        self.plot_item.addItem(self._moment, ignoreBounds=True)
        self.following = False
        self.plot_item.vb.sigRangeChangedManually.connect(self._on_manual_range)
        self._follow_action = add_menu_action(self.plot_item.vb, QAction("Follow the run", self))
        self._follow_action.setToolTip("Keep the whole run in view as it grows (undone by zooming or panning).")
        self._follow_action.triggered.connect(self.follow)
        self.apply_theme(self.theme)

    # -- theme -----------------------------------------------------------------------------
    def pen(self, color: str, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine):
        """A cosmetic pen ``width`` times the theme's line width; ``width=0`` is a hairline.

        Qt's raster engine draws 1-pixel lines about ten times faster than wider ones, so plots
        with many lines (trajectories) use hairlines and only the few main curves are wide.
        """
        w = width * self.theme.line_width
        return pg.mkPen(color, width=1 if w <= 1.25 else w, style=style)

    def apply_theme(self, theme: Theme) -> None:
        """Background, axes, fonts and the title in the theme's colours and sizes."""
        self.theme = theme
        self.setBackground(theme.background)
        font = QFont()
        font.setPointSize(theme.tick_pt)
        for name in ("left", "bottom", "right", "top"):
            axis = self.plot_item.getAxis(name)
            axis.setPen(pg.mkPen(theme.foreground))
            axis.setTextPen(pg.mkPen(theme.foreground))
            axis.setStyle(tickFont=font)
            if axis.labelText:
                axis.setLabel(axis.labelText, units=axis.labelUnits,
                              **{"color": theme.foreground, "font-size": f"{theme.font_pt}pt"})
        self.plot_item.showGrid(x=True, y=True, alpha=theme.grid_alpha)
        for name in ("left", "bottom"):
            # grid lines at the labelled ticks only: the minor grid costs ~10 ms a frame
            self.plot_item.getAxis(name).setStyle(maxTickLevel=0)
        self._vline.setPen(pg.mkPen(theme.foreground, width=1, style=Qt.PenStyle.DotLine))
        self.readout.setColor(theme.foreground)
        self.readout.fill = pg.mkBrush(theme.background)
        self.set_title(self._title)
        legend = self.plot_item.legend
        if legend is not None:
            legend.setLabelTextColor(theme.foreground)
            legend.setLabelTextSize(f"{max(8, theme.tick_pt)}pt")
            legend.setBrush(pg.mkBrush(theme.background + "C0"))
            for _sample, label in legend.items:
                label.setText(label.text, color=theme.foreground, size=f"{max(8, theme.tick_pt)}pt")

    def set_labels(self, bottom: str, left: str) -> None:
        style = {"color": self.theme.foreground, "font-size": f"{self.theme.font_pt}pt"}
        self.plot_item.setLabel("bottom", bottom, **style)
        self.plot_item.setLabel("left", left, **style)

    def make_legend(self) -> pg.LegendItem:
        """A fresh legend in the top-right corner (the old one, if any, is removed)."""
        old = self.plot_item.legend
        if old is not None:
            old.clear()
            if old.scene() is not None:
                old.scene().removeItem(old)
            self.plot_item.legend = None
        legend = self.plot_item.addLegend(offset=(-8, 8))
        legend.setLabelTextColor(self.theme.foreground)
        legend.setLabelTextSize(f"{max(8, self.theme.tick_pt)}pt")
        legend.setBrush(pg.mkBrush(self.theme.background + "C0"))
        return legend

    # -- a range that follows a growing run in steps -----------------------------------------
    def follow(self) -> None:
        """Keep every point in view (until the user zooms or pans).

        pyqtgraph's auto-range would move the axes a little at every frame, and redrawing the
        axes is most of a frame's cost; these ranges move in steps (the iteration axis to the
        next 1, 2 or 5 × 10ᵏ), so most frames leave the axes alone.
        """
        self.following = True
        self.plot_item.vb.disableAutoRange()
        self._applied: tuple[float, float, float, float] | None = None

    def _on_manual_range(self, *_args) -> None:
        self.following = False

    def fit_range(self, x_max: float, y: Bounds, log_y: bool = False) -> None:
        """Show iterations 0 … x_max and the values of ``y`` (with hysteresis, see :meth:`follow`)."""
        if not self.following or y.empty and not log_y:
            return
        vb = self.plot_item.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        applied = getattr(self, "_applied", None)
        new_x1 = x1 if applied and x_max <= x1 and x_max > 0.4 * x1 else iteration_axis_end(x_max)
        if log_y:
            if math.isinf(y.lo_positive):
                return
            lo, hi = math.log10(y.lo_positive), math.log10(max(y.hi, y.lo_positive))
        else:
            lo, hi = y.lo, y.hi
        # one value (iteration 0) or a flat line: a span of 1 % of the value, not 10⁻⁹ of it, so
        # the ticks read 2.24, 2.25, 2.26 and never 2.25000000010
        span = max(hi - lo, 0.1 if log_y else max(0.01 * abs(hi), 1e-12))
        if hi - lo < span:
            lo, hi = (lo + hi - span) / 2, (lo + hi + span) / 2
        inside = applied is not None and lo >= y0 and hi <= y1 and span >= 0.6 * (y1 - y0)
        if inside and new_x1 == x1:
            return
        if not inside:
            y0, y1 = lo - 0.05 * span, hi + 0.05 * span
        vb.setRange(xRange=(-0.01 * new_x1, new_x1), yRange=(y0, y1), padding=0)
        self._applied = (0, new_x1, y0, y1)

    # -- the timeline's moment ------------------------------------------------------------------
    def show_moment(self, iteration: int | None) -> None:
        """Mark the iteration the timeline shows (None: the present, no mark)."""
        if iteration is None:
            self._moment.hide()
            return
        self._moment.setPos(iteration)
        self._moment.label.setText(f"iteration {iteration:,}")
        self._moment.show()

    # -- crosshair -------------------------------------------------------------------------
    def set_readout(self, fn: Callable[[float, float], str] | None) -> None:
        """``fn(x, y) -> text`` describes the data under the mouse; None turns the crosshair off."""
        self._readout_fn = fn
        if fn is None:
            self._vline.hide()
            self.readout.hide()

    def _on_mouse_moved(self, pos: QPointF) -> None:
        if self._readout_fn is None:
            return
        vb = self.plot_item.vb
        if not vb.sceneBoundingRect().contains(pos):
            self._vline.hide()
            self.readout.hide()
            return
        point = vb.mapSceneToView(pos)
        text = self._readout_fn(point.x(), point.y())
        if not text:
            self._vline.hide()
            self.readout.hide()
            return
        self._vline.setPos(point.x())
        self._vline.show()
        self.readout.setText(text)
        (x0, x1), (y0, y1) = vb.viewRange()
        # beside the mouse, on the side with room: right of it in the left half, left of it in the right
        self.readout.setAnchor((-0.05 if point.x() < (x0 + x1) / 2 else 1.05, 1.2 if point.y() < (y0 + y1) / 2
                                else -0.2))
        self.readout.setPos(point.x(), point.y())
        self.readout.show()

    def clear_readout(self) -> None:
        """Hide the crosshair and its text (a reset, new weights, an export: no stale numbers)."""
        self._vline.hide()
        self.readout.hide()

    def readout_text(self) -> str:
        return self.readout.toPlainText() if self.readout.isVisible() else ""
