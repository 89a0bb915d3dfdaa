"""How the network diagram draws its edges (:class:`NetworkEdges`, a base of
:class:`~gdlab.gui.plots.network_view.NetworkView`): coloured by sign (blue positive, orange
negative) and thicker the larger their magnitude, or, for gradients, one colour per decade of
|∂J/∂w| on a scale shared by every layer; the legend that says which; and the thumbnails of each
hidden neuron's output over the input plane.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from ..palette import BLUE, ORANGE
from .network_layout import DECADE_COLORS, DECADES, TILE_BLOCK, decade, decade_classes, edge_style

WIDTHS = (1.0, 2.0, 3.5, 5.5, 8.0)    # pixel widths of the magnitude classes


class NetworkEdges:
    """Drawing the edges, the legend and the thumbnails; the view supplies the layout (``positions``,
    ``_segments``, ``summarised``…), the edge items, ``legend``, ``maps`` and ``_draw_nodes``."""

    plot: Any
    legend: Any
    tiles_side: float

    def _style_edges(self) -> None:
        """Thinner, fainter edges the more there are, so neurons stay visible through them."""
        factor, alpha = edge_style(len(self._segments))
        for color, group in zip((BLUE, ORANGE), self.edge_items):
            for w, item in zip(WIDTHS, group):
                c = pg.mkColor(color)
                c.setAlpha(alpha)
                item.setPen(pg.mkPen(c, width=max(0.8, w * factor)))
        for k, (color, item) in enumerate(zip(DECADE_COLORS, self.decade_items)):
            item.setPen(pg.mkPen(color, width=max(0.8, (1.0 + 1.2 * k) * factor)))

    def _flat(self, values: list[np.ndarray]) -> np.ndarray:
        if self.summarised:
            return np.array([math.sqrt(float(np.mean(np.square(v)))) * (1 if np.mean(v) >= 0 else -1)
                             for v in values])
        return np.concatenate([v.ravel() for v in values]) if values else np.empty(0)

    def _draw_edges(self, values: list[np.ndarray], log_scale: bool = False) -> None:
        """Edges by sign and size; with ``log_scale`` (gradients) by decade of |value|, all layers alike."""
        flat = self._flat(values)
        if len(flat) != len(self._segments):
            return
        if log_scale:
            classes, top = decade_classes(flat)
            groups = [(item, classes == c) for c, item in enumerate(self.decade_items)]
            for item in self.edge_items[0] + self.edge_items[1]:
                item.setData([], [])
        else:
            magnitude = np.abs(flat)
            peak = magnitude[np.isfinite(magnitude)].max() if np.isfinite(magnitude).any() else 0.0
            with np.errstate(invalid="ignore", divide="ignore"):
                level = np.where(np.isfinite(magnitude), magnitude / peak if peak > 0 else 0.0, 1.0)
            classes = np.minimum((level * len(WIDTHS)).astype(int), len(WIDTHS) - 1)
            groups = [(item, ((flat >= 0) if c == 0 else (flat < 0)) & (classes == w))
                      for c, group in enumerate(self.edge_items) for w, item in enumerate(group)]
            for item in self.decade_items:
                item.setData([], [])
            top = None
        for item, mask in groups:
            segs = self._segments[mask]
            if len(segs):
                item.setData(segs[:, :, 0].ravel(), segs[:, :, 1].ravel(), connect="pairs")
            else:
                item.setData([], [])
        if top != self.scale_top:
            self.scale_top = top
            self._show_legend()

    def _show_legend(self) -> None:
        """Sign and size, or the decades of the shared gradient scale."""
        if self.scale_top is None:
            self.legend.setText(f"<span style='color:{BLUE}'>■</span> + &nbsp;<span style='color:{ORANGE}'>■"
                                "</span> − &nbsp;thicker = larger")
            self.legend.setToolTip("Blue edges are positive, orange negative; the thicker, the larger in size.")
            return
        low = self.scale_top - DECADES
        parts = [f"<span style='color:{c}'>■</span>&nbsp;{'&lt;' + decade(low + 1) if k == 0 else decade(low + k)}"
                 for k, c in enumerate(DECADE_COLORS)]
        self.legend.setText("|∂J/∂w| " + " &nbsp;".join(parts))
        self.legend.setToolTip("Gradient edges: one colour per decade of |∂J/∂w|, each from the power of ten "
                               f"shown up to the next (the palest: below {decade(low + 1)}; the largest below "
                               f"{decade(self.scale_top)}), one scale for all layers, so a layer whose gradients "
                               "vanish looks pale.")

    def _draw_thumbnails(self) -> None:
        maps = self.maps
        if maps is None or self.summarised:
            return
        if not self.thumbnails:
            for l in range(1, len(self.sizes)):
                row = []
                for _ in self.positions[l]:
                    image = pg.ImageItem(axisOrder="row-major")
                    image.setZValue(6)
                    self.plot.plot_item.addItem(image, ignoreBounds=True)
                    row.append(image)
                self.thumbnails.append(row)
            self._draw_nodes(inputs_only=True)  # the thumbnails are the other neurons
        lut = _thumbnail_lut()
        for l, row in enumerate(self.thumbnails):
            if l >= len(maps):
                break
            for j, image in enumerate(row):
                m = np.nan_to_num(maps[l][j], nan=0.0)
                lo, hi = (0.0, 1.0) if np.all((m >= 0) & (m <= 1)) else (-1.0, 1.0)
                image.setImage(m, levels=(lo, hi), lut=lut)
                p = self.positions[l + 1][j]  # after setImage: the rect scales by the image's size
                size = self.node_size
                image.setRect(QRectF(p[0] - size / 2, p[1] - size / 2, size, size))


    def _draw_weight_images(self) -> None:
        """Image data, a summarised diagram: in the first layer's block, one tile per neuron, its
        incoming weights from the pixels laid out as the image (the core's ``weight_images``), each on
        its own scale: orange −max|w| through white 0 to blue +max|w| of that neuron's weights."""
        images = self.weight_images
        if images is None or not self.summarised or len(self.positions) < 2:
            for tile in self.weight_tiles:
                tile.hide()
            self._set_tiles_side(0.0)
            return
        self._set_tiles_side(TILE_BLOCK)
        if not self.inspector:
            self.plot.set_title("Layer 1: each tile is a neuron's incoming weights (blue +, orange −)")
        count = len(images)
        if len(self.weight_tiles) != count:
            for tile in self.weight_tiles:
                self.plot.plot_item.removeItem(tile)
            self.weight_tiles = []
            for _ in range(count):
                tile = pg.ImageItem(axisOrder="row-major")
                tile.setZValue(6)
                self.plot.plot_item.addItem(tile, ignoreBounds=True)
                self.weight_tiles.append(tile)
        cols = int(np.ceil(np.sqrt(count)))
        grid_rows = int(np.ceil(count / cols))
        cell = self.tiles_side / max(cols, grid_rows)
        centre = self.positions[1][0]
        top = centre[1] + grid_rows * cell / 2
        left = centre[0] - cols * cell / 2
        finite = np.nan_to_num(images, nan=0.0, posinf=0.0, neginf=0.0)
        lut = _thumbnail_lut()
        for k, tile in enumerate(self.weight_tiles):
            r, c = divmod(k, cols)
            scale = float(np.abs(finite[k]).max()) or 1.0
            tile.setImage(finite[k][::-1], levels=(-scale, scale), lut=lut)   # image row 0 at the top
            tile.setRect(QRectF(left + c * cell + 0.04 * cell, top - (r + 1) * cell + 0.04 * cell,
                                0.92 * cell, 0.92 * cell))
            tile.show()

    def _set_tiles_side(self, side: float) -> None:
        """The first hidden block drawn ``side`` wide (0: as the others); the labels make room for it."""
        if side != self.tiles_side:
            self.tiles_side = side
            self._draw_nodes()
            self._place_timer.start()


_LUT = None


def _thumbnail_lut():
    """Orange (−1 or 0) through white to blue (+1): the colours of the data view."""
    global _LUT
    if _LUT is None:
        cmap = pg.ColorMap([0.0, 0.5, 1.0], [pg.mkColor(ORANGE), pg.mkColor("#FFFFFF"), pg.mkColor(BLUE)])
        _LUT = cmap.getLookupTable(nPts=256)
    return _LUT
