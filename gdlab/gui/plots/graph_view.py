"""The computation graph of one training sample: every scalar operation of the forward pass as a
node with its value; Next (N) and Back (B) walk the backward pass from the cost to the leaves,
filling in each node's ∂J/∂node and writing on each edge the product upstream gradient × local
derivative that flows along it. A network of more than about 30 operations is drawn as the paths
through the chosen weight.

Everything drawn comes from :mod:`gdlab.core.teaching.comp_graph` (the nodes, edges, values,
gradients, phases and positions); nothing here computes. The trace it is built from (one sample,
the run's next iteration) arrives with the worker's view data while this view is on show, and the
graph is built and drawn only then: a hidden view costs nothing.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.teaching.comp_graph import CompGraph, build_graph
from ..accessibility import named
from ..palette import LIGHT, VERMILLION, Theme
from ..theming import stylesheet
from .base import LivePlot
from .inspector_view import CAPTION_STYLE, OneBasedSpinBox
from .labels import fit_labels
from .network_layout import _fmt
from .trajectories import weight_label

__all__ = ["GraphView"]

NODE_PX = 30          # a node's diameter in pixels, at least (wider when its symbol needs it: lecture fonts)
GAP_X, GAP_Y = 8, 2   # the clear space beside and above/below every label (a line's leading adds to GAP_Y)
ROW_PX, COLUMN_PX = 110, 240   # at most this far apart: a small graph is not stretched over the whole view
NAMED = ("input", "weight", "bias", "side", "add", "act", "loss", "rest", "penalty", "total")


class GraphView(QWidget):
    """The graph of the sample's next iteration; ``complete``: always at "backward complete" (figures)."""

    def __init__(self, parent=None, toolbar: bool = True, complete: bool = False):
        super().__init__(parent)
        self.theme: Theme = LIGHT
        self.complete = complete
        self.trace = None
        self.graph: CompGraph | None = None
        self.phase = 0
        self.weight: tuple[int, int, int] | None = None
        self._sizes: list[int] = []
        self._dirty = False
        self.node_px = NODE_PX
        self.back_button = QPushButton("◀ Back (B)")
        self.next_button = QPushButton("Next (N) ▶")
        self.back_button.setToolTip("The previous step of the backward pass (B).")
        self.next_button.setToolTip("The next step of the backward pass: the next nodes get their ∂J/∂node (N).")
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.phase_label = QLabel()
        self.weight_box = named(QComboBox(), "Weight")
        self.weight_box.setToolTip("The weight whose leaf is marked; a network of more than about 30 operations "
                                   "is drawn as the paths through it.")
        self.weight_box.currentIndexChanged.connect(self._on_weight)
        self.sample = named(OneBasedSpinBox(), "Sample")
        self.sample.setRange(0, 0)
        self.sample.setPrefix("sample ")
        self.sample.setToolTip("Which training sample the graph computes (the inspector's sample too).")
        top = QHBoxLayout()
        top.setContentsMargins(6, 0, 6, 0)
        for w in (self.back_button, self.next_button, self.phase_label):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.weight_box)
        top.addWidget(self.sample)
        self.caption = QLabel("Pause the run to see its next iteration as a computation graph.")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)  # the captions name inputs: plain text
        self.caption.setStyleSheet(stylesheet(CAPTION_STYLE, LIGHT))
        self.plot = LivePlot("Computation graph of one sample")
        item = self.plot.plot_item
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.showGrid(x=False, y=False)
        item.vb.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        if toolbar:
            layout.addLayout(top)
            layout.addWidget(self.caption)
        layout.addWidget(self.plot, 1)
        self.edges = pg.PlotCurveItem(connect="pairs")
        self.path_edges = pg.PlotCurveItem(connect="pairs")
        self.nodes = pg.ScatterPlotItem(pxMode=True)
        for z, it in ((0, self.edges), (1, self.path_edges), (5, self.nodes)):
            it.setZValue(z)
            item.addItem(it)
        self.texts: list[pg.TextItem] = []
        self._place_timer = QTimer(self)
        self._place_timer.setSingleShot(True)
        self._place_timer.setInterval(0)
        self._place_timer.timeout.connect(self.place_labels)
        item.vb.sigResized.connect(self._place_timer.start)
        self._update_buttons()

    # -- data ----------------------------------------------------------------------------------------
    def set_samples(self, count: int) -> None:
        self.sample.setRange(0, max(0, count - 1))

    def set_trace(self, trace) -> None:
        """A one-sample trace of the run's next iteration; drawn at the next refresh while on show."""
        self.trace = trace
        if list(trace.layer_sizes) != self._sizes:
            self._sizes = list(trace.layer_sizes)
            self._fill_weights()
        self._dirty = True

    def _fill_weights(self) -> None:
        sizes, L = self._sizes, len(self._sizes) - 1
        self.weight_box.blockSignals(True)
        self.weight_box.clear()
        for l in range(L):
            for i in range(sizes[l]):
                for j in range(sizes[l + 1]):
                    self.weight_box.addItem(weight_label((l, i, j)), (l, i, j))
        self.weight = (L - 1, 0, 0)
        # by position: QComboBox.findData does not match a tuple (PySide6 stores it as an opaque object)
        self.weight_box.setCurrentIndex(sum(a * b for a, b in zip(sizes[:L - 1], sizes[1:L])))
        self.weight_box.blockSignals(False)
        self.graph = None

    @Slot(int)
    def _on_weight(self, index: int) -> None:
        if index >= 0:
            self.weight = tuple(self.weight_box.itemData(index))
            self._dirty = True
            self.refresh()

    def refresh(self) -> None:
        """Build and draw the graph if something changed and the view is on show."""
        if not self._dirty or self.trace is None or not (self.isVisible() or self.complete):
            return
        self._dirty = False
        old = self.graph
        self.graph = build_graph(self.trace, self.weight)
        same = old is not None and len(old.nodes) == len(self.graph.nodes) and old.weight == self.graph.weight
        last = len(self.graph.phases) - 1
        self.phase = last if self.complete else min(self.phase, last) if same else 0
        self._draw()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.refresh()
        self._place_timer.start()

    def clear(self, message: str) -> None:
        self.caption.setText(message)

    # -- walking the phases ----------------------------------------------------------------------------
    @Slot()
    def next(self) -> None:
        if self.graph is not None and self.phase < len(self.graph.phases) - 1:
            self.phase += 1
            self._draw_phase()

    @Slot()
    def back(self) -> None:
        if self.graph is not None and self.phase > 0:
            self.phase -= 1
            self._draw_phase()

    def set_phase(self, phase: int) -> None:
        """Go to phase ``phase`` (negative: from the end, −1 the backward pass complete)."""
        if self.graph is not None:
            n = len(self.graph.phases)
            self.phase = max(0, min(n - 1, phase % n if phase < 0 else phase))
            self._draw_phase()

    @property
    def filled(self) -> frozenset[int]:
        """The nodes whose ∂J/∂node is shown now."""
        return self.graph.phases[self.phase].filled if self.graph is not None else frozenset()

    def _update_buttons(self) -> None:
        n = len(self.graph.phases) if self.graph is not None else 0
        self.back_button.setEnabled(self.phase > 0)
        self.next_button.setEnabled(self.phase < n - 1)

    # -- drawing -----------------------------------------------------------------------------------------
    def _label(self, text: str, color: str, size: int, bold: bool = False, fill: bool = True) -> pg.TextItem:
        # on a patch of the background, so an edge running under a label does not strike it through;
        # a 1-pixel margin, within the GAP_Y kept clear around every label, so no patch covers a neighbour
        back = QColor(self.theme.background)
        back.setAlpha(230)
        item = pg.TextItem(anchor=(0.5, 0.5), color=color, fill=pg.mkBrush(back) if fill else None)
        item.textItem.document().setDocumentMargin(1)
        item.setPlainText(text)  # names may be a CSV's column headers: never markup
        font = QFont()
        font.setPointSize(size)
        font.setBold(bold)
        item.setFont(font)
        item.setZValue(20)
        self.plot.plot_item.addItem(item, ignoreBounds=True)
        self.texts.append(item)
        return item

    def _draw(self) -> None:
        """The graph's shape: nodes, edges, the chosen weight's paths, every label (shown per phase)."""
        g = self.graph
        for t in self.texts:
            self.plot.plot_item.removeItem(t)
        self.texts = []
        pos = [(float(n.column), float(n.y)) for n in g.nodes]
        on_path = self._paths(g)
        pt, fg = self.theme.tick_pt + 1, self.theme.foreground
        self._symbols = [self._label(n.symbol, "#000000", max(7, pt - 3), bold=True, fill=False) for n in g.nodes]
        self.node_px = max([NODE_PX] + [round(t.textItem.boundingRect().width()) + 6 for t in self._symbols])
        spots = []
        for k, n in enumerate(g.nodes):
            chosen = n.weight == g.weight
            spots.append({"pos": pos[k], "size": self.node_px, "symbol": "s" if n.leaf else "o",
                          "brush": pg.mkBrush(VERMILLION if chosen else "#FFFFFF"),
                          "pen": pg.mkPen(VERMILLION if k in on_path else "#333333", width=2 if k in on_path else 1.2)})
        self.nodes.setData(spots)
        flat = [[], []], [[], []]
        for e in g.edges:
            which = flat[1] if e.source in on_path and e.target in on_path else flat[0]
            which[0] += [pos[e.source][0], pos[e.target][0]]
            which[1] += [pos[e.source][1], pos[e.target][1]]
        self.edges.setData(*flat[0], pen=pg.mkPen(self.theme.muted, width=1.2))
        self.path_edges.setData(*flat[1], pen=pg.mkPen(VERMILLION, width=2.5))
        self._values = [self._label(f"{n.name} = {_fmt(n.value)}" if n.kind in NAMED else _fmt(n.value), fg, pt)
                        for n in g.nodes]
        self._grads = [self._label(f"∂J/∂w = {_fmt(n.grad)}" if n.kind == "weight" else f"∂J = {_fmt(n.grad)}",
                                   VERMILLION, pt, bold=n.weight == g.weight) for n in g.nodes]
        self._products = [self._label(_fmt(e.product), VERMILLION, max(7, pt - 2)) for e in g.edges]
        self._on_path = on_path
        self.plot.plot_item.vb.disableAutoRange()
        self._draw_phase()

    @staticmethod
    def _paths(g: CompGraph) -> set[int]:
        """The chosen weight's leaf and every node that depends on it."""
        start = g.weight_node(g.weight)
        if start is None:
            return set()
        reach = {start}
        for e in sorted(g.edges, key=lambda e: e.target):
            if e.source in reach:
                reach.add(e.target)
        return reach

    def _draw_phase(self) -> None:
        g = self.graph
        phase = g.phases[self.phase]
        n = len(g.phases)
        self.phase_label.setText("forward" if self.phase == 0 else f"backward {self.phase}/{n - 1}")
        self.caption.setText(phase.caption)
        what = "paths through " + weight_label(g.weight) if g.pruned else "every operation"
        self.plot.set_title(f"Computation graph of sample {g.sample + 1}, iteration {g.iteration} ({what})")
        self._update_buttons()
        self.place_labels()

    def place_labels(self) -> None:
        """Labels at their nodes in pixels (value above, ∂J below, products on the edges, or beside
        where that is taken), hidden where none fits: the chosen weight first, then its paths."""
        g = self.graph
        vb = self.plot.plot_item.vb
        if g is None or not self.texts or not self.plot.isVisible() or vb.width() < 20 or vb.height() < 20:
            return  # placed in pixels: again once shown and sized (a hidden viewport clips every label away)
        # room in pixels around the nodes for a label above the top row and below the bottom one
        line = max(t.textItem.boundingRect().height() for t in self.texts) - 4
        wide = max(t.textItem.boundingRect().width() for t in self._values + self._grads) / 2
        pad_y, pad_x = self.node_px / 2 + line + 4, wide + 4
        ys, right = [n.y for n in g.nodes], max(n.column for n in g.nodes)
        # rows at most ROW_PX apart and columns at most COLUMN_PX: a small graph stays together, centred
        sy = max((max(ys) - min(ys)) / max(1.0, vb.height() - 2 * pad_y), 1 / ROW_PX)
        sx = max(right / max(1.0, vb.width() - 2 * pad_x), 1 / COLUMN_PX)
        cy, cx, hy, hx = (max(ys) + min(ys)) / 2, right / 2, vb.height() / 2 * sy, vb.width() / 2 * sx
        vb.setRange(xRange=(cx - hx, cx + hx), yRange=(cy - hy, cy + hy), padding=0)
        vb.updateMatrix()
        px, py = vb.viewPixelSize()
        filled = self.filled
        for k, node in enumerate(g.nodes):
            self._symbols[k].setPos(node.column, node.y)
            self._symbols[k].show()                      # inside its node: always shown
        for t in self._grads + self._products:
            t.hide()
        # each label at the first place where it keeps GAP_X, GAP_Y clear of the labels placed before it and
        # off every node: a value above its node, else right or left of it; a ∂J below, else right or
        # left; a product on its edge, past the middle, else nearer either end. The chosen weight's
        # paths first, then the rest; a label with no room is hidden.
        half = self.node_px / 2
        dx, dy = (half + GAP_X + 1) * px, (half + GAP_Y + 1) * py

        def beside(k: int, first: tuple[tuple[float, float], tuple[float, float]]) -> list:
            x, y = g.nodes[k].column, g.nodes[k].y
            right, left = ((0, 0.5), (x + dx, y)), ((1, 0.5), (x - dx, y))
            return [first, left, right] if g.nodes[k].leaf else [first, right, left]  # a leaf's edge leaves rightward

        path = self._on_path
        chosen = g.weight_node(g.weight)
        wanted = []
        for group in (sorted(path, key=lambda k: (k != chosen, k)), [k for k in range(len(g.nodes)) if k not in path]):
            for k in group:
                x, y = g.nodes[k].column, g.nodes[k].y
                if k in filled and not g.nodes[k].side:
                    wanted.append((self._grads[k], beside(k, ((0.5, 0), (x, y - dy)))))
                wanted.append((self._values[k], beside(k, ((0.5, 1), (x, y + dy)))))
        shown = [(e, lbl) for e, lbl in zip(g.edges, self._products) if e.source in filled
                 and not g.nodes[e.source].side]
        for e, label in sorted(shown, key=lambda el: el[0].target not in path):
            a, b = g.nodes[e.source], g.nodes[e.target]
            wanted.append((label, [((0.5, 0.5), (a.column + t * (b.column - a.column), a.y + t * (b.y - a.y)))
                                   for t in (0.55, 0.35, 0.75)]))
        nodes = [QRectF(vb.mapViewToDevice(QPointF(n.column, n.y)) - QPointF(half, half),
                        QSizeF(self.node_px, self.node_px)) for n in g.nodes]
        fit_labels(wanted, self.plot, nodes, (GAP_X, GAP_Y))

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.plot.apply_theme(theme)
        self.caption.setStyleSheet(stylesheet(CAPTION_STYLE, theme))
        if self.graph is not None:
            self._draw()
