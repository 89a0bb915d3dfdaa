"""A cost surface of two weights as a filled contour map, with each run's path across it.

The bands are log-spaced (see :mod:`gdlab.core.surface.landscape`), so a plain bowl and Rosenbrock's
flat-bottomed valley are both readable; a colour bar gives each band's cost. Known minima are
stars, saddle points crosses. Each run has its colour, its trail, its current point and an arrow
for its next step (from w to the w the next update will give). Click to set the common start
point; drag to pan and wheel to zoom, and the contours are computed again for the new view.

The values come from the core: a ``grid_source(x_range, y_range) -> (xs, ys, Z)`` for analytic
surfaces, or :meth:`set_grid` with a grid the worker computed (a network's cost slice).
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from ...core.io.printing import number
from ...core.surface.contour import isoline
from ...core.surface.landscape import log_levels, signed_levels
from ..palette import BLUE, VERMILLION
from ..widget_builders import tight_column
from .base import LivePlot, make_curve, thin_older
from .framing import CAP, grown_range

BANDS = 14
MAX_PATH_POINTS = 3000  # a path is drawn through at most this many of its points (always the newest)

GridSource = Callable[[tuple[float, float], tuple[float, float]], tuple[np.ndarray, np.ndarray, np.ndarray]]


def _banded_colormap(name: str, bands: int) -> pg.ColorMap:
    """A colormap of ``bands`` flat steps (a filled contour map), sampled from a smooth one."""
    base = pg.colormap.get(name)
    colors = base.map(np.linspace(0.0, 1.0, bands), mode="byte")
    pos = np.repeat(np.linspace(0.0, 1.0, bands + 1), 2)[1:-1]
    return pg.ColorMap(pos, np.repeat(colors, 2, axis=0))


def _diverging_banded(bands: int) -> pg.ColorMap:
    """Blue below J = 0, white at it, vermillion above, in ``bands`` flat steps: a saddle's "down
    along one weight, up along the other" in two colours."""
    base = pg.ColorMap([0.0, 0.5, 1.0], [pg.mkColor(BLUE), pg.mkColor("#FFFFFF"), pg.mkColor(VERMILLION)])
    colors = base.map(np.linspace(0.0, 1.0, bands), mode="byte")
    pos = np.repeat(np.linspace(0.0, 1.0, bands + 1), 2)[1:-1]
    return pg.ColorMap(pos, np.repeat(colors, 2, axis=0))


class _RunItems:
    """What is drawn for one run: trail, current point, next-step arrow."""

    def __init__(self, plot: LivePlot, label: str, color: str):
        self.color = color
        self.path = make_curve(plot.pen(color, 0.9))
        self.dots = pg.ScatterPlotItem(size=4, brush=pg.mkBrush(color), pen=None)
        self.head = pg.ScatterPlotItem(size=13, brush=pg.mkBrush(color), pen=pg.mkPen("#000000", width=1.5))
        self.step = make_curve(pg.mkPen(color, width=2))
        self.arrow = pg.ArrowItem(headLen=12, tipAngle=35, brush=pg.mkBrush(color), pen=pg.mkPen("#000000"))
        for item in (self.path, self.dots, self.step, self.arrow, self.head):
            item.setZValue(10)
            plot.plot_item.addItem(item, ignoreBounds=True)
        self.head.setZValue(12)

    def remove(self, plot: LivePlot) -> None:
        for item in (self.path, self.dots, self.head, self.step, self.arrow):
            plot.plot_item.removeItem(item)


class ContourView(QWidget):
    start_chosen = Signal(object)   # [w1, w2]: the user clicked a new start point
    view_changed = Signal(object)   # ((x0, x1), (y0, y1)) after a pan or zoom settled

    def __init__(self, title: str = "Cost surface", parent=None):
        super().__init__(parent)
        self.plot = LivePlot(title)
        self.plot.set_labels("weight w₁", "weight w₂")
        self.plot.plot_item.vb.setAspectLocked(False)
        self.caption = QLabel()  # the formula and the runs' colours: a legend inside the map would hide it
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setContentsMargins(6, 0, 6, 2)
        tight_column(self, (self.plot, 1), self.caption)
        self.formula = ""
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-20)
        self.plot.plot_item.addItem(self.image, ignoreBounds=True)
        self.isolines = make_curve(pg.mkPen(0, 0, 0, 70, width=1))
        self.isolines.setZValue(-10)
        self.plot.plot_item.addItem(self.isolines, ignoreBounds=True)
        self.colormap_name = "viridis"
        self.signed = False        # levels and colours symmetric about J = 0 (surfaces with a saddle)
        self.colorbar = pg.ColorBarItem(values=(0, BANDS), colorMap=_banded_colormap("viridis", BANDS),
                                        interactive=False, colorMapMenu=False, width=14, label="cost J")
        self.colorbar.setImageItem(self.image, insert_in=self.plot.plot_item)
        self.markers = pg.ScatterPlotItem()
        self.markers.setZValue(15)
        self.plot.plot_item.addItem(self.markers, ignoreBounds=True)
        self.grid_source: GridSource | None = None
        self._limit = np.inf  # the view grows up to this |w| (framing.CAP × the surface's own range)
        self.surface_name = ""
        self.runs: list[_RunItems] = []
        self.labels: list[str] = []
        self.grid: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.levels = np.array([])
        self._paths: list[list[np.ndarray]] = []
        self._heads: np.ndarray | None = None
        self._next: np.ndarray | None = None
        self._moment_paths: np.ndarray | None = None  # the paths up to a moment the timeline shows
        self._dirty = False
        self._recompute = QTimer(self)
        self._recompute.setSingleShot(True)
        self._recompute.setInterval(120)
        self._recompute.timeout.connect(self._on_view_settled)
        self.plot.plot_item.vb.sigRangeChangedManually.connect(self._on_range_changed_manually)
        self._moment = pg.ScatterPlotItem(size=24, brush=pg.mkBrush(0, 0, 0, 0), pen=pg.mkPen("#D55E00", width=3))
        self._moment.setZValue(40)
        self.plot.plot_item.addItem(self._moment, ignoreBounds=True)
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        self.plot.set_readout(self._describe)

    # -- surface -----------------------------------------------------------------------------
    def set_surface(self, title: str, x_range, y_range, grid_source: GridSource | None,
                    minima=(), saddles=(), formula: str = "", name: str = "") -> None:
        """A new surface: its view, where its values come from, and its known minima."""
        self.surface_name = name
        self.plot.set_title(title)
        self.formula = formula
        self._update_caption()
        self.grid_source = grid_source
        vb = self.plot.plot_item.vb
        vb.setRange(xRange=x_range, yRange=y_range, padding=0)
        self._limit = CAP * max(abs(float(v)) for v in (*x_range, *y_range))
        spots = [{"pos": tuple(m), "symbol": "star", "size": 18, "brush": pg.mkBrush("#FFFFFF"),
                  "pen": pg.mkPen("#000000", width=1.2)} for m in minima]
        spots += [{"pos": tuple(m), "symbol": "x", "size": 14, "brush": pg.mkBrush("#000000"),
                   "pen": pg.mkPen("#000000")} for m in saddles]
        self.markers.setData(spots)
        signed = bool(saddles)   # a saddle goes below J = 0: colours centred on it
        if signed != self.signed:
            self.signed = signed
            self.colorbar.setColorMap(_diverging_banded(BANDS) if signed else
                                      _banded_colormap(self.colormap_name, BANDS))
        if grid_source is not None:
            self.set_grid(*grid_source(tuple(x_range), tuple(y_range)))

    def set_grid(self, xs: np.ndarray, ys: np.ndarray, Z: np.ndarray) -> None:
        """Draw J on a grid (rows are w₂): bands, contour lines and the colour bar's labels."""
        self.grid = (xs, ys, Z)
        levels = signed_levels(Z, BANDS - 1) if self.signed else log_levels(Z, BANDS - 1)
        self.levels = levels
        bands = np.searchsorted(levels, np.where(np.isfinite(Z), Z, np.inf)).astype(float)  # 0 … BANDS−1
        self.image.setImage(bands, levels=(0, BANDS), autoLevels=False)
        self.image.setRect(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0])
        segments = [isoline(xs, ys, Z, level) for level in levels]
        segs = np.concatenate(segments) if segments else np.empty((0, 2, 2))
        if len(segs):
            self.isolines.setData(segs[:, :, 0].ravel(), segs[:, :, 1].ravel(), connect="pairs")
        else:
            self.isolines.setData([], [])
        ticks = [(k + 1, _fmt(level)) for k, level in enumerate(levels) if k % 2 == 0 or len(levels) < 8]
        self.colorbar.axis.setTicks([ticks])

    # -- runs --------------------------------------------------------------------------------
    def set_runs(self, labels: list[str], colors: list[str]) -> None:
        for items in self.runs:
            items.remove(self.plot)
        self.labels = list(labels)
        self.runs = [_RunItems(self.plot, label, color) for label, color in zip(labels, colors)]
        self._paths = [[] for _ in labels]
        self._heads = self._next = None
        self._dirty = True
        self._update_caption()

    def relabel_runs(self, labels: list[str]) -> None:
        """The runs were renamed live (α or the optimiser changed): the legend says the new names."""
        self.labels = list(labels)
        self._update_caption()

    def _update_caption(self) -> None:
        self.caption.setText(runs_caption(self.formula, self.labels, [items.color for items in self.runs]))

    def append_paths(self, paths: np.ndarray, heads: np.ndarray, next_points: np.ndarray | None) -> None:
        """Rows of every run's path (m, K, 2), the current points (K, 2), the points after the next step."""
        self._heads, self._next = append_run_paths(self._paths, paths, heads, next_points)
        self._dirty = True

    def show_moment(self, points: np.ndarray | None, paths: np.ndarray | None = None) -> None:
        """Ring the runs' points at the iteration the timeline shows (None: the present). ``paths``
        (rows, K, 2): every run's path up to that moment, drawn instead of the whole path, each
        in its run's colour (a race replayed)."""
        self._moment_paths = None if points is None or paths is None else np.asarray(paths, dtype=float)
        self._dirty = True
        self.refresh()
        if points is None:
            self._moment.setData([], [])
            return
        p = np.asarray(points, dtype=float)
        self._moment.setData(p[:, 0], p[:, 1])

    def path(self, k: int) -> np.ndarray:
        """Run k's path so far (every point of a short run; a long one thinned in its older part)."""
        parts = self._paths[k]
        if len(parts) > 1:
            self._paths[k] = parts = thin_older([np.concatenate(parts)], 4 * MAX_PATH_POINTS)
        return parts[0] if parts else np.empty((0, 2))

    def refresh(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        self._follow()
        moment = self._moment_paths
        for k, items in enumerate(self.runs):
            p = self.path(k) if moment is None or k >= moment.shape[1] else moment[:, k, :2]
            if len(p) > MAX_PATH_POINTS:  # thin the old part, keep the recent part whole
                stride = int(np.ceil((len(p) - MAX_PATH_POINTS // 2) / (MAX_PATH_POINTS // 2)))
                p = np.concatenate([p[:-MAX_PATH_POINTS // 2:stride], p[-MAX_PATH_POINTS // 2:]])
            items.path.setData(p[:, 0], p[:, 1], connect="finite")
            finite = p[np.isfinite(p).all(axis=1)]
            items.dots.setData(finite[-200:, 0], finite[-200:, 1])
            if moment is not None:  # scrubbed back: the path ends at the moment's ring, no next step
                items.head.setData([], [])
                items.step.setData([], [])
                items.arrow.hide()
            elif self._heads is not None and np.isfinite(self._heads[k]).all():
                items.head.setData([self._heads[k, 0]], [self._heads[k, 1]])
                nxt = None if self._next is None else self._next[k]
                if nxt is not None and np.isfinite(nxt).all() and not np.allclose(nxt, self._heads[k]):
                    items.step.setData([self._heads[k, 0], nxt[0]], [self._heads[k, 1], nxt[1]])
                    dx, dy = self._screen_direction(self._heads[k], nxt)
                    items.arrow.setStyle(angle=180 - np.degrees(np.arctan2(dy, dx)))  # 0 points left
                    items.arrow.setPos(nxt[0], nxt[1])
                    items.arrow.show()
                else:
                    items.step.setData([], [])
                    items.arrow.hide()
            else:
                items.head.setData([], [])
                items.step.setData([], [])
                items.arrow.hide()

    def _follow(self) -> None:
        """Grow the view (and the contours with it) when a run's point or next point leaves its inner
        90 % (see :func:`~gdlab.gui.plots.framing.grown_range`)."""
        if self._heads is None or not len(self._heads) or self.grid_source is None:
            return  # (a network's slice has no source of values here: the worker computes it)
        points = self._heads if self._next is None else np.concatenate([self._heads, self._next])
        vb = self.plot.plot_item.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        new_x = grown_range(x0, x1, points[:, 0], self._limit)
        new_y = grown_range(y0, y1, points[:, 1], self._limit)
        if new_x is None and new_y is None:
            return
        x_range, y_range = new_x or (x0, x1), new_y or (y0, y1)
        vb.setRange(xRange=x_range, yRange=y_range, padding=0)
        if self.grid_source is not None:
            self.set_grid(*self.grid_source(x_range, y_range))

    def _screen_direction(self, a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
        """The step's direction on screen (axes may be scaled differently); y grows upwards."""
        vb = self.plot.plot_item.vb
        pa, pb = vb.mapViewToScene(pg.Point(*a)), vb.mapViewToScene(pg.Point(*b))
        return pb.x() - pa.x(), -(pb.y() - pa.y())

    # -- interaction -----------------------------------------------------------------------------
    @Slot(object)
    def _on_click(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        vb = self.plot.plot_item.vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        self.start_chosen.emit([float(p.x()), float(p.y())])

    def _on_range_changed_manually(self, *_args) -> None:
        self._recompute.start()

    @Slot()
    def _on_view_settled(self) -> None:
        (x0, x1), (y0, y1) = self.plot.plot_item.vb.viewRange()
        if self.grid_source is not None:
            self.set_grid(*self.grid_source((x0, x1), (y0, y1)))
        self.view_changed.emit(((x0, x1), (y0, y1)))

    def _describe(self, x: float, y: float) -> str:
        if self.grid is None:
            return ""
        xs, ys, Z = self.grid
        if not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
            return ""
        j = int(np.clip(np.searchsorted(xs, x), 0, len(xs) - 1))
        i = int(np.clip(np.searchsorted(ys, y), 0, len(ys) - 1))
        return f"w₁ = {number(x, 3)}, w₂ = {number(y, 3)}:  J ≈ {_fmt(Z[i, j])}"

    def apply_theme(self, theme) -> None:
        self.plot.apply_theme(theme)
        self.colorbar.axis.setPen(pg.mkPen(theme.foreground))
        self.colorbar.axis.setTextPen(pg.mkPen(theme.foreground))
        self.colormap_name = theme.surface_colormap
        self.colorbar.setColorMap(_diverging_banded(BANDS) if self.signed else
                                  _banded_colormap(theme.surface_colormap, BANDS))


def _fmt(value: float) -> str:
    return number(value, 3)


def runs_caption(formula: str, labels: list[str], colors: list[str]) -> str:
    """The caption under a cost surface: its formula, then each run's name in its colour."""
    parts = [f"<span style='color:{color}; font-weight:bold'>● {_html(label)}</span>"
             for label, color in zip(labels, colors)]
    head = f"J(w) = {_html(formula)}&nbsp;&nbsp;&nbsp;" if formula else ""
    return head + "&nbsp;&nbsp;".join(parts)


def append_run_paths(store: list[list[np.ndarray]], paths: np.ndarray, heads: np.ndarray,
                     next_points: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Add rows of every run's path (m, K, 2) to ``store`` (one list of parts per run); returns the
    current points (K, 2) and the points after the next step, as float arrays."""
    for k in range(len(store)):
        if len(paths):
            store[k].append(np.asarray(paths[:, k, :2], dtype=float))
    return np.asarray(heads, dtype=float), None if next_points is None else np.asarray(next_points, dtype=float)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
