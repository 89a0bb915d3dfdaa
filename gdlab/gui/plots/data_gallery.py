"""The data view for image data: a gallery of test images, each with the class the network
predicts for it, live; a misclassified image is framed in vermillion and says what it really is.

The images, the true and the predicted classes come from the core
(:func:`gdlab.core.run.data_pictures.gallery`); this module only lays them out: a grid of
:data:`COLUMNS` tiles in plot units (a tile is one unit a pixel), a label under each, and the
labels that would cover one another hidden (:func:`~gdlab.gui.plots.labels.hide_colliding`).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg

from ..palette import VERMILLION
from .labels import hide_colliding

COLUMNS = 8
GAP, LABEL_ROOM = 3.0, 3.5     # between tiles, and under each for its label, in pixel units
MAX_NAME = 6                   # a class name is cut to this many characters under a tile
INK = pg.ColorMap([0.0, 1.0], [pg.mkColor("#FFFFFF"), pg.mkColor("#111111")])  # 0 paper, 1 ink


def _name(names: list[str], c: int) -> str:
    text = names[c] if 0 <= c < len(names) else str(c)
    return text if len(text) <= MAX_NAME else text[:MAX_NAME - 1] + "…"


class Gallery:
    """The gallery's items inside a data view's plot (hidden while the view shows points)."""

    def __init__(self, view) -> None:
        self.view = view
        self.tiles: list[pg.ImageItem] = []
        self.frames: list[pg.PlotCurveItem] = []
        self.labels: list[pg.TextItem] = []
        self.shape: tuple[int, int] | None = None
        self.active = False

    def _tile_origin(self, k: int, rows: int, cols: int) -> tuple[float, float]:
        r, c = divmod(k, COLUMNS)
        return c * (cols + GAP), -r * (rows + GAP + LABEL_ROOM) - rows

    def _ensure(self, count: int, rows: int, cols: int) -> None:
        if len(self.tiles) == count and self.shape == (rows, cols):
            return
        self.clear()
        plot = self.view.plot_item
        self.shape = (rows, cols)
        for k in range(count):
            x, y = self._tile_origin(k, rows, cols)
            tile = pg.ImageItem(axisOrder="row-major")
            frame = pg.PlotCurveItem([x - 0.4, x + cols + 0.4, x + cols + 0.4, x - 0.4, x - 0.4],
                                     [y - 0.4, y - 0.4, y + rows + 0.4, y + rows + 0.4, y - 0.4])
            label = pg.TextItem("", anchor=(0.5, 0))
            label.setPos(x + cols / 2, y - 0.3)
            for item in (tile, frame, label):
                plot.addItem(item)
            self.tiles.append(tile)
            self.frames.append(frame)
            self.labels.append(label)

    def clear(self) -> None:
        for item in (*self.tiles, *self.frames, *self.labels):
            self.view.plot_item.removeItem(item)
        self.tiles, self.frames, self.labels = [], [], []
        self.shape = None
        self.active = False

    def show(self, data: dict[str, Any], refit: bool) -> None:
        """Draw ``data`` (the core's gallery): the images, and under each its predicted class, the
        wrong ones framed and with the true class in brackets."""
        images = data["images"]
        count, rows, cols = images.shape
        self._ensure(count, rows, cols)
        self.active = True
        names = list(data["class_names"])
        theme = self.view.theme
        for k in range(count):
            # row 0 of an image is its top: drawn at the top of its tile (plot y grows upwards)
            self.tiles[k].setImage(images[k][::-1], levels=data["levels"], lut=INK.getLookupTable(nPts=64))
            self.tiles[k].setRect(*self._tile_origin(k, rows, cols), cols, rows)   # after the image: its scale
            wrong = bool(data["wrong"][k])
            predicted = _name(names, int(data["predicted"][k]))
            text = f"{predicted} (is {_name(names, int(data['true'][k]))})" if wrong else predicted
            self.labels[k].setText(text, color=VERMILLION if wrong else theme.foreground)
            self.frames[k].setPen(pg.mkPen(VERMILLION, width=2.5) if wrong else pg.mkPen(theme.foreground, width=0.5))
        wrong_count = int(np.count_nonzero(data["wrong"]))
        part = "test" if data["part"] == "test" else "training"
        self.view.set_title(f"Predicted class of {count} {part} images: {wrong_count} wrong (framed)")
        if refit:
            last_x, last_y = self._tile_origin(count - 1, rows, cols)
            width = min(count, COLUMNS) * (cols + GAP) - GAP
            self.view.plot_item.vb.setRange(xRange=(-1, width + 1), yRange=(last_y - LABEL_ROOM - 1, 1), padding=0)

    def place_labels(self) -> None:
        """Hide the labels that would cover another one (a small view); the rest show."""
        if self.active:
            hide_colliding(list(self.labels), self.view)
