"""The backprop inspector's drawing on the network diagram: one phase of a trace.

The layer in focus is framed; its neurons' numbers (z and a forward, ŷ and y at the cost, δ
backward) are written beside them, and the chosen weight's number on its edge. Backward, the edges
show ∂J/∂w on the diagram's shared logarithmic scale; at the update, the step each weight takes.
Numbers go only where they fit (:meth:`NetworkView.place_labels`); the inspector's table beside
the diagram has every one of them. Nothing here computes: the numbers are the trace's.
"""
from __future__ import annotations

from html import escape

import pyqtgraph as pg
from PySide6.QtCore import QRectF

from ..palette import VERMILLION
from .data_gallery import INK
from .network_layout import _fmt


def _number(view, html: str, pos, anchor=(0.5, 0.5), color: str | None = None, bold: bool = False) -> None:
    """One of the inspector's numbers on the diagram, on a veil of the background."""
    item = view._label(html, pos, anchor=anchor, color=color, bold=bold, html=True)
    background = pg.mkColor(view.theme.background)
    background.setAlpha(215)
    item.fill = pg.mkBrush(background)
    view.texts.append(item)


def draw_phase(view, trace, phase_index: int, chosen: tuple[int, int, int] | None = None) -> None:
    """Draw phase ``phase_index`` of ``trace`` (a BackpropTrace) on ``view`` (a NetworkView)."""
    phase = trace.phases[phase_index]
    view._clear_texts()
    kind, layer = phase.kind, phase.layer
    if kind == "backward":
        view._draw_edges(trace.dW, log_scale=True)
    elif kind == "update":
        view._draw_edges([wn - w for wn, w in zip(trace.W_new, trace.W)])
    else:
        view._draw_edges(trace.W)
    if view.summarised:
        view.highlight.hide()
        _summarised_sample(view, trace, kind, layer)
        view.place_labels()
        return
    _show_sample_image(view, None)
    if kind in ("forward", "backward", "cost"):
        pos, r = view.positions[layer], 0.5 * view.node_size + 0.06
        view.highlight.setRect(QRectF(pos[:, 0].min() - r, pos[:, 1].min() - r,
                                      pos[:, 0].max() - pos[:, 0].min() + 2 * r,
                                      pos[:, 1].max() - pos[:, 1].min() + 2 * r))
        view.highlight.show()
        _neuron_numbers(view, trace, kind, layer)
    else:
        view.highlight.hide()
    view.set_chosen(chosen)
    if chosen is not None and kind in ("backward", "update"):
        l, i, j = chosen
        text = (f"∂J/∂w = {_fmt(trace.dW[l][i, j])}" if kind == "backward" else
                f"{_fmt(trace.W[l][i, j])} → {_fmt(trace.W_new[l][i, j])}")
        _number(view, text, view.edge_point(chosen, 0.5), color=VERMILLION)
    view.place_labels()


def _neuron_numbers(view, trace, kind: str, layer: int) -> None:
    """z and a (forward), ŷ and y (cost) or δ (backward) beside each neuron of ``layer``: right of
    it, left of the output layer's; J above the output."""
    v = trace.node_values(layer)
    last = layer == trace.num_layers
    off = 0.5 * view.node_size + 0.04
    color = VERMILLION if kind == "backward" else None
    for j, p in enumerate(view.positions[layer]):
        if kind == "forward":
            text = f"x = {_fmt(v['a'][j])}" if layer == 0 else f"z = {_fmt(v['z'][j])} · a = {_fmt(v['a'][j])}"
        elif kind == "cost":  # the first sample's, not batch averages (they can agree while J is large)
            _, y_hat, y, _ = trace.sample_costs(1)[0]
            first = " (sample 1)" if len(trace.samples) > 1 and j == 0 else ""
            text = f"ŷ = {_fmt(y_hat[j])} · y = {_fmt(y[j])}{first}"
        else:
            text = f"δ = {_fmt(v['delta'][j])}"
        if last:
            _number(view, text, (p[0] - off, p[1]), anchor=(1, 0.5), color=color)
        else:
            _number(view, text, (p[0] + off, p[1]), anchor=(0, 0.5), color=color)
    if kind == "cost":
        top = view.positions[layer]
        _number(view, f"J = {_fmt(trace.J)}", (top[0, 0], top[:, 1].max() + off), anchor=(0.5, 1),
                color=VERMILLION, bold=True)


def _summarised_sample(view, trace, kind: str, layer: int) -> None:
    """A diagram of blocks (e.g. 64 pixels in): one sample's image in the input block, what it is
    above it, and above the output block the classes the network rates highest for it (ŷ forward and
    at the cost, δ backward); nothing more, the table beside has every number."""
    ranked = trace.ranked_outputs(3)
    _show_sample_image(view, trace.image)
    if trace.image is None or not ranked:
        return
    off = 0.5 * view.node_size + 0.04
    (x0, y0), (xL, yL) = view.positions[0][0], view.positions[-1][0]
    true = next(name for name, _, _, is_true in ranked if is_true)
    _number(view, f"sample {trace.sample_index + 1}: a {escape(true)}", (x0, y0 + off), anchor=(0.5, 1), bold=True)
    if layer != trace.num_layers or kind not in ("forward", "cost", "backward"):
        return
    symbol, column = ("δ", 2) if kind == "backward" else ("ŷ", 1)
    rows = [f"{escape(row[0])}: {symbol} = {_fmt(row[column])}"  # class names may be a CSV's: text, never markup
            + (" (read)" if k == 0 else "") + (" (true)" if row[3] else "") for k, row in enumerate(ranked)]
    _number(view, "<br>".join(rows), (xL, yL + off), anchor=(0.5, 1),
            color=VERMILLION if kind == "backward" else None)


def _show_sample_image(view, image) -> None:
    """The sample's pixels in the input block (ink on paper, as the data view's gallery draws them)."""
    tile = view.sample_tile
    if image is None:
        if tile is not None:
            tile.hide()
        return
    if tile is None:
        tile = view.sample_tile = pg.ImageItem(axisOrder="row-major")
        tile.setZValue(6)
        view.plot.plot_item.addItem(tile, ignoreBounds=True)
    x, y = view.positions[0][0]
    size = 0.84 * view.node_size
    tile.setImage(image[::-1], levels=(0.0, max(1.0, float(image.max()))), lut=INK.getLookupTable(nPts=64))
    tile.setRect(QRectF(x - size / 2, y - size / 2, size, size))  # image row 0 at the top
    tile.show()
