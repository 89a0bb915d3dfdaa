"""The network diagram: neurons in layers, weights as edges, live.

Edges are coloured by sign (blue positive, orange negative) and drawn thicker the larger their
magnitude; a toggle shows the weights w, their gradients ∂J/∂w, or their last updates (−α·∂J/∂w
for plain gradient descent). Hover a weight for its value, gradient and last update; hover a
neuron for its bias, pre-activation z and activation a for the selected sample; click a weight to
follow it in the trajectory plot. For 2-D inputs each hidden neuron shows a thumbnail of its
output over the input plane and the output neuron shows the decision map, as in TensorFlow
Playground. Networks too big to read (more than 8 weight layers or 16 neurons in a layer) are
summarised: one block per layer, one edge per weight matrix.

The same diagram is the stage of the backpropagation inspector (:meth:`NetworkView.show_trace`):
the layer of the current phase is highlighted and the numbers of the phase are written on the
neurons and, for small networks, on the edges.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...core.printing import number
from ..palette import BLUE, ORANGE, VERMILLION
from .base import LivePlot
from .trajectories import weight_label

MAX_LAYERS, MAX_NEURONS = 8, 16       # beyond either, layers are summarised as blocks
WIDTHS = (1.0, 2.0, 3.5, 5.5, 8.0)    # pixel widths of the magnitude classes
MODES = {"weights": "weights w", "gradients": "gradients ∂J/∂w", "updates": "last updates Δw"}
MAX_EDGE_LABELS = 40                  # write numbers on the edges only for networks this small


def _fmt(x: float) -> str:
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    return f"{x:.3g}".replace("-", "−")


class NetworkView(QWidget):
    weight_clicked = Signal(object)   # (layer, i, j), 0-based layer

    def __init__(self, parent=None, inspector: bool = False, toolbar: bool = True):
        super().__init__(parent)
        self.plot = LivePlot("Network: neurons and weights")
        self.plot.plot_item.hideAxis("left")
        self.plot.plot_item.hideAxis("bottom")
        self.plot.plot_item.showGrid(x=False, y=False)
        self.plot.plot_item.vb.setAspectLocked(True)
        self.plot.plot_item.vb.setMouseEnabled(x=False, y=False)
        self.plot.plot_item.setMenuEnabled(False)
        self.inspector = inspector
        self.mode = "weights"
        self.mode_box = QComboBox()
        for key, text in MODES.items():
            self.mode_box.addItem(text, key)
        self.mode_box.setToolTip("What each edge stands for: the weight w, its gradient ∂J/∂w (what backprop "
                                 "computed), or its last change Δw (what gradient descent did with the gradient: "
                                 "−α·∂J/∂w for plain descent). Colour is the sign, thickness the size.")
        self.mode_box.currentIndexChanged.connect(self._on_mode)
        top = QHBoxLayout()
        top.setContentsMargins(6, 0, 6, 0)
        show = QLabel("Edges show")
        show.setToolTip(self.mode_box.toolTip())
        top.addWidget(show)
        top.addWidget(self.mode_box)
        self.legend = QLabel(f"<span style='color:{BLUE}'>■</span> + &nbsp;<span style='color:{ORANGE}'>■</span> − "
                             "&nbsp;thicker = larger")
        self.legend.setToolTip("Blue edges are positive, orange negative; the thicker, the larger in size.")
        top.addWidget(self.legend)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if toolbar and not inspector:
            layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        # items
        self.edge_items = [[pg.PlotCurveItem(pen=pg.mkPen(color, width=w), connect="pairs") for w in WIDTHS]
                           for color in (BLUE, ORANGE)]
        for group in self.edge_items:
            for item in group:
                item.setZValue(0)
                self.plot.plot_item.addItem(item)
        self.highlight = pg.QtWidgets.QGraphicsRectItem()
        self.highlight.setBrush(pg.mkBrush(VERMILLION + "22"))
        self.highlight.setPen(pg.mkPen(VERMILLION, width=2))
        self.highlight.setZValue(-5)
        self.highlight.hide()
        self.plot.plot_item.addItem(self.highlight)
        self.chosen_edge = pg.PlotCurveItem(pen=pg.mkPen(VERMILLION, width=3, style=Qt.PenStyle.DashLine))
        self.chosen_edge.setZValue(3)
        self.plot.plot_item.addItem(self.chosen_edge)
        self.nodes = pg.ScatterPlotItem(pxMode=False)
        self.nodes.setZValue(5)
        self.plot.plot_item.addItem(self.nodes)
        self.thumbnails: list[list[pg.ImageItem]] = []
        self.texts: list[pg.TextItem] = []
        self.sizes: list[int] = []
        self.positions: list[np.ndarray] = []   # per layer: (k, 2) node centres
        self.summarised = False
        self.node_size = 0.3
        self.snapshot = None
        self.sample = None                      # [(z, a) per layer] of the selected sample
        self.maps = None
        self.input_labels: list[str] = []
        self.chosen: tuple[int, int, int] | None = None
        self._segments = np.empty((0, 2, 2))
        self._edge_ids: list[tuple[int, int, int]] = []
        self._dirty = False
        self.plot.set_readout(self._describe)
        self.plot.scene().sigMouseClicked.connect(self._on_click)

    # -- shape ---------------------------------------------------------------------------------
    def set_network(self, sizes: list[int], input_labels: list[str]) -> None:
        """Lay out a network with these layer sizes (inputs first)."""
        self.clear_layout()
        self.sizes = list(sizes)
        self.input_labels = list(input_labels)
        self.summarised = len(sizes) - 1 > MAX_LAYERS or max(sizes) > MAX_NEURONS
        L = len(sizes) - 1
        self.positions = []
        tallest = 1 if self.summarised else max(sizes)
        spacing = 1.8 / max(tallest - 1, 1) if tallest > 1 else 1.0
        spacing = min(spacing, 0.45)
        self.node_size = min(0.34, 0.75 * spacing) * (1.0 if not self.summarised else 1.5)
        for l, k in enumerate(sizes):
            n = 1 if self.summarised else k
            ys = (np.arange(n)[::-1] - (n - 1) / 2) * spacing
            self.positions.append(np.column_stack([np.full(n, l * 1.0), ys]))
        segs, ids = [], []
        for l in range(L):
            if self.summarised:
                segs.append([self.positions[l][0], self.positions[l + 1][0]])
                ids.append((l, -1, -1))
                continue
            for i, p in enumerate(self.positions[l]):
                for j, q in enumerate(self.positions[l + 1]):
                    segs.append([p, q])
                    ids.append((l, i, j))
        self._segments = np.array(segs, dtype=float).reshape(-1, 2, 2)
        self._edge_ids = ids
        for row in self.thumbnails:
            for image in row:
                self.plot.plot_item.removeItem(image)
        self.thumbnails = []
        self._clear_texts()
        self._draw_nodes()
        for l, k in enumerate(sizes):
            anchor_x = l * 1.0
            if l == 0:
                name = "inputs"
            elif l == L:
                name = "output"
            else:
                name = f"hidden {l}"
            label = pg.TextItem(f"{name}\n{k} neuron{'s' if k != 1 else ''}" if self.summarised else name,
                                anchor=(0.5, 0), color="#555555")
            top_y = -max(abs(self.positions[l][:, 1]).max(), 0.2) - 0.22
            label.setPos(anchor_x, top_y)
            self.plot.plot_item.addItem(label, ignoreBounds=True)
            self._layer_labels = getattr(self, "_layer_labels", []) + [label]
        if not self.summarised:
            for i, name in enumerate(input_labels[:sizes[0]]):
                text = pg.TextItem(name, anchor=(1.0, 0.5), color="#333333")
                text.setPos(self.positions[0][i][0] - 0.6 * self.node_size, self.positions[0][i][1])
                self.plot.plot_item.addItem(text, ignoreBounds=True)
                self._layer_labels.append(text)
        ymax = max(abs(p[:, 1]).max() for p in self.positions) + 0.45
        self.plot.plot_item.vb.setRange(xRange=(-0.45, L + 0.35), yRange=(-ymax, ymax), padding=0)
        self.plot.plot_item.vb.disableAutoRange()
        self.chosen = None
        self.chosen_edge.setData([], [])
        self._dirty = True

    def clear_layout(self) -> None:
        for label in getattr(self, "_layer_labels", []):
            self.plot.plot_item.removeItem(label)
        self._layer_labels = []

    def _draw_nodes(self, inputs_only: bool = False) -> None:
        """Neurons as circles (blocks when summarised); with thumbnails, only the inputs need one."""
        spots = []
        for l, pos in enumerate(self.positions):
            if inputs_only and l > 0:
                continue
            for p in pos:
                spots.append({"pos": tuple(p), "size": self.node_size,
                              "symbol": "s" if self.summarised else "o",
                              "brush": pg.mkBrush("#FFFFFF"), "pen": pg.mkPen("#333333", width=1.5)})
        self.nodes.setData(spots)

    # -- live data -----------------------------------------------------------------------------
    def set_snapshot(self, snapshot, sample=None, maps=None) -> None:
        """The run's weights, gradients and last update; a sample's (z, a); neuron output maps."""
        self.snapshot = snapshot
        if sample is not None:
            self.sample = sample
        if maps is not None:
            self.maps = maps
        self._dirty = True

    def edge_values(self) -> list[np.ndarray]:
        """Per layer, the (fan_in, fan_out) values the edges show in the current mode."""
        snap = self.snapshot
        if snap is None:
            return []
        if self.mode == "gradients":
            return snap.grad_weights
        if self.mode == "updates":
            return [u[:-1] for u in snap.last_update] if snap.last_update else [np.zeros_like(w) for w in snap.weights]
        return snap.weights

    def refresh(self) -> None:
        if not self._dirty or self.snapshot is None or not self.sizes:
            return
        self._dirty = False
        self._draw_edges(self.edge_values())
        self._draw_thumbnails()

    def _draw_edges(self, values: list[np.ndarray]) -> None:
        if self.summarised:
            flat = np.array([math.sqrt(float(np.mean(np.square(v)))) * (1 if np.mean(v) >= 0 else -1) for v in values])
        else:
            flat = np.concatenate([v.ravel() for v in values]) if values else np.empty(0)
        if len(flat) != len(self._segments):
            return
        magnitude = np.abs(flat)
        top = magnitude[np.isfinite(magnitude)].max() if np.isfinite(magnitude).any() else 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            level = np.where(np.isfinite(magnitude), magnitude / top if top > 0 else 0.0, 1.0)
        classes = np.minimum((level * len(WIDTHS)).astype(int), len(WIDTHS) - 1)
        for c, group in enumerate(self.edge_items):
            sign_ok = (flat >= 0) if c == 0 else (flat < 0)
            for w, item in enumerate(group):
                segs = self._segments[sign_ok & (classes == w)]
                if len(segs):
                    item.setData(segs[:, :, 0].ravel(), segs[:, :, 1].ravel(), connect="pairs")
                else:
                    item.setData([], [])

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

    # -- inspector -----------------------------------------------------------------------------------
    def _clear_texts(self) -> None:
        for text in self.texts:
            self.plot.plot_item.removeItem(text)
        self.texts = []

    def _text(self, text: str, pos, color: str = "#000000", anchor=(0.5, 0.5), bold: bool = False,
              small: bool = False) -> None:
        size = "font-size:8pt; " if small else ""
        html = f"<span style='{size}color:{color}; background-color:rgba(255,255,255,210)'>" \
               f"{'<b>' if bold else ''}{text}{'</b>' if bold else ''}</span>"
        item = pg.TextItem(html=html, anchor=anchor)
        item.setZValue(20)
        item.setPos(float(pos[0]), float(pos[1]))
        self.plot.plot_item.addItem(item, ignoreBounds=True)
        self.texts.append(item)

    def show_trace(self, trace, phase_index: int, chosen: tuple[int, int, int] | None = None) -> None:
        """Draw one phase of a :class:`~gdlab.core.backprop_trace.BackpropTrace`."""
        phase = trace.phases[phase_index]
        self._clear_texts()
        kind, layer = phase.kind, phase.layer
        if kind == "backward":
            values = trace.dW
        elif kind == "update":
            values = [wn - w for wn, w in zip(trace.W_new, trace.W)]
        else:
            values = trace.W
        self._draw_edges(values)
        if self.summarised:
            self.highlight.hide()
            return
        # the layer this phase is about
        if kind in ("forward", "backward", "cost"):
            pos = self.positions[layer]
            ys = pos[:, 1]
            self.highlight.setRect(QRectF(pos[0, 0] - 0.22, ys.min() - 0.2, 0.44, ys.max() - ys.min() + 0.4))
            self.highlight.show()
        else:
            self.highlight.hide()
        # numbers on the neurons
        if kind == "forward":
            v = trace.node_values(layer)
            for j, p in enumerate(self.positions[layer]):
                if layer == 0:
                    self._text(f"x = {_fmt(v['a'][j])}", (p[0], p[1] - 0.6 * self.node_size), anchor=(0.5, 0))
                else:
                    self._text(f"z = {_fmt(v['z'][j])}<br>a = {_fmt(v['a'][j])}", (p[0], p[1] - 0.6 * self.node_size),
                               anchor=(0.5, 0))
        elif kind == "cost":
            v = trace.node_values(layer)
            for j, p in enumerate(self.positions[layer]):
                y = trace.Y[:, j].mean()
                self._text(f"ŷ = {_fmt(v['a'][j])}<br>y = {_fmt(y)}", (p[0], p[1] - 0.6 * self.node_size),
                           anchor=(0.5, 0))
            self._text(f"J = {_fmt(trace.J)}", (self.positions[layer][0, 0] + 0.25, self.positions[layer][:, 1].max()),
                       color=VERMILLION, anchor=(0, 0.5), bold=True)
        elif kind == "backward":
            v = trace.node_values(layer)
            for j, p in enumerate(self.positions[layer]):
                self._text(f"δ = {_fmt(v['delta'][j])}", (p[0], p[1] - 0.6 * self.node_size),
                           color=VERMILLION, anchor=(0.5, 0))
        # numbers on the edges of small networks
        edges = sum(w.size for w in trace.W)
        if edges <= MAX_EDGE_LABELS and kind in ("backward", "update"):
            layers = [layer - 1] if kind == "backward" else range(trace.num_layers)
            for l in layers:
                W, dW, Wn = trace.W[l], trace.dW[l], trace.W_new[l]
                n_out = W.shape[1]
                for i in range(W.shape[0]):
                    for j in range(n_out):
                        p, q = self.positions[l][i], self.positions[l + 1][j]
                        # edges that leave one neuron are labelled at different distances along them
                        t = 0.3 + 0.4 * (j / (n_out - 1) if n_out > 1 else 0.5)
                        mid = p + (q - p) * t
                        if kind == "backward":
                            self._text(f"{_fmt(dW[i, j])}", mid, color="#444444", small=True)
                        else:
                            self._text(f"{_fmt(W[i, j])} {_signed(Wn[i, j] - W[i, j])} = {_fmt(Wn[i, j])}", mid,
                                       color="#444444", small=True)
        self.set_chosen(chosen)

    def set_chosen(self, wid: tuple[int, int, int] | None) -> None:
        """Mark one weight (the inspector's chain-rule weight)."""
        self.chosen = None if wid is None else tuple(wid)
        if self.chosen is None or self.summarised or self.chosen not in self._edge_ids:
            self.chosen_edge.setData([], [])
            return
        seg = self._segments[self._edge_ids.index(self.chosen)]
        self.chosen_edge.setData(seg[:, 0], seg[:, 1])

    # -- hover and click --------------------------------------------------------------------------------
    def _nearest(self, x: float, y: float) -> tuple[str, tuple[int, ...]] | None:
        """The neuron or edge under (x, y) in diagram units."""
        for l, pos in enumerate(self.positions):
            d = np.hypot(pos[:, 0] - x, pos[:, 1] - y)
            j = int(np.argmin(d))
            if d[j] < self.node_size * 0.6:
                return "node", (l, j)
        if not len(self._segments):
            return None
        a, b = self._segments[:, 0], self._segments[:, 1]
        ab = b - a
        t = np.clip(((x - a[:, 0]) * ab[:, 0] + (y - a[:, 1]) * ab[:, 1]) / np.maximum((ab ** 2).sum(axis=1), 1e-12),
                    0, 1)
        closest = a + t[:, None] * ab
        dist = np.hypot(closest[:, 0] - x, closest[:, 1] - y)
        k = int(np.argmin(dist))
        return ("edge", self._edge_ids[k]) if dist[k] < 0.03 else None

    def describe(self, x: float, y: float) -> str:
        """What is under (x, y), in words and numbers from the run."""
        hit = self._nearest(x, y)
        snap = self.snapshot
        if hit is None or snap is None:
            return ""
        kind, where = hit
        if kind == "edge":
            l, i, j = where
            if i < 0:
                W = snap.weights[l]
                rms = number(np.sqrt(np.mean(W ** 2)), 3)
                return f"W{l + 1}: {W.shape[0]}×{W.shape[1]} weights, root mean square {rms}"
            w, g = snap.weights[l][i, j], snap.grad_weights[l][i, j]
            upd = snap.last_update[l][i, j] if snap.last_update else 0.0
            return (f"{weight_label(where)}: w = {_fmt(w)}   ∂J/∂w = {_fmt(g)}   last update Δw = {_fmt(upd)}"
                    "   (click to follow it)")
        l, j = where
        if self.summarised:
            return f"layer {l}: {self.sizes[l]} neurons"
        if l == 0:
            name = self.input_labels[j] if j < len(self.input_labels) else f"x{j + 1}"
            return f"input {name}"
        b = snap.biases[l - 1][j]
        text = f"neuron {j + 1} of layer {l}: bias b = {_fmt(b)}"
        if self.sample is not None and l - 1 < len(self.sample):
            z, a = self.sample[l - 1]
            text += f"   for the selected sample: z = {_fmt(z[j])}, a = {_fmt(a[j])}"
        return text

    def _describe(self, x: float, y: float) -> str:
        return self.describe(x, y)

    @Slot(object)
    def _on_click(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.plot.plot_item.vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        hit = self._nearest(p.x(), p.y())
        if hit is not None and hit[0] == "edge" and hit[1][1] >= 0:
            self.weight_clicked.emit(tuple(hit[1]))

    def edge_point(self, wid: tuple[int, int, int], t: float = 0.5) -> tuple[float, float]:
        """A point on the edge of weight ``wid`` (for tests and for placing labels)."""
        seg = self._segments[self._edge_ids.index(tuple(wid))]
        p = seg[0] + t * (seg[1] - seg[0])
        return float(p[0]), float(p[1])

    @Slot(int)
    def _on_mode(self, index: int) -> None:
        self.mode = self.mode_box.itemData(index)
        self._dirty = True
        self.refresh()

    def set_mode(self, mode: str) -> None:
        self.mode_box.setCurrentIndex(list(MODES).index(mode))

    @property
    def edge_count(self) -> int:
        return len(self._segments)

    def apply_theme(self, theme) -> None:
        self.plot.apply_theme(theme)


def _signed(x: float) -> str:
    return ("− " if x < 0 else "+ ") + _fmt(abs(x))


_LUT = None


def _thumbnail_lut():
    """Orange (−1 or 0) through white to blue (+1): the colours of the data view."""
    global _LUT
    if _LUT is None:
        cmap = pg.ColorMap([0.0, 0.5, 1.0], [pg.mkColor(ORANGE), pg.mkColor("#FFFFFF"), pg.mkColor(BLUE)])
        _LUT = cmap.getLookupTable(nPts=256)
    return _LUT
