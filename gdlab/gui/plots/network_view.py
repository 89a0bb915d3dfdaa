"""The network diagram: neurons in layers, weights as edges, live.

Edges are coloured by sign (blue positive, orange negative) and drawn thicker the larger their
magnitude; a toggle shows the weights w, their gradients ∂J/∂w, or their last updates (−α·∂J/∂w
for plain gradient descent). Gradients span decades (a deep sigmoid network's first layer gets a
thousandth of its last layer's), so they are coloured on one logarithmic scale shared by every
layer: a colour per decade of |∂J/∂w|, never rescaled per layer, and the vanishing shows as pale
first layers. Hover a weight for its value, gradient and last update; hover a neuron for its bias,
pre-activation z and activation a for the selected sample; click a weight to follow it in the
trajectory plot. For 2-D inputs each hidden neuron shows a thumbnail of its output over the input
plane and the output neuron shows the decision map, as in TensorFlow Playground. Networks too big
to read (more than 8 weight layers or 16 neurons in a layer) are summarised: one block per layer,
one edge per weight matrix. How the edges are drawn is :mod:`~gdlab.gui.plots.network_edges`.

The same diagram is the stage of the backpropagation inspector (:meth:`NetworkView.show_trace`):
the layer of the current phase is highlighted and its numbers are written beside its neurons where
they fit (:func:`~gdlab.gui.plots.labels.hide_colliding`; the inspector's table has them all).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ...core.io.printing import number
from ..accessibility import label_for
from ..palette import BLUE, LIGHT, ORANGE, VERMILLION, Theme
from .base import LivePlot
from .diagram_labels import place_labels
from .inspector_diagram import draw_phase
from .network_edges import WIDTHS, NetworkEdges
from .network_layout import DECADE_COLORS, DECADES, _fmt, decade, decade_classes, layout, nearest
from .trajectories import weight_label

__all__ = ["DECADES", "MAX_LAYERS", "MAX_NEURONS", "MODES", "WIDTHS", "NetworkView", "decade", "decade_classes"]

MAX_LAYERS, MAX_NEURONS = 8, 16       # beyond either, layers are summarised as blocks
MODES = {"weights": "weights w", "gradients": "gradients ∂J/∂w", "updates": "last updates Δw"}

class NetworkView(NetworkEdges, QWidget):
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
        self.theme: Theme = LIGHT
        self.mode = "weights"
        self.mode_box = QComboBox()
        for key, text in MODES.items():
            self.mode_box.addItem(text, key)
        self.mode_box.setToolTip("What each edge stands for: the weight w, its gradient ∂J/∂w (what backprop "
                                 "computed), or its last change Δw (what gradient descent did with the gradient: "
                                 "−α·∂J/∂w for plain descent). Weights and changes: colour is the sign, thickness "
                                 "the size. Gradients: one colour per decade of |∂J/∂w|, the same scale for "
                                 "every layer.")
        self.mode_box.currentIndexChanged.connect(self._on_mode)
        top = QHBoxLayout()
        top.setContentsMargins(6, 0, 6, 0)
        show = QLabel("Edges show")
        show.setToolTip(self.mode_box.toolTip())
        label_for(show, self.mode_box)
        top.addWidget(show)
        top.addWidget(self.mode_box)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens a pane
        self.legend.setWordWrap(True)
        top.addWidget(self.legend, 1)
        layout_ = QVBoxLayout(self)
        layout_.setContentsMargins(0, 0, 0, 0)
        layout_.setSpacing(2)
        if toolbar and not inspector:
            layout_.addLayout(top)
        elif inspector:
            self.legend.setContentsMargins(6, 0, 6, 0)
            layout_.addWidget(self.legend)
        layout_.addWidget(self.plot, 1)
        # items
        self.edge_items = [[pg.PlotCurveItem(pen=pg.mkPen(color, width=w), connect="pairs") for w in WIDTHS]
                           for color in (BLUE, ORANGE)]
        self.decade_items = [pg.PlotCurveItem(pen=pg.mkPen(c), connect="pairs") for c in DECADE_COLORS]
        for item in [*self.edge_items[0], *self.edge_items[1], *self.decade_items]:
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
        self.weight_tiles: list[pg.ImageItem] = []
        self.weight_images: np.ndarray | None = None
        self.tiles_side = 0.0                   # the first hidden block's side while it shows weight tiles
        self.sample_tile: pg.ImageItem | None = None   # the inspector's sample, when its inputs are an image
        self.texts: list[pg.TextItem] = []       # the inspector's numbers, in the order they get room
        self._titles: list[pg.TextItem] = []     # one per layer
        self._title_texts: list[tuple[str, str]] = []
        self._names: list[pg.TextItem] = []      # the input names
        self.scale_top: int | None = None        # the gradient scale's top exponent, when shown
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
        # labels are placed in pixels: again whenever the view changes size (coalesced)
        self._place_timer = QTimer(self)
        self._place_timer.setSingleShot(True)
        self._place_timer.setInterval(0)
        self._place_timer.timeout.connect(self.place_labels)
        self.plot.plot_item.vb.sigResized.connect(self._place_timer.start)
        self.plot.set_readout(self._describe)
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        self._show_legend()

    # -- shape ---------------------------------------------------------------------------------
    def set_network(self, sizes: list[int], input_labels: list[str]) -> None:
        """Lay out a network with these layer sizes (inputs first)."""
        self.clear_layout()
        self.sizes = list(sizes)
        self.input_labels = list(input_labels)
        self.summarised = len(sizes) - 1 > MAX_LAYERS or max(sizes) > MAX_NEURONS
        L = len(sizes) - 1
        shape = layout(self.sizes, self.summarised)
        self.positions, self.node_size = shape.positions, shape.node_size
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
        self._style_edges()
        for row in self.thumbnails:
            for image in row:
                self.plot.plot_item.removeItem(image)
        self.thumbnails = []
        self.weight_images = None
        self.tiles_side = 0.0
        self._clear_texts()
        self._draw_nodes()
        for l, k in enumerate(sizes):
            name = "inputs" if l == 0 else "output" if l == L else f"hidden {l}"
            self._title_texts.append((f"{name}\n{k} neuron{'s' if k != 1 else ''}" if self.summarised else name,
                                      "in" if l == 0 else "out" if l == L else f"h{l}"))
            title = self._label(self._title_texts[-1][0],
                                (l, 0), anchor=(0.5, 0), color=self.theme.foreground)
            self._titles.append(title)
        if not self.summarised:
            for i, name in enumerate(input_labels[:sizes[0]]):
                p = self.positions[0][i]
                self._names.append(self._label(name, (p[0] - 0.6 * self.node_size, p[1]), anchor=(1.0, 0.5),
                                               color=self.theme.foreground))
        ymax = max(abs(p[:, 1]).max() for p in self.positions) + self.node_size / 2
        self.plot.plot_item.vb.setRange(xRange=(-0.45, L + 0.4), yRange=(-ymax - 0.42, ymax + 0.42), padding=0)
        self.plot.plot_item.vb.disableAutoRange()
        self.chosen = None
        self.chosen_edge.setData([], [])
        self._dirty = True
        self._place_timer.start()

    def clear_layout(self) -> None:
        for label in self._titles + self._names:
            self.plot.plot_item.removeItem(label)
        self._titles, self._names = [], []
        if self.sample_tile is not None:
            self.sample_tile.hide()
        self._title_texts: list[tuple[str, str]] = []   # (full, short) per layer

    def _label(self, text: str, pos, anchor=(0.5, 0.5), color: str | None = None, bold: bool = False,
               html: bool = False) -> pg.TextItem:
        """A scene text item in the theme's label font (at least 14 px high on a projector)."""
        item = pg.TextItem(anchor=anchor, color=color or self.theme.foreground)
        if html:
            item.setHtml(text)
        else:
            item.setText(text)
        font = QFont()
        font.setPointSize(self.theme.tick_pt + 1)
        font.setBold(bold)
        item.setFont(font)
        item.setZValue(20)
        item.setPos(float(pos[0]), float(pos[1]))
        self.plot.plot_item.addItem(item, ignoreBounds=True)
        return item

    def place_labels(self) -> None:
        """Fit the diagram and put its labels where they fit (:func:`~.diagram_labels.place_labels`)."""
        place_labels(self)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._place_timer.start()  # sized while hidden: place again now that it shows

    def _draw_nodes(self, inputs_only: bool = False) -> None:
        """Neurons as circles (blocks when summarised); with thumbnails, only the inputs need one."""
        spots = []
        for l, pos in enumerate(self.positions):
            if inputs_only and l > 0:
                continue
            size = self.tiles_side if l == 1 and self.tiles_side else self.node_size
            for p in pos:
                spots.append({"pos": tuple(p), "size": size,
                              "symbol": "s" if self.summarised else "o",
                              "brush": pg.mkBrush("#FFFFFF"), "pen": pg.mkPen("#333333", width=1.5)})
        self.nodes.setData(spots)

    # -- live data -----------------------------------------------------------------------------
    def set_snapshot(self, snapshot, sample=None, maps=None, weight_images=None) -> None:
        """The run's weights, gradients and last update; a sample's (z, a); neuron output maps; for
        image data, the first-layer neurons' weights as images."""
        self.snapshot = snapshot
        if sample is not None:
            self.sample = sample
        if maps is not None:
            self.maps = maps
        if weight_images is not None:
            self.weight_images = weight_images
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
        self._draw_edges(self.edge_values(), log_scale=self.mode == "gradients")
        self._draw_thumbnails()
        self._draw_weight_images()

    # -- inspector -----------------------------------------------------------------------------------
    def _clear_texts(self) -> None:
        for text in self.texts:
            self.plot.plot_item.removeItem(text)
        self.texts = []

    def show_trace(self, trace, phase_index: int, chosen: tuple[int, int, int] | None = None) -> None:
        """Draw one phase of a :class:`~gdlab.core.teaching.backprop_trace.BackpropTrace` (see
        :func:`~gdlab.gui.plots.inspector_diagram.draw_phase`)."""
        draw_phase(self, trace, phase_index, chosen)

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
        return nearest(self.positions, self.node_size, self._segments, self._edge_ids, x, y)

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

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.plot.apply_theme(theme)
        for label in self._titles + self._names:
            label.setColor(theme.foreground)
            font = label.textItem.font()
            font.setPointSize(theme.tick_pt + 1)
            label.setFont(font)
        for text in self.texts:  # the inspector's numbers keep their colours, take the theme's size
            font = text.textItem.font()
            font.setPointSize(theme.tick_pt + 1)
            text.setFont(font)
        self._place_timer.start()
