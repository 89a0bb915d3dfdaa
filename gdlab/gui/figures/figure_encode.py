"""Drawing a prepared widget and encoding it: an image (PNG with its dpi, title and experiment),
SVG and PDF with the experiment in their metadata, and :func:`figure_bytes`, the three in one."""
from __future__ import annotations

import datetime as _dt
import os
import re
import uuid
from typing import Callable
from xml.sax.saxutils import escape

import numpy as np
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QPoint,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    QUuid,
)
from PySide6.QtGui import (
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPalette,
    QPdfWriter,
    QRegion,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QWidget,
)

from ... import __version__
from ...core.files.experiment import Experiment
from ...core.files.pngmeta import EXPERIMENT_KEY, add_text
from ...core.io.budget import require
from ..palette import Theme
from .figure_prepare import (
    MAX_PIXELS,
    POINTS_PER_PIXEL,
    SCREEN_DPI,
    XMLNS,
    checked_size,
    current_theme,
    format_for,
    prepared,
    scale_and_dpi,
)


# -- rendering ----------------------------------------------------------------------------------------
def paint_widget(painter: QPainter, widget: QWidget, target: QRectF | None = None, zoom: float = 1.0) -> None:
    """Render a prepared widget with ``painter`` at ``target``'s corner, shrunk by ``zoom``."""
    painter.save()
    try:
        if target is not None:
            painter.translate(target.topLeft())
        if zoom != 1.0:
            painter.scale(1.0 / zoom, 1.0 / zoom)
        flags = QWidget.RenderFlag.DrawWindowBackground | QWidget.RenderFlag.DrawChildren
        QWidget.render(widget, painter, QPoint(0, 0), QRegion(), flags)  # QGraphicsView.render differs
    finally:
        painter.restore()


def _background(widget: QWidget, theme: Theme | None) -> QColor:
    look = theme or current_theme(widget)
    return QColor(look.background) if look is not None else widget.palette().color(QPalette.ColorRole.Window)


def render_image(widget: QWidget, size: tuple[int, int], scale: float = 1.0, theme: Theme | None = None) -> QImage:
    """The prepared widget as an opaque image of ``size × scale`` pixels."""
    w, h = size
    pixels = (round(w * scale), round(h * scale))
    if pixels[0] * pixels[1] > MAX_PIXELS:
        raise ValueError(f"{pixels[0]}x{pixels[1]} pixels is too large an image (at most {MAX_PIXELS // 1_000_000} "
                         "million pixels)")
    # the image, a copy for the file's encoder and the encoder's own buffer: 3 × 4 bytes a pixel
    require(12.0 * pixels[0] * pixels[1], "size, scale", f"a {pixels[0]}×{pixels[1]} image")
    image = QImage(pixels[0], pixels[1], QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(_background(widget, theme))
    painter = QPainter()
    if not painter.begin(image):
        raise ValueError("cannot paint an image of this size")
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing |
                               QPainter.RenderHint.SmoothPixmapTransform)
        paint_widget(painter, widget)
    finally:
        painter.end()
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(1.0)
    return image


def image_array(image: QImage) -> np.ndarray:
    """An (H, W, 3) uint8 copy of an image's pixels."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    h, w = rgb.height(), rgb.width()
    raw = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=rgb.bytesPerLine() * h)
    return raw.reshape(h, rgb.bytesPerLine())[:, :w * 3].reshape(h, w, 3).copy()


def png_bytes(image: QImage, dpi: float, experiment: Experiment | None = None, title: str = "") -> bytes:
    """The image as PNG bytes with its dpi (pHYs) and text chunks: Software, Title, gdlab:experiment."""
    image = QImage(image)
    dots_per_meter = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ValueError("Qt could not encode the PNG")
    texts = {"Software": f"gdlab {__version__}"}
    if title:
        texts["Title"] = title
    if experiment is not None:
        texts[EXPERIMENT_KEY] = experiment.to_json()
    return add_text(bytes(buffer.data()), texts)


def _paint_on(device: QPaintDevice, paint: Callable[[QPainter], None], what: str) -> None:
    """Run ``paint`` with a painter on ``device`` (an SVG generator, a PDF writer), ended after it."""
    painter = QPainter()
    if not painter.begin(device):
        raise ValueError(f"Qt could not start the {what}")
    try:
        paint(painter)
    finally:
        painter.end()


def _svg(paint: Callable[[QPainter], None], size: tuple[int, int], title: str, experiment: Experiment | None) -> bytes:
    w, h = size
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(w, h))
    generator.setViewBox(QRect(0, 0, w, h))
    generator.setResolution(int(SCREEN_DPI))
    generator.setTitle(title)
    generator.setDescription(f"Made with gdlab {__version__}" + (
        "; the experiment is stored in <metadata> (open the PNG export of it with File → Open)" if experiment else ""))
    _paint_on(generator, paint, "SVG")
    text = bytes(buffer.data()).decode("utf-8")
    # Qt writes the size in millimetres; the requested size is in pixels (SVG user units)
    text = re.sub(r'<svg width="[^"]*" height="[^"]*"', f'<svg width="{w}" height="{h}"', text, count=1)
    if experiment is not None:
        meta = (f'<metadata id="gdlab-experiment"><gdlab:experiment xmlns:gdlab="{XMLNS}">'
                f"{escape(experiment.to_json())}</gdlab:experiment></metadata>\n")
        at = text.find("</desc>")
        at = at + len("</desc>") + 1 if at >= 0 else text.find(">", text.find("<svg")) + 1
        text = text[:at] + meta + text[at:]
    return text.encode("utf-8")


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:(\d{14})(Z|[+-]\d\d'\d\d')?\)")


def _fixed_pdf_dates(data: bytes) -> bytes:
    """Replace Qt's time stamps by a fixed one of the same length (so the xref offsets stay right)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    when = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch.isdigit()
            else _dt.datetime(2000, 1, 1, tzinfo=_dt.timezone.utc))
    stamp = when.strftime("%Y%m%d%H%M%S").encode("ascii")

    def fix(m: re.Match) -> bytes:
        zone = m.group(3) or b""
        zone = b"Z" if len(zone) == 1 else (b"+00'00'" if len(zone) == 7 else zone)
        return b"/" + m.group(1) + b" (D:" + stamp + zone + b")"

    return _PDF_DATE.sub(fix, data)


def _xmp(title: str, experiment: Experiment | None) -> bytes:
    extra = f"\n   <gdlab:experiment>{escape(experiment.to_json())}</gdlab:experiment>" if experiment else ""
    return (f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            f'<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            f' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            f'  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            f'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:gdlab="{XMLNS}">\n'
            f'   <dc:format>application/pdf</dc:format>\n'
            f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>\n'
            f'   <xmp:CreatorTool>gdlab {__version__}</xmp:CreatorTool>{extra}\n'
            f'  </rdf:Description>\n'
            f' </rdf:RDF>\n'
            f'</x:xmpmeta>\n'
            f'<?xpacket end="w"?>').encode("utf-8")


def pdf_document(paint: Callable[[QPainter], None], page: QPageSize, title: str,
                 experiment: Experiment | None) -> bytes:
    """A one-page PDF, painted by ``paint`` in units of 1/96 inch, with gdlab's metadata."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(int(SCREEN_DPI))
    writer.setPageLayout(QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0),
                                     QPageLayout.Unit.Point))
    writer.setTitle(title)
    writer.setCreator(f"gdlab {__version__}")
    seed = title + "\n" + (experiment.to_json() if experiment else "")
    writer.setDocumentId(QUuid(str(uuid.uuid5(uuid.NAMESPACE_URL, "gdlab:" + seed))))
    writer.setDocumentXmpMetadata(QByteArray(_xmp(title, experiment)))
    _paint_on(writer, paint, "PDF")  # the writer must outlive the painter
    return _fixed_pdf_dates(bytes(buffer.data()))


def figure_title(widget: QWidget | None, experiment: Experiment | None) -> str:
    name = experiment.name if experiment is not None else "figure"
    view = ""
    if widget is not None:
        view = getattr(widget, "_title", "") or getattr(getattr(widget, "plot", None), "_title", "") or \
            widget.windowTitle()
    return f"gdlab: {name}" + (f" — {view}" if view and isinstance(view, str) else "")


def figure_bytes(widget: QWidget, fmt: str, size: tuple[int, int] | None = None, scale: float | None = None,
                 dpi: float | None = None, experiment: Experiment | None = None, theme: Theme | None = None,
                 title: str | None = None) -> bytes:
    """The bytes of a PNG, SVG or PDF figure of ``widget`` (see the module docstring)."""
    fmt = format_for("", fmt)
    size = checked_size(size, widget)
    scale, dpi = scale_and_dpi(scale, dpi)
    title = title or figure_title(widget, experiment)
    background = None
    with prepared(widget, size, theme, line_scale=scale if fmt == "png" else 1.0):
        background = _background(widget, theme)
        if fmt == "png":
            return png_bytes(render_image(widget, size, scale, theme), dpi, experiment, title)

        def paint(painter: QPainter) -> None:
            painter.fillRect(QRectF(0, 0, *size), background)
            paint_widget(painter, widget)

        if fmt == "svg":
            return _svg(paint, size, title, experiment)
        page = QPageSize(QSizeF(size[0] * POINTS_PER_PIXEL, size[1] * POINTS_PER_PIXEL), QPageSize.Unit.Point,
                         "figure", QPageSize.SizeMatchPolicy.ExactMatch)
        return pdf_document(paint, page, title, experiment)
