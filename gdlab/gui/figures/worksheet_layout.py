"""The worksheet's layout: what goes on each page (titles, the given numbers, one row per equation
of :class:`~gdlab.core.teaching.worksheet.Worksheet`), measured once with the fonts of the device it is drawn
on, as a list of drawing operations per page (:class:`_Layout`). The constants of the sheet (page,
margins, fonts, colours, words) are here too.

:mod:`gdlab.gui.figures.worksheet_paint` paints the operations; :mod:`gdlab.gui.figures.worksheet_pdf` writes them.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPaintDevice

from ...core.teaching.worksheet import BACKWARD, COST, FORWARD, SECTIONS, UPDATE, Value, Worksheet, fmt, fmt_given

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
