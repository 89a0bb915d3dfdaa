"""The data view: the training points with what the network makes of them, live.

* two classes: the network's output P(class 1) as a background map (orange = 0, blue = 1), the
  decision boundary P = 0.5 as a line;
* three or more classes: each class's colour mixed by the softmax probabilities;
* regression: the points and the fitted curve ŷ(x);
* more than two inputs (no map: it means something for two inputs only): image data as a gallery
  of test images with their predicted classes (:mod:`~gdlab.gui.plots.data_gallery`), other data
  on their first two principal components, each point coloured by its predicted class, a wrong
  prediction drawn as a cross.

Training points are filled, held-out test points are hollow. The network's output over the
plane is computed by the worker (``NetworkRun.view_data``); this view only colours it in.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import QGraphicsItem

from ..palette import BLUE, ORANGE, class_color
from .base import LivePlot, make_curve
from .data_gallery import Gallery

POINT_OUTLINE = "#1A1A1A"   # dark against the map's colours and white alike
_BINARY_MAP = pg.ColorMap([0.0, 0.5, 1.0], [pg.mkColor(ORANGE), pg.mkColor("#FFFFFF"), pg.mkColor(BLUE)])


def _class_rgb(n: int) -> np.ndarray:
    return np.array([pg.mkColor(class_color(c)).getRgb()[:3] for c in range(n)], dtype=float)


class DataView(LivePlot):
    aspect_changed = Signal(float)   # the plot area's width : height, when it changes by more than 3 %

    def __init__(self, parent=None):
        super().__init__("Data and decision boundary", parent)
        self.set_labels("x₁", "x₂")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-20)
        self.image.setOpacity(0.75)
        self.plot_item.addItem(self.image)
        self.boundary = make_curve(pg.mkPen("#333333", width=1))
        self.boundary.setZValue(5)
        self.plot_item.addItem(self.boundary)
        # points over the decision map, which has their colours: a dark outline sets each apart from
        # a region of its own class (on screen and in print); test points are hollow rings of their
        # class's colour on a dark halo
        self.train_points = pg.ScatterPlotItem(size=8, pen=pg.mkPen(POINT_OUTLINE, width=1.2))
        self.test_halo = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(0, 0, 0, 0),
                                            pen=pg.mkPen(POINT_OUTLINE, width=3.6))
        self.test_points = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(0, 0, 0, 0))
        self.fit_curve = make_curve(self.pen(BLUE, 1.25))
        for item in (self.train_points, self.test_halo, self.test_points, self.fit_curve):
            self.plot_item.addItem(item)
        for item in (self.train_points, self.test_halo, self.test_points):
            # the points stay put while the network learns: Qt redraws them from a pixmap, not Python
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.task = "binary"
        self._map: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._curve: tuple[np.ndarray, np.ndarray] | None = None
        self._dirty = False
        self.keep_range = False  # True while points are drawn (DrawTool): new data leaves the view's range alone
        self.aspect = 0.0
        self._map_rect: QRectF | None = None
        self.gallery = Gallery(self)
        self._gallery: dict | None = None
        self._projection: dict | None = None
        self._refit = False
        self.plot_item.vb.sigResized.connect(self._on_resized)
        self.set_readout(None)

    # -- data --------------------------------------------------------------------------------
    def set_data(self, X: np.ndarray, targets: np.ndarray, task: str) -> None:
        """The training points: class ids (classification) or target values (regression)."""
        self.task = task
        self._map, self._curve = None, None
        self.image.clear()
        self.boundary.setData([], [])
        self._segments = None
        self.fit_curve.setData([], [])
        self.gallery.clear()
        self._gallery, self._projection = None, None
        for axis in ("left", "bottom"):
            self.plot_item.showAxis(axis, X.shape[1] <= 2)
        if X.shape[1] > 2:  # a gallery or a projection follows (set_gallery, set_projection)
            self.plot_item.vb.setAspectLocked(True)
            self.set_title("Data")
            self.train_points.setData([], [])
            self._refit = True
        elif X.shape[1] == 1:
            self.set_title("Data and fitted curve ŷ(x)")
            self.set_labels("input x", "target y")
            self.train_points.setData(X[:, 0], targets, brush=pg.mkBrush(ORANGE), symbol="o")
            self.plot_item.vb.setAspectLocked(False)
        else:
            self.plot_item.vb.setAspectLocked(True)  # a circle in the data looks like a circle
            self.set_title("Data and decision boundary")
            self.set_labels("x₁", "x₂")
            self.train_points.setData(X[:, 0], X[:, 1], brush=self._brushes(targets), symbol="o")
        self.test_points.setData([], [])
        self.test_halo.setData([], [])
        if not self.keep_range:
            self.plot_item.enableAutoRange()
        self._dirty = True

    def set_test_data(self, X: np.ndarray, targets: np.ndarray) -> None:
        if len(X) == 0 or X.shape[1] > 2:
            self.test_points.setData([], [])
            self.test_halo.setData([], [])
        elif X.shape[1] == 1:
            self.test_points.setData(X[:, 0], targets, pen=pg.mkPen(ORANGE, width=1.5), symbol="o")
            self.test_halo.setData([], [])
        else:
            pens = [pg.mkPen(class_color(int(t)), width=1.8) for t in targets]
            self.test_halo.setData(X[:, 0], X[:, 1], symbol="o")
            self.test_points.setData(X[:, 0], X[:, 1], pen=pens, symbol="o")

    def _brushes(self, targets: np.ndarray) -> list:
        return [pg.mkBrush(class_color(int(t))) for t in targets]

    def set_map(self, xs: np.ndarray, ys: np.ndarray, Z: np.ndarray, task: str,
                boundary: np.ndarray | None = None) -> None:
        """The network's output on a grid: (ny, nx) for one output, (ny, nx, C) for softmax; the
        decision boundary as line segments (m, 2, 2), computed by the worker."""
        self._map = (xs, ys, Z)
        self._segments = boundary
        self.task = task
        self._dirty = True

    def set_gallery(self, gallery: dict) -> None:
        """Image data: the core's gallery (images, true and predicted classes), drawn at the next refresh."""
        self._gallery = gallery
        self._dirty = True

    def set_projection(self, projection: dict) -> None:
        """More than two features: the points on the first two principal components (the core's
        projection), coloured by their predicted classes (``projection["predicted"]``)."""
        self._projection = projection
        self._dirty = True

    def set_curve(self, x: np.ndarray, y_hat: np.ndarray) -> None:
        self._curve = (x, y_hat)
        self._dirty = True

    def _on_resized(self, *_vb) -> None:
        vb = self.plot_item.vb
        if vb.height() > 10 and vb.width() > 10:
            aspect = vb.width() / vb.height()
            if abs(aspect - self.aspect) > 0.03 * max(aspect, self.aspect):
                self.aspect = aspect
                self.aspect_changed.emit(aspect)
            if self._gallery is not None:
                self._dirty = True   # the labels that fit are measured again

    # -- drawing -------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        if self._gallery is not None:
            self.gallery.show(self._gallery, self._refit and not self.keep_range)
            self.gallery.place_labels()
            self._refit = False
        elif self._projection is not None:
            self._draw_projection()
        if self._map is not None:
            xs, ys, Z = self._map
            rect = QRectF(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0])
            finite = np.nan_to_num(Z, nan=0.5, posinf=1.0, neginf=0.0)
            if Z.ndim == 2 and self.task == "binary":
                self.image.setImage(finite, levels=(0.0, 1.0), lut=_BINARY_MAP.getLookupTable(nPts=256))
            elif Z.ndim == 3:
                # each class's colour weighted by its probability, lightened towards white where unsure
                rgb = finite @ _class_rgb(Z.shape[2])
                confidence = finite.max(axis=2, keepdims=True)
                white = 255.0 * (1.0 - confidence)
                img = np.clip(rgb * confidence + white, 0, 255).astype(np.ubyte)
                self.image.setImage(img, levels=(0, 255))
            else:
                self.image.setImage(finite, autoLevels=True)
            self.image.setRect(rect)
            if rect != self._map_rect and not self.keep_range:
                # the map (spanned by the worker to this view's shape) fills the view
                self.plot_item.vb.setRange(rect, padding=0)
            self._map_rect = rect
            segs = self._segments
            if segs is not None and len(segs):
                self.boundary.setData(segs[:, :, 0].ravel(), segs[:, :, 1].ravel(), connect="pairs")
            else:
                self.boundary.setData([], [])
        if self._curve is not None:
            x, y = self._curve
            self.fit_curve.setData(x, y, connect="finite")

    def _draw_projection(self) -> None:
        p = self._projection
        assert p is not None
        self.set_title("Principal components 1 and 2; colour: predicted class, × wrong")
        self.set_labels(*p["labels"])
        predicted = p.get("predicted")
        for k, (points, item) in enumerate(((p["train"], self.train_points), (p["test"], self.test_points))):
            part = "train" if k == 0 else "test"
            true = p["true"][part]
            shown = true if predicted is None else predicted[part]
            symbols = ["o" if predicted is None or s == t else "x" for s, t in zip(shown, true)]
            if k == 0:
                item.setData(points[:, 0], points[:, 1], brush=self._brushes(shown), symbol=symbols)
            else:
                pens = [pg.mkPen(class_color(int(c)), width=1.8) for c in shown]
                self.test_halo.setData(points[:, 0], points[:, 1], symbol=symbols)
                item.setData(points[:, 0], points[:, 1], pen=pens, symbol=symbols)
        if self._refit and not self.keep_range:
            self.plot_item.enableAutoRange()
            self._refit = False

    def apply_theme(self, theme) -> None:
        super().apply_theme(theme)
        if hasattr(self, "fit_curve"):
            self.fit_curve.setPen(self.pen(BLUE, 1.25))
            self.boundary.setPen(pg.mkPen(theme.neutral, width=1))
