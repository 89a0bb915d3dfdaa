"""Painting the worksheet: a page's laid-out operations (:mod:`gdlab.gui.figures.worksheet_layout`), its
footer, and the diagram of the network with its weights, biases, inputs and target, every label
placed clear of the neurons, the other labels and the crossings of the lines.
"""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen

from ...core.teaching.worksheet import Worksheet, a_symbol, b_symbol, fmt_given, w_symbol
from .worksheet_layout import GREY, INK, LIGHT_GREY, MARGIN_MM, _Layout, _Op


# -- painting -------------------------------------------------------------------------------------------
def _paint_page(painter: QPainter, lay: _Layout, ws: Worksheet, ops: list[_Op], page: int, pages: int,
                kind: str) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    for op in ops:
        if op.kind == "text":
            painter.setFont(op.font)
            painter.setPen(QColor(op.color))
            painter.drawText(op.rect, op.flags, op.text)
        elif op.kind == "box":
            painter.setPen(QPen(QColor(op.color), max(1.0, lay.mm(0.3))))
            painter.setBrush(QBrush(QColor(op.fill)) if op.fill else Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(op.rect, lay.mm(1), lay.mm(1))
        elif op.kind == "diagram":
            _draw_network(painter, lay, op.rect, ws)
    footer = {"worked": "worked solution", "blank": "worksheet", "key": "answer key"}[kind]
    painter.setFont(lay.font(8))
    painter.setPen(QColor(GREY))
    rect = QRectF(lay.left, lay.height - lay.mm(MARGIN_MM + 2), lay.right - lay.left, lay.mm(6))
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                     f"gdlab · {'-'.join(map(str, ws.layer_sizes))} network · {footer}")
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), f"page {page} of {pages}")


def _draw_network(painter: QPainter, lay: _Layout, rect: QRectF, ws: Worksheet) -> None:
    """Circles for the neurons, lines for the weights with their values, biases under the neurons,
    the inputs' values on the left and the target over the output (beside each of several outputs).

    Every label is placed clear of the neurons, of the other labels and of the points where lines
    cross; a layer too crowded for "w₁₂⁽¹⁾ = 0.25" labels gets the values alone."""
    sizes, L = ws.layer_sizes, ws.num_layers
    painter.save()
    painter.setPen(QPen(QColor(LIGHT_GREY), max(1.0, lay.mm(0.25))))
    painter.setBrush(QBrush(QColor("#FAFAFA")))
    painter.drawRoundedRect(rect, lay.mm(2), lay.mm(2))
    r = lay.mm(6.5)
    right = 26 if sizes[-1] == 1 else 38  # room for "target y₂ = 1.00" beside each of several outputs
    inner = rect.adjusted(lay.mm(20), lay.mm(8), -lay.mm(right), -lay.mm(11))
    xs = [inner.left() + inner.width() * c / L for c in range(L + 1)]
    centers = [[QPointF(xs[l], inner.top() + inner.height() * (k + 0.5) / n) for k in range(n)]
               for l, n in enumerate(sizes)]
    label_font, weight_font, node_font = lay.font(8.5), lay.font(8), lay.font(10, bold=True)
    device = painter.device()

    def box_at(center: QPointF, text: str, font: QFont) -> QRectF:
        m = QFontMetricsF(font, device)
        w, h = m.horizontalAdvance(text) + lay.mm(1.6), m.height() + lay.mm(0.4)
        return QRectF(center.x() - w / 2, center.y() - h / 2, w, h)

    # labels tied to a neuron: input values, biases, the target
    fixed: list[tuple[QRectF, str, QFont, str]] = []
    for l, column in enumerate(centers):
        for j, c in enumerate(column):
            if l == 0:
                text = fmt_given(ws.x[j])
                box = box_at(QPointF(0, c.y()), text, label_font)
                box.moveRight(c.x() - r - lay.mm(1.5))
                fixed.append((box, text, label_font, INK))
                continue
            text = f"{b_symbol(l, j)} = {fmt_given(ws.b[l - 1][j])}"
            fixed.append((box_at(QPointF(c.x(), c.y() + r + lay.mm(3)), text, label_font), text, label_font, GREY))
            if l == L and sizes[-1] == 1:
                text = f"target y = {fmt_given(ws.y[j])}"
                fixed.append((box_at(QPointF(c.x(), c.y() - r - lay.mm(3)), text, label_font), text, label_font, INK))
            elif l == L:  # over each neuron it would meet the bias of the one above: beside it, under "→ ŷⱼ"
                text = f"target y{_sub(j + 1)} = {fmt_given(ws.y[j])}"
                box = box_at(QPointF(0, c.y() + lay.mm(4.5)), text, label_font)
                box.moveLeft(c.x() + r + lay.mm(1.5))
                fixed.append((box, text, label_font, INK))
    pad = lay.mm(1.0)
    taken = [QRectF(c.x() - r - pad, c.y() - r - pad, 2 * (r + pad), 2 * (r + pad)) for col in centers for c in col]
    taken += [box for box, *_ in fixed]
    # the weights' labels, layer by layer
    weight_labels: list[tuple[QRectF, str]] = []
    for l in range(1, L + 1):
        edges = [(i, j, start, end) for i, start in enumerate(centers[l - 1]) for j, end in enumerate(centers[l])]
        crossings = [QRectF(p.x() - lay.mm(0.8), p.y() - lay.mm(0.8), lay.mm(1.6), lay.mm(1.6))
                     for p in _crossings([(a, b) for _, _, a, b in edges])]
        for short in (False, True):
            placed, crowded = [], False
            for i, j, start, end in edges:
                value = fmt_given(ws.W[l - 1][i, j])
                text = value if short else f"{w_symbol(l, i, j)} = {value}"
                spots = [box_at(start + (end - start) * t, text, weight_font)
                         for t in (0.33, 0.45, 0.25, 0.55, 0.67, 0.2, 0.75)]
                blocked = taken + crossings + [p for p, _ in placed]
                free = [s for s in spots if not any(s.intersects(o) for o in blocked)]
                crowded |= not free
                placed.append((free[0] if free else spots[0], text))
            if not crowded:
                break
        weight_labels += placed
        taken += [p for p, _ in placed]
    # draw: lines, weight labels, neurons, then the neurons' own labels
    painter.setPen(QPen(QColor("#7A7A7A"), max(1.0, lay.mm(0.35))))
    for l in range(1, L + 1):
        for start in centers[l - 1]:
            for end in centers[l]:
                painter.drawLine(start, end)
    for box, text in weight_labels:
        _label(painter, lay, box, text, weight_font, INK)
    for l, column in enumerate(centers):
        for j, c in enumerate(column):
            painter.setPen(QPen(QColor(INK), max(1.0, lay.mm(0.4))))
            painter.setBrush(QBrush(QColor("#FFFFFF" if l == 0 else "#E3EEF8")))
            painter.drawEllipse(c, r, r)
            painter.setFont(node_font)
            circle = QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r)
            inside = f"x{_sub(j + 1)}" if l == 0 else {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU",
                                                         "linear": "z", "softmax": "soft"}[ws.activation_names[l - 1]]
            painter.drawText(circle, int(Qt.AlignmentFlag.AlignCenter), inside)
            if l == L:
                painter.drawText(QRectF(c.x() + r + lay.mm(1.5), c.y() - lay.mm(4), lay.mm(14), lay.mm(8)),
                                 int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                                 f"→ {a_symbol(l, j, sizes)}")
    for box, text, font, color in fixed:
        _label(painter, lay, box, text, font, color, frame=False)
    # layer names along the bottom
    painter.setFont(lay.font(8, italic=True))
    painter.setPen(QColor(GREY))
    for l, x in enumerate(xs):
        name = "inputs" if l == 0 else ("output layer" if l == L else f"hidden layer {l}")
        painter.drawText(QRectF(x - lay.mm(20), rect.bottom() - lay.mm(6), lay.mm(40), lay.mm(5)),
                         int(Qt.AlignmentFlag.AlignCenter), f"{name} (l = {l})")
    painter.restore()


def _crossings(edges: list[tuple[QPointF, QPointF]]) -> list[QPointF]:
    """Where two of the segments cross (not at their ends)."""
    out = []
    for k, (p, q) in enumerate(edges):
        for r0, r1 in edges[k + 1:]:
            d = (q.x() - p.x()) * (r1.y() - r0.y()) - (q.y() - p.y()) * (r1.x() - r0.x())
            if abs(d) < 1e-9:
                continue
            t = ((r0.x() - p.x()) * (r1.y() - r0.y()) - (r0.y() - p.y()) * (r1.x() - r0.x())) / d
            u = ((r0.x() - p.x()) * (q.y() - p.y()) - (r0.y() - p.y()) * (q.x() - p.x())) / d
            if 0.01 < t < 0.99 and 0.01 < u < 0.99:
                out.append(p + (q - p) * t)
    return out


def _sub(k: int) -> str:
    return str(k).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _label(painter: QPainter, lay: _Layout, rect: QRectF, text: str, font: QFont, color: str,
           frame: bool = True) -> None:
    """Text centred in ``rect``, on a white patch so the lines under it do not cross the digits."""
    if frame:
        painter.setPen(QPen(QColor(LIGHT_GREY), max(1.0, lay.mm(0.2))))
        painter.setBrush(QBrush(QColor("#FFFFFF")))
        painter.drawRoundedRect(rect, lay.mm(0.8), lay.mm(0.8))
    painter.setFont(font)
    painter.setPen(QColor(color))
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
