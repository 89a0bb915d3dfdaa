"""File → Export worksheet: one iteration of a tiny network as an A4 PDF to print.

Three versions of the same :class:`~gdlab.core.worksheet.Worksheet`:

* ``worked``: every equation with its numbers and its result;
* ``blank``:  the same lines with the given numbers (inputs, target, weights, biases, α) only:
  the numbers a student computes are blanks ``______`` and each result an empty box;
* ``key``:    the worked version titled "Answer key", to hand out after the blank one.

Each page is laid out once (text measured with the fonts of the device it is drawn on) and then
painted with QPainter: a title, a diagram of the network with its weights (circles and lines), the
given numbers, then "1. Forward pass", "2. The cost", "3. Backward pass", "4. The update". The same
painting goes to a PDF (QPdfWriter, A4) or to images (:func:`render_pages`, for a preview). The PDF is
written to memory and then to disk atomically, and is reproducible like a figure's PDF (see
:mod:`gdlab.gui.export`): fixed time stamps (``SOURCE_DATE_EPOCH`` if set, else 2000-01-01), gdlab's
XMP metadata instead of Qt's (which has the clock time) and a document id derived from the text.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, Qt, QUuid
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
    QPen,
)

from ..core.atomic import atomic_write_bytes
from ..core.worksheet import (
    BACKWARD,
    COST,
    FORWARD,
    SECTIONS,
    UPDATE,
    Value,
    Worksheet,
    a_symbol,
    b_symbol,
    fmt,
    fmt_given,
    w_symbol,
)
from .figure_encode import _fixed_pdf_dates, _xmp

KINDS = ("worked", "blank", "key")
PAGE_MM = (210.0, 297.0)          # A4 portrait
MARGIN_MM = 18.0
PDF_DPI = 300
BLANK = "______"
FAMILY = "DejaVu Sans"
INK, GREY, LIGHT_GREY, ACCENT = "#000000", "#555555", "#BBBBBB", "#0072B2"

SECTION_INTRO = {
    FORWARD: "Each neuron adds up its weighted inputs, z = Σ w·a + b, and applies its activation, a = f(z).",
    COST: "The cost J compares the output ŷ with the target y.",
    BACKWARD: "The error δ = ∂J/∂z of each neuron, from the output back (the chain rule); then each weight's "
              "gradient ∂J/∂w = (its input a) · δ.",
    UPDATE: "Gradient descent uses the gradients: every weight and bias takes one step w ← w − α·∂J/∂w.",
}
_ACTIVATION_WORDS = {"sigmoid": "sigmoid σ", "tanh": "tanh", "relu": "ReLU", "linear": "linear (identity)",
                     "softmax": "softmax"}
_LOSS_WORDS = {"mse": "mean squared error J = ½ Σ (ŷ − y)²",
               "bce": "binary cross-entropy J = −[y ln(ŷ) + (1 − y) ln(1 − ŷ)]",
               "cross_entropy": "cross-entropy J = −Σ y ln(ŷ)"}


# -- layout: measure once, then paint ---------------------------------------------------------------
@dataclass
class _Op:
    kind: str                        # text, box, diagram
    rect: QRectF
    text: str = ""
    font: QFont | None = None
    color: str = INK
    flags: int = 0
    fill: str | None = None


class _Layout:
    """Places blocks top to bottom on A4 pages of a device with ``dpi`` dots per inch."""

    def __init__(self, device: QPaintDevice, dpi: float):
        self.device, self.dpi = device, dpi
        self.width, self.height = self.mm(PAGE_MM[0]), self.mm(PAGE_MM[1])
        self.left, self.right = self.mm(MARGIN_MM), self.width - self.mm(MARGIN_MM)
        self.top, self.bottom = self.mm(MARGIN_MM), self.height - self.mm(MARGIN_MM + 8)
        self.pages: list[list[_Op]] = [[]]
        self.y = self.top

    def mm(self, value: float) -> float:
        return value * self.dpi / 25.4

    def font(self, pt: float, bold: bool = False, italic: bool = False) -> QFont:
        f = QFont(FAMILY)
        f.setStyleHint(QFont.StyleHint.SansSerif)
        f.setPointSizeF(pt)
        f.setBold(bold)
        f.setItalic(italic)
        return f

    def measure(self, text: str, font: QFont, width: float, flags: int) -> float:
        metrics = QFontMetricsF(font, self.device)
        return metrics.boundingRect(QRectF(0, 0, width, 1e7), flags, text).height()

    def fits(self, height: float) -> bool:
        return self.y + height <= self.bottom

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.top

    def ensure(self, height: float) -> None:
        if not self.fits(height) and self.y > self.top:
            self.new_page()

    def add(self, op: _Op) -> None:
        self.pages[-1].append(op)

    def paragraph(self, text: str, font: QFont, color: str = INK, gap_mm: float = 1.5,
                  align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft, x: float | None = None,
                  width: float | None = None) -> float:
        x = self.left if x is None else x
        width = (self.right - x) if width is None else width
        flags = int(align | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
        h = self.measure(text, font, width, flags)
        self.ensure(h)
        self.add(_Op("text", QRectF(x, self.y, width, h), text, font, color, flags))
        self.y += h + self.mm(gap_mm)
        return h


# -- what goes on the sheet ------------------------------------------------------------------------------
def _titles(ws: Worksheet, kind: str) -> tuple[str, str]:
    if kind == "key":
        return "Answer key", ws.title
    if kind == "blank":
        return "Worksheet: backpropagation by hand", ws.title
    return ws.title, "Worked solution: every number of one iteration"


def _description(ws: Worksheet) -> str:
    hidden = {ws.activation_names[l] for l in range(ws.num_layers - 1)}
    words = []
    if hidden:
        words.append("hidden neurons " + ", ".join(_ACTIVATION_WORDS[h] for h in sorted(hidden)))
    words.append(f"output neuron{'s' if ws.layer_sizes[-1] > 1 else ''} {_ACTIVATION_WORDS[ws.activation_names[-1]]}")
    return (f"Network {'-'.join(map(str, ws.layer_sizes))}: " + "; ".join(words) + f". Cost: {_LOSS_WORDS[ws.loss]} "
            f"(one sample). Learning rate α = {fmt_given(ws.learning_rate)}. "
            "Notation: wᵢⱼ⁽ˡ⁾ is the weight from neuron i of layer l − 1 to neuron j of layer l; "
            "a⁽⁰⁾ = x, and ŷ is the output.")


def _given_text(ws: Worksheet) -> str:
    return "Given:  " + ",  ".join(f"{s}\u00a0=\u00a0{fmt_given(v)}" for s, v in ws.given())  # a pair never splits


def _layout(ws: Worksheet, kind: str, device: QPaintDevice, dpi: float) -> _Layout:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    lay = _Layout(device, dpi)
    title, subtitle = _titles(ws, kind)
    lay.paragraph(title, lay.font(16, bold=True), gap_mm=1.0)
    lay.paragraph(subtitle, lay.font(11), GREY, gap_mm=2.5)
    if kind == "blank":
        lay.paragraph("Name: ______________________________      Date: ______________", lay.font(10), gap_mm=3)
    lay.paragraph(_description(ws), lay.font(9), GREY, gap_mm=2)
    if ws.source:
        lay.paragraph(f"Weights from {ws.source}.", lay.font(9), GREY, gap_mm=2)
    diagram_h = lay.mm(18 + 19 * max(ws.layer_sizes))  # a neuron, its bias and a gap per 19 mm
    lay.ensure(diagram_h)
    lay.add(_Op("diagram", QRectF(lay.left, lay.y, lay.right - lay.left, diagram_h)))
    lay.y += diagram_h + lay.mm(2)
    lay.paragraph(_given_text(ws), lay.font(9.5), gap_mm=1.5)
    if kind == "blank":
        lay.paragraph("Fill in every blank ______ and box with the number it stands for, rounded to 4 decimals "
                      "(3 significant digits below 0.01). Use your own results from the lines before.",
                      lay.font(9, italic=True), GREY, gap_mm=3)
    else:
        lay.paragraph("Every result is rounded to 4 decimals (3 significant digits below 0.01), and each line is "
                      "computed from the rounded results of the lines before, as the worksheet asks.",
                      lay.font(9, italic=True), GREY, gap_mm=3)

    fonts = _RowFonts(lay.font(10), lay.font(10), lay.font(8, italic=True), lay.font(10, bold=True))
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
    heading_font, intro_font = lay.font(12, bold=True), lay.font(8.5, italic=True)
    for section in (FORWARD, COST, BACKWARD, UPDATE):
        rows = [_row(lay, step, kind, fonts) for step in ws.steps_of(section)]
        h_head = lay.measure(SECTIONS[section], heading_font, lay.right - lay.left, flags)
        h_intro = lay.measure(SECTION_INTRO[section], intro_font, lay.right - lay.left, flags)
        lay.ensure(lay.mm(2) + h_head + h_intro + lay.mm(3) + (rows[0][1] if rows else 0))  # no heading ends a page
        lay.y += lay.mm(2)
        lay.paragraph(SECTIONS[section], heading_font, ACCENT, gap_mm=0.5)
        lay.paragraph(SECTION_INTRO[section], intro_font, GREY, gap_mm=1.5)
        for ops, height in rows:
            lay.ensure(height)
            for op in ops:
                op.rect.translate(0, lay.y)
                lay.add(op)
            lay.y += height
    lay.y += lay.mm(3)
    if kind == "blank":
        lay.paragraph("Check: compute ŷ and J again with the new weights. The cost should be smaller than before: "
                      "one step of gradient descent went downhill.", lay.font(10), gap_mm=2)
    else:
        fell = "fell" if ws.J_new < ws.J else "did not fall (α is too large for this step)"
        lay.paragraph(f"After the update the cost is J = {fmt(ws.J_new)} (before: {fmt(ws.J)}): it {fell}.",
                      lay.font(10, bold=True), gap_mm=2)
    return lay


@dataclass
class _RowFonts:
    equation: QFont
    numbers: QFont
    note: QFont
    result: QFont


def _row_lines(step, kind: str) -> tuple[str, str | None]:
    first = f"{step.symbol} = {step.equation}"
    single = len(step.parts) == 1 and isinstance(step.parts[0], Value)   # e.g. ∂J/∂b = δ: nothing to work out
    if single:
        return first, None
    return first, "= " + (step.blanked(BLANK) if kind == "blank" else step.numbers)


def _row(lay: _Layout, step, kind: str, fonts: _RowFonts) -> tuple[list[_Op], float]:
    """One step as drawing operations relative to the row's top, and the row's height.

    Left: the equation in symbols, under it (indented) the same with numbers, then a hint in small
    italics. Right: the result in a box, level with the line of numbers (blank: an empty box)."""
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
    box_w, box_h, indent = lay.mm(30), lay.mm(6.5), lay.mm(6)
    col_w = lay.right - lay.left - box_w - lay.mm(8)
    first, second = _row_lines(step, kind)
    ops: list[_Op] = []
    y = 0.0
    h = lay.measure(first, fonts.equation, col_w, flags)
    ops.append(_Op("text", QRectF(lay.left, y, col_w, h), first, fonts.equation, INK, flags))
    anchor = (y, h)                                       # the line the box sits level with
    y += h
    if second is not None:
        h = lay.measure(second, fonts.numbers, col_w - indent, flags)
        ops.append(_Op("text", QRectF(lay.left + indent, y, col_w - indent, h), second, fonts.numbers, INK, flags))
        anchor = (y, h)
        y += h
    if step.note:
        y += lay.mm(0.8)                                  # clear of the blanks' underlines
        h = lay.measure(step.note, fonts.note, col_w - indent, flags)
        ops.append(_Op("text", QRectF(lay.left + indent, y, col_w - indent, h), step.note, fonts.note, GREY, flags))
        y += h
    line_top, line_h = anchor
    first_line = QFontMetricsF(fonts.numbers, lay.device).height()
    box_top = max(0.0, line_top + min(line_h, first_line) / 2 - box_h / 2)
    box = QRectF(lay.right - box_w, box_top, box_w, box_h)
    center = int(Qt.AlignmentFlag.AlignCenter)
    if kind == "blank":
        ops.append(_Op("box", box, color=INK))
    else:
        ops.append(_Op("box", box, fill="#EEF4FA", color=LIGHT_GREY))
        ops.append(_Op("text", QRectF(box), step.result_text, fonts.result, INK, center))
    ops.append(_Op("text", QRectF(box.left() - lay.mm(6), box.top(), lay.mm(6), box_h), "=", fonts.numbers, GREY,
                   center))
    return ops, max(y, box.bottom()) + lay.mm(1.6)


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


# -- output -------------------------------------------------------------------------------------------------
def pdf_bytes(worksheet: Worksheet, kind: str = "worked") -> bytes:
    """The worksheet as the bytes of an A4 PDF."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter))
    writer.setResolution(PDF_DPI)
    title, subtitle = _titles(worksheet, kind)
    doc_title = title if kind != "key" else f"Answer key: {subtitle}"
    writer.setTitle(doc_title)
    writer.setCreator("gdlab")
    lay = _layout(worksheet, kind, writer, PDF_DPI)
    # reproducible: an id from what is printed (not Qt's random one), no clock time in the XMP
    seed = "\n".join([doc_title] + [op.text for ops in lay.pages for op in ops])
    writer.setDocumentId(QUuid(str(uuid.uuid5(uuid.NAMESPACE_URL, "gdlab:worksheet:" + seed))))
    writer.setDocumentXmpMetadata(QByteArray(_xmp(doc_title, None)))
    painter = QPainter(writer)
    try:
        for k, ops in enumerate(lay.pages):
            if k:
                writer.newPage()
            _paint_page(painter, lay, worksheet, ops, k + 1, len(lay.pages), kind)
    finally:
        painter.end()
    buffer.close()
    return _fixed_pdf_dates(bytes(data.data()))


def write_worksheet(path: str | os.PathLike, worksheet: Worksheet, kind: str = "worked") -> Path:
    """Write the ``worked``, ``blank`` or ``key`` version as an A4 PDF at ``path``, atomically."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return atomic_write_bytes(path, pdf_bytes(worksheet, kind))


def write_worksheet_set(folder: str | os.PathLike, worksheet: Worksheet, stem: str = "worksheet") -> list[Path]:
    """The three versions side by side: ``stem``-worked.pdf, ``stem``-blank.pdf, ``stem``-key.pdf."""
    folder = Path(folder)
    return [write_worksheet(folder / f"{stem}-{kind}.pdf", worksheet, kind) for kind in KINDS]


def render_pages(worksheet: Worksheet, kind: str = "worked", dpi: float = 100) -> list[QImage]:
    """The pages as images (white A4 at ``dpi``), painted exactly as the PDF is: for a preview."""
    probe = _page_image(dpi)
    lay = _layout(worksheet, kind, probe, dpi)
    images = []
    for k, ops in enumerate(lay.pages):
        image = _page_image(dpi)
        painter = QPainter(image)
        try:
            _paint_page(painter, lay, worksheet, ops, k + 1, len(lay.pages), kind)
        finally:
            painter.end()
        images.append(image)
    return images


def _page_image(dpi: float) -> QImage:
    w, h = round(PAGE_MM[0] * dpi / 25.4), round(PAGE_MM[1] * dpi / 25.4)
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(QColor("#FFFFFF"))
    return image


