"""File → Export worksheet: one iteration of a tiny network as an A4 PDF to print.

Three versions of the same :class:`~gdlab.core.teaching.worksheet.Worksheet`:

* ``worked``: every equation with its numbers and its result;
* ``blank``:  the same lines with the given numbers (inputs, target, weights, biases, α) only:
  the numbers a student computes are blanks ``______`` and each result an empty box;
* ``key``:    the worked version titled "Answer key", to hand out after the blank one.

Each page is laid out once (text measured with the fonts of the device it is drawn on) and then
painted with QPainter: a title, a diagram of the network with its weights (circles and lines), the
given numbers, then "1. Forward pass", "2. The cost", "3. Backward pass", "4. The update". The same
painting goes to a PDF (QPdfWriter, A4) or to images (:func:`render_pages`, for a preview). The PDF is
written to memory and then to disk atomically, and is reproducible like a figure's PDF (see
:mod:`gdlab.gui.figures.export`): fixed time stamps (``SOURCE_DATE_EPOCH`` if set, else 2000-01-01), gdlab's
XMP metadata instead of Qt's (which has the clock time) and a document id derived from the text.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QUuid
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

from ...core.io.atomic import atomic_write_bytes
from ...core.teaching.worksheet import Worksheet
from .figure_encode import _fixed_pdf_dates, _xmp
from .worksheet_layout import BLANK, KINDS, PAGE_MM, PDF_DPI, _layout, _titles
from .worksheet_paint import _paint_page

__all__ = ["BLANK", "KINDS", "pdf_bytes", "render_pages", "write_worksheet", "write_worksheet_set"]


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
