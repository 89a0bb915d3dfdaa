"""The cost surface with each run's path: J(w) as a curve (one weight) or a shaded map (two weights).

It only draws what the worker computed: the surface values come in the first frame of a run,
the paths in every frame after.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from ...core.history import History


class SurfaceView(pg.PlotWidget):
    def __init__(self, parent=None):
        super().__init__(parent, background="w")
        self.setTitle("Cost surface and descent paths")
        self.showGrid(x=True, y=True, alpha=0.15)
        self._history: History | None = None
        self._dim = 1
        self._items: list[Any] = []
        self._paths: list[pg.PlotDataItem] = []
        self._heads: list[pg.ScatterPlotItem] = []
        self._current: np.ndarray | None = None
        self._dirty = False

    def set_surface(self, view: dict[str, Any], labels: list[str], colors: list[str]) -> None:
        """Draw the surface (from the worker's ``view_data``) and make one path per run."""
        plot = self.getPlotItem()
        plot.clear()
        if plot.legend is not None:
            plot.legend.scene().removeItem(plot.legend)
            plot.legend = None
        plot.addLegend(offset=(-10, 10), labelTextSize="10pt")
        self._dim = view["dim"]
        self.setTitle(f"{view['title']}:  J(w) = {view['formula']}")
        if self._dim == 1:
            w, J = view["curve"]
            plot.plot(w, J, pen=pg.mkPen("#444444", width=2), connect="finite")
            plot.setLabel("bottom", "weight w")
            plot.setLabel("left", "cost J(w)")
            self.setAspectLocked(False)
        else:
            xs, ys, _ = view["grid"]
            image = pg.ImageItem(axisOrder="row-major")
            image.setImage(view["shading"], autoLevels=True)
            image.setColorMap(pg.colormap.get("viridis"))
            image.setRect(QRectF(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0]))
            image.setOpacity(0.85)
            plot.addItem(image)
            plot.setLabel("bottom", "weight w₁")
            plot.setLabel("left", "weight w₂")
            for m in view["minima"]:
                plot.addItem(pg.ScatterPlotItem([m[0]], [m[1]], symbol="star", size=16,
                                                brush=pg.mkBrush("#FFFFFF"), pen=pg.mkPen("#000000")))
        self._paths, self._heads = [], []
        for label, color in zip(labels, colors):
            path = plot.plot([], [], pen=pg.mkPen(color, width=2), symbol="o", symbolSize=5,
                             symbolBrush=color, symbolPen=None, name=label, connect="finite")
            head = pg.ScatterPlotItem(size=14, brush=pg.mkBrush(color), pen=pg.mkPen("#000000", width=1.5))
            plot.addItem(head)
            self._paths.append(path)
            self._heads.append(head)
        self._history = None
        self._dirty = True

    def append(self, snapshot) -> None:
        """Store the rows of a surface snapshot (paths and costs)."""
        if self._history is None or snapshot.start == 0:
            k, d = snapshot.w.shape
            self._history = History({"costs": (k,), "paths": (k, d)})
        for row in range(len(snapshot.iterations)):
            i = self._history.next_row()
            self._history.column("costs")[i] = snapshot.costs[row]
            self._history.column("paths")[i] = snapshot.paths[row]
        self._dirty = True

    def refresh(self) -> None:
        if not self._dirty or self._history is None:
            return
        self._dirty = False
        paths = self._history.view("paths")
        costs = self._history.view("costs")
        for k, (path, head) in enumerate(zip(self._paths, self._heads)):
            if self._dim == 1:
                x, y = paths[:, k, 0], costs[:, k]
            else:
                x, y = paths[:, k, 0], paths[:, k, 1]
            finite = np.isfinite(x) & np.isfinite(y)
            path.setData(x.copy(), y.copy(), connect="finite")
            if finite.any():
                last = np.flatnonzero(finite)[-1]
                head.setData([x[last]], [y[last]])
