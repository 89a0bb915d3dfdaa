"""Figures to files: PNG, SVG and PDF of any view, the clipboard, animated GIFs, handout sheets.

Every export renders a *shown, sized* widget (pyqtgraph #8, #1997: a widget never shown, or of
size 0, renders broken): :func:`prepared` resizes it to the requested size, shows it if it is a
window of its own (with ``WA_DontShowOnScreen``, so nothing appears), processes events, and for
the time of the export

* turns pyqtgraph's item and background caches off (a cached axis is a bitmap: blurry when
  scaled, and a raster image inside an SVG or PDF) and puts its items in export mode (curves
  antialiased, scatter symbols drawn as vectors instead of copied from a bitmap atlas);
* widens cosmetic pens by the PNG's scale (Qt draws a cosmetic pen in device pixels, so a 300-dpi
  image would otherwise have hairline curves);
* applies a :class:`~gdlab.gui.palette.Theme` if one is asked for, and hides buttons (a figure
  in a handout has no "Weights…" button);

then puts everything back as it was.

* **PNG**: ``size`` is the view's size in screen pixels, ``scale`` multiplies the pixels (text and
  lines grow with it, so the picture looks the same, only sharper); ``dpi`` is written into the
  file (``pHYs``) and, when no scale is given, sets it to ``dpi / 96`` — so ``dpi=300`` prints at
  the size the view has on a 96-dpi screen. The experiment is stored as JSON in an ``iTXt``
  chunk ``gdlab:experiment`` (see :mod:`gdlab.core.pngmeta`); File → Open reads it back.
* **SVG** (vector, ``QSvgGenerator``): ``width``/``height`` are the size in pixels; the experiment
  is in ``<metadata><gdlab:experiment>`` (JSON). SVG Tiny has no clipping: a view zoomed in so
  far that lines run past its axes shows them there.
* **PDF** (vector, ``QPdfWriter``): one page of the view's size at 96 dpi (1 px = 0.75 pt); title
  and creator in the document information, the experiment in the XMP metadata
  (``<gdlab:experiment>``). Qt's time stamps are fixed (``SOURCE_DATE_EPOCH`` if set, else
  2000-01-01) and the document id is derived from the content, so the same figure gives the
  same bytes (across processes only with ``QT_HASH_SEED=0``, which ``gdlab export`` sets: Qt
  orders a PDF's font objects by a hash).

Files are written atomically (:mod:`gdlab.core.atomic`): an unwritable path raises
:class:`ExportError` (an ``OSError``) with a clear message, and no file, partial or temporary,
is left behind.

How the window uses it::

    ExportDialog({"Cost": self.cost_plot, ...}, experiment, self, window=self, sheet_views=...,  # export_dialog.py
                 summary=summarize(frame.snapshot), gif_views=("cost", "trajectories")).open()  # Ctrl+E
    export_widget(self.cost_plot, path, size=(1200, 800), scale=2, experiment=self._current_experiment())
    copy_to_clipboard(self.cost_plot, experiment=...)                       # Ctrl+Shift+C
    install_export_actions(self.cost_plot, on_export, on_copy)              # the plot's context menu
    render_sheet({"cost": ..., "data": ..., "trajectories": ...}, experiment, summarize(frame.snapshot),
                 page="A4", fmt="pdf", path=path)                           # File → Export handout sheet
    export_gif(experiment, "cost", path, every_k=20, fps=10, size=(640, 400))
"""
from __future__ import annotations

import datetime as _dt
import math
import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator
from xml.sax.saxutils import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEventLoop,
    QIODevice,
    QMarginsF,
    QMimeData,
    QPoint,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    QUuid,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPen,
    QRegion,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractGraphicsShapeItem,
    QApplication,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsView,
    QMainWindow,
    QWidget,
)

from .. import __version__
from ..core.atomic import atomic_write_bytes
from ..core.budget import require
from ..core.experiment import Experiment
from ..core.gif import MAX_FPS, encode_gif
from ..core.pngmeta import EXPERIMENT_KEY, add_text
from .palette import LIGHT, Theme
from .plots.menu_box import add_menu_action

FORMATS = ("png", "svg", "pdf")
SCREEN_DPI = 96.0
POINTS_PER_PIXEL = 72.0 / SCREEN_DPI
MIN_SIDE, MAX_SIDE = 16, 10000
MAX_PIXELS = 150_000_000          # a 300-dpi A3 page is 17 million; refuse what would exhaust memory
MAX_SCALE = 10.0
DEFAULT_SIZE = (800, 500)
GIF_FRAMES = 50                   # frames of an animation when no step is given
MAX_GIF_FRAMES = 1000
XMLNS = "https://gdlab.invalid/ns/experiment/1"   # the namespace of <gdlab:experiment> in SVG and XMP

__all__ = ["ExportCancelled", "ExportError", "FORMATS", "copy_to_clipboard", "export_experiment",
           "export_gif", "export_widget", "figure_bytes", "format_for", "install_export_actions", "prepared",
           "read_figure_experiment", "render_image", "render_sheet"]


class ExportError(OSError):
    """A figure could not be written. The message names the path and the reason; nothing is left
    behind (no partial or temporary file)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "the export failed"


class ExportCancelled(Exception):
    """The progress callback asked to stop."""


# -- arguments --------------------------------------------------------------------------------------
def format_for(path: str | os.PathLike, fmt: str | None = None, allowed: tuple[str, ...] = FORMATS) -> str:
    """The export format: ``fmt`` if given, else the file name's suffix; ``ValueError`` if neither fits."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if fmt is None:
        if suffix not in allowed:
            raise ValueError(f"{Path(path).name}: cannot tell the format from the file name; end it in "
                             + ", ".join("." + a for a in allowed))
        return suffix
    fmt = fmt.lower().lstrip(".")
    if fmt not in allowed:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(allowed)}")
    return fmt


def checked_size(size: tuple[int, int] | QSize | None, widget: QWidget | None = None) -> tuple[int, int]:
    """A valid (width, height) in pixels: ``size``, else the widget's size, else a default."""
    if size is None:
        current = widget.size() if widget is not None else QSize()
        if widget is not None and widget.isVisible() and current.width() >= MIN_SIDE and current.height() >= MIN_SIDE:
            return current.width(), current.height()
        return DEFAULT_SIZE
    w, h = (size.width(), size.height()) if isinstance(size, QSize) else size
    if int(w) != w or int(h) != h or not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
        raise ValueError(f"size {w}x{h}: width and height must be whole numbers from {MIN_SIDE} to {MAX_SIDE}")
    return int(w), int(h)


def scale_and_dpi(scale: float | None, dpi: float | None) -> tuple[float, float]:
    """(pixel scale, dpi written to the PNG): dpi alone sets scale = dpi / 96; scale alone sets dpi = 96 · scale."""
    if dpi is not None and not 24 <= dpi <= 2400:
        raise ValueError(f"dpi {dpi:g}: expected 24 to 2400")
    if scale is None:
        scale = dpi / SCREEN_DPI if dpi is not None else 1.0
    if not 0.1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale {scale:g}: expected 0.1 to {MAX_SCALE:g}")
    return float(scale), float(dpi if dpi is not None else SCREEN_DPI * scale)


def check_writable(path: str | os.PathLike) -> Path:
    """Fail early, with a clear :class:`ExportError`, if ``path`` cannot be written."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a folder")
    if not folder.exists():
        raise ExportError(f"cannot write {target}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise ExportError(f"cannot write {target}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {target}: the folder {folder} is not writable")
    return target


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` atomically; an :class:`ExportError` (and no file at all) if it cannot be written."""
    try:
        return atomic_write_bytes(path, data)
    except OSError as exc:
        error = ExportError(f"cannot write {path}: {exc.strerror or exc}")
        error.errno = exc.errno
        raise error from None


# -- getting a widget ready --------------------------------------------------------------------------
def current_theme(widget: QWidget) -> Theme | None:
    """The theme of a gdlab view (a LivePlot, or a widget holding one as ``.plot``), else None."""
    theme = getattr(widget, "theme", None)
    if isinstance(theme, Theme):
        return theme
    inner = getattr(widget, "plot", None)
    theme = getattr(inner, "theme", None)
    return theme if isinstance(theme, Theme) else None


def _themed_targets(widget: QWidget) -> list[QWidget]:
    """The widgets to call ``apply_theme`` on: the widget itself if it can, else its outermost
    descendants that can."""
    if callable(getattr(widget, "apply_theme", None)):
        return [widget]
    out: list[QWidget] = []
    for child in widget.findChildren(QWidget):
        if callable(getattr(child, "apply_theme", None)) and not any(t.isAncestorOf(child) for t in out):
            out.append(child)
    return out


def _scaled_pen(pen: Any, factor: float) -> Any:
    if not isinstance(pen, QPen) or not pen.isCosmetic() or factor == 1.0:
        return pen
    wider = QPen(pen)
    wider.setWidthF((pen.widthF() if pen.widthF() > 0 else 1.0) * factor)
    return wider


def _graphics_views(widget: QWidget) -> list[QGraphicsView]:
    views = [widget] if isinstance(widget, QGraphicsView) else []
    return views + [v for v in widget.findChildren(QGraphicsView) if v.scene() is not None]


def _plot_widgets(widget: QWidget) -> list[pg.PlotWidget]:
    return ([widget] if isinstance(widget, pg.PlotWidget) else []) + widget.findChildren(pg.PlotWidget)


def _process_events() -> None:
    app = QApplication.instance()
    if app is not None:
        app.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)


@contextmanager
def prepared(widget: QWidget, size: tuple[int, int], theme: Theme | None = None,
             line_scale: float = 1.0, symbol_scale: float = 1.0) -> Iterator[QWidget]:
    """Ready ``widget`` for rendering at ``size`` (see the module docstring); everything it changes
    is put back on exit, in reverse order.

    pyqtgraph items are put in export mode, so scatter symbols are drawn as vectors (not copied
    from a bitmap atlas), ``symbol_scale`` times their size on screen (the sheet draws views
    shrunk, see :mod:`gdlab.gui.sheet`)."""
    undo: list[Callable[[], Any]] = []
    try:
        if theme is not None:
            for target in _themed_targets(widget):
                old = current_theme(target)
                target.apply_theme(theme)
                if old is not None:
                    undo.append(lambda t=target, o=old: t.apply_theme(o))
        look = theme or current_theme(widget)
        if look is not None and not isinstance(widget, QMainWindow):
            had_palette = widget.testAttribute(Qt.WidgetAttribute.WA_SetPalette)
            old_palette = QPalette(widget.palette())
            palette = QPalette(old_palette)
            roles = QPalette.ColorRole
            for role, color in ((roles.Window, look.background), (roles.Base, look.background),
                                (roles.WindowText, look.foreground), (roles.Text, look.foreground)):
                palette.setColor(role, QColor(color))
            widget.setPalette(palette)
            undo.append(lambda: widget.setPalette(old_palette if had_palette else QPalette()))
        for plot in (widget, *widget.findChildren(QWidget)):
            if hasattr(plot, "clear_readout"):
                plot.clear_readout()  # a crosshair is about the mouse on screen, never part of a figure
        if not isinstance(widget, QMainWindow):
            for button in widget.findChildren(QAbstractButton):
                if button.isVisibleTo(widget):
                    button.hide()
                    undo.append(button.show)
        old_geometry = widget.geometry()
        if widget.size() != QSize(*size):
            widget.resize(*size)
            undo.append(lambda: widget.setGeometry(old_geometry))
        if widget.isWindow() and not widget.isVisible():
            widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            widget.show()
            undo.append(lambda: (widget.hide(), widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, False)))
        _settle(widget, size)
        for view in _graphics_views(widget):
            old_mode, old_hints = view.cacheMode(), view.renderHints()
            view.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
            view.resetCachedContent()
            view.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            undo.append(lambda v=view, m=old_mode, h=old_hints: (v.setRenderHints(h), v.setCacheMode(m)))
            for item in view.scene().items():
                mode = item.cacheMode()
                if mode != QGraphicsItem.CacheMode.NoCache:
                    item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
                    undo.append(lambda i=item, m=mode: i.setCacheMode(m))
                if isinstance(item, pg.GraphicsItem):
                    item.setExportMode(True, {"antialias": True, "resolutionScale": symbol_scale})
                    undo.append(lambda i=item: i.setExportMode(False))
                _widen(item, line_scale, undo)
        _refresh_tree(widget)
        _settle(widget, size)
        yield widget
    finally:
        for fn in reversed(undo):
            fn()


def _settle(widget: QWidget, size: tuple[int, int]) -> None:
    """Process events until the widget keeps ``size``: a view inside the window's layout can be
    put back to its place by its parent (e.g. when hiding a button changed its size hint)."""
    want = QSize(*size)
    for _ in range(4):
        _process_events()
        if widget.size() == want:
            return
        widget.resize(want)


def _widen(item: QGraphicsItem, factor: float, undo: list) -> None:
    """Widen the cosmetic pens of the items that draw lines (see :func:`prepared`)."""
    if factor == 1.0:
        return
    if isinstance(item, pg.PlotCurveItem):
        old = {k: item.opts.get(k) for k in ("pen", "shadowPen")}
        item.opts.update(pen=_scaled_pen(old["pen"], factor), shadowPen=_scaled_pen(old["shadowPen"], factor))
        item.update()
        undo.append(lambda i=item, o=old: (i.opts.update(o), i.update()))
    elif isinstance(item, pg.AxisItem):
        pen = item.pen()
        item.setPen(_scaled_pen(pen, factor))
        undo.append(lambda i=item, p=pen: i.setPen(p))
    elif isinstance(item, pg.InfiniteLine):
        pen = item.pen
        item.setPen(_scaled_pen(pen, factor))
        undo.append(lambda i=item, p=pen: i.setPen(p))
    elif isinstance(item, (QAbstractGraphicsShapeItem, QGraphicsLineItem)):
        pen = item.pen()
        item.setPen(_scaled_pen(pen, factor))
        undo.append(lambda i=item, p=pen: i.setPen(p))


def _refresh_tree(widget: QWidget) -> None:
    """Draw what the views hold (the window's redraw timer does this in the app)."""
    for w in [widget, *widget.findChildren(QWidget)]:
        fn = getattr(w, "refresh", None)
        if callable(fn) and type(w).__module__.startswith("gdlab."):
            fn()


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
    painter = QPainter()
    if not painter.begin(generator):
        raise ValueError("Qt could not start the SVG")
    try:
        paint(painter)
    finally:
        painter.end()
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
    painter = QPainter()
    if not painter.begin(writer):
        raise ValueError("Qt could not start the PDF")
    try:
        paint(painter)
    finally:
        painter.end()  # the writer must outlive the painter
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


def export_widget(widget: QWidget, path: str | os.PathLike, fmt: str | None = None,
                  size: tuple[int, int] | None = None, scale: float | None = None, dpi: float | None = None,
                  experiment: Experiment | None = None, theme: Theme | None = None,
                  title: str | None = None) -> Path:
    """Write ``widget`` to ``path`` as PNG, SVG or PDF (``fmt``, else from the suffix).

    ``size``: (width, height) in screen pixels (default: the widget's size if it is shown, else
    800×500). ``scale``/``dpi``: PNG resolution (see the module docstring). ``experiment``: stored
    in the file's metadata. ``theme``: draw in this theme (the widget is put back afterwards).
    Raises ``ValueError`` for bad arguments and :class:`ExportError` if the file cannot be written.
    """
    from .sheet import SheetWidget

    fmt = format_for(path, fmt)
    if isinstance(widget, SheetWidget):
        return render_sheet(widget.views, experiment or widget.experiment, widget.summary, page=widget.page,
                            fmt=fmt, path=path, dpi=dpi, theme=theme or widget.theme, scale=scale)
    check_writable(path)
    data = figure_bytes(widget, fmt, size, scale, dpi, experiment, theme, title)
    return write_atomic(path, data)


def copy_to_clipboard(widget: QWidget, size: tuple[int, int] | None = None, scale: float | None = None,
                      experiment: Experiment | None = None, theme: Theme | None = None) -> QImage:
    """Put the figure on the clipboard as an image, as PNG bytes (with the experiment) and as SVG."""
    size = checked_size(size, widget)
    scale, dpi = scale_and_dpi(scale, None)
    title = figure_title(widget, experiment)
    with prepared(widget, size, theme, line_scale=scale):
        image = render_image(widget, size, scale, theme)
    png = png_bytes(image, dpi, experiment, title)
    svg = figure_bytes(widget, "svg", size, experiment=experiment, theme=theme, title=title)
    mime = _native_mime_data()
    mime.setImageData(image)
    mime.setData("image/png", QByteArray(png))
    mime.setData("image/svg+xml", QByteArray(svg))
    QGuiApplication.clipboard().setMimeData(mime)
    return image


def _native_mime_data() -> QMimeData:
    """An empty QMimeData made by Qt itself.

    A QMimeData made in Python is a PySide subclass whose virtual methods call into Python; the
    clipboard owns it and deletes it when the application goes, after the interpreter has shut
    down, and the process dies with a segmentation fault at exit (PySide6 6.11). One made by Qt
    (here: by an item model, emptied) has no Python in it.
    """
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    model = QStandardItemModel()
    model.appendRow(QStandardItem())
    mime = model.mimeData([model.index(0, 0)])
    mime.clear()
    return mime


def install_export_actions(widget: QWidget, on_export: Callable[[], Any],
                           on_copy: Callable[[], Any] | None = None) -> list[QAction]:
    """Add "Export figure…" (and "Copy figure") to a view's context menu.

    A pyqtgraph plot gets them in its ViewBox menu (next to pyqtgraph's own entries); any other
    widget gets them as actions shown by a right click (``Qt.ActionsContextMenu``).
    """
    actions = []
    plots = _plot_widgets(widget)
    view_box = plots[0].getPlotItem().vb if plots else None
    for text, slot, tip in (("Export figure…", on_export, "Save this view as PNG, SVG or PDF (Ctrl+E)."),
                            ("Copy figure", on_copy, "Copy this view to the clipboard (Ctrl+Shift+C).")):
        if slot is None:
            continue
        action = QAction(text, widget)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        if view_box is not None:
            add_menu_action(view_box, action)
        else:
            widget.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            widget.addAction(action)
        actions.append(action)
    return actions


# -- reading the experiment back from a figure (for checks) ---------------------------------------------
def read_figure_experiment(path: str | os.PathLike) -> Experiment:
    """The experiment stored in a PNG, SVG or PDF figure exported by gdlab."""
    from ..core.experiment import ExperimentError
    from ..core.pngmeta import experiment_from_png, is_png

    path = Path(path)
    if is_png(path):
        return experiment_from_png(path)
    data = path.read_bytes()
    m = re.search(rb"<gdlab:experiment[^>]*>(.*?)</gdlab:experiment>", data, re.S)
    if m is None:
        raise ExperimentError("", f"{path.name} carries no gdlab experiment")
    from xml.sax.saxutils import unescape

    return Experiment.from_json(unescape(m.group(1).decode("utf-8")))


# -- handout sheets ------------------------------------------------------------------------------------
def render_sheet(views: dict[str, QWidget], experiment: Experiment, summary: dict[str, Any], page: str = "A4",
                 fmt: str = "pdf", path: str | os.PathLike | None = None, dpi: float | None = None,
                 theme: Theme | None = None, scale: float | None = None) -> Path | bytes:
    """A one-page handout: title, the views (in ``views`` order), a caption built from the experiment
    and ``summary`` (see :func:`gdlab.gui.sheet.summarize`), and a parameter table.

    ``page``: "A4" or "Letter". ``fmt``: "pdf" (vector, the page size in points), "png" or "svg".
    PNG: the page at ``dpi`` (default 300); with a ``scale``, as for a figure (:func:`scale_and_dpi`):
    the page's 96-dpi pixels times ``scale``, and ``dpi`` (default 96 · scale) written into the file.
    Writes ``path`` atomically and returns it; with no path, returns the bytes.
    """
    from .sheet import sheet_bytes, sheet_image

    if path is not None:
        fmt = format_for(path, fmt)
        check_writable(path)
    fmt = format_for("", fmt)
    if fmt == "png" and scale is not None:
        scale, dpi = scale_and_dpi(scale, dpi)
        image = sheet_image(views, experiment, summary, page, SCREEN_DPI * scale, theme)
        data = png_bytes(image, dpi, experiment, f"gdlab: {experiment.name} — handout")  # sheet_bytes' title
    else:
        data = sheet_bytes(views, experiment, summary, page, fmt, dpi, theme)
    return write_atomic(path, data) if path is not None else data


# -- animations ------------------------------------------------------------------------------------------
GIF_HOLD_SECONDS = 1.5  # the last frame stays this long before the loop starts again: the end is read

def export_gif(experiment: Experiment, view_name: str, path: str | os.PathLike, every_k: int | None = None,
               fps: float = 10.0, size: tuple[int, int] = (640, 400), theme: Theme | None = None,
               iterations: int | None = None, progress: Callable[[int, int], Any] | None = None,
               fixed_axes: bool = True) -> Path:
    """An animated GIF of view ``view_name`` over a fresh run of ``experiment``.

    The run is stepped from iteration 0 and a frame is drawn every ``every_k`` iterations (default:
    about 50 frames) and at the end, feeding the view the run's recorded history exactly as the
    worker feeds the window. ``fixed_axes``: every frame uses the axes of the last one, so the
    picture does not jump. ``progress(done, total)`` is called after each frame; returning False
    cancels (:class:`ExportCancelled`). Raises ``ValueError``/``ViewError`` for bad arguments and
    :class:`ExportError` if the file cannot be written.
    """
    from .render import feed_frames, fit_to_data, get_view, record_frames, refresh

    spec = get_view(view_name, experiment)
    size = checked_size(size)
    if not 0 < fps <= MAX_FPS:
        raise ValueError(f"fps {fps:g}: expected above 0 and at most {MAX_FPS}")
    if iterations is not None:
        experiment = experiment.replace(max_iterations=int(iterations))
    total = experiment["max_iterations"]
    every = int(every_k) if every_k else max(1, math.ceil(total / GIF_FRAMES))
    if every < 1:
        raise ValueError(f"every {every}: frames need at least one iteration between them")
    if total // every + 2 > MAX_GIF_FRAMES:
        raise ValueError(f"a frame every {every} iterations of {total} makes more than {MAX_GIF_FRAMES} frames; "
                         "take a larger step")
    # every frame's pixels (RGB, 3 bytes) stay until the palette is made, packed (4) and indexed (1)
    n_frames = total // every + 2
    require(8.0 * n_frames * size[0] * size[1], "size, every", f"{n_frames} frames of {size[0]}×{size[1]}",
            "make the size smaller, or take a frame every more iterations")
    check_writable(path)
    theme = theme or LIGHT
    frames = record_frames(experiment, every)
    ranges = None
    if fixed_axes:
        final = spec.create(experiment, theme)
        try:
            feed_frames(spec, final, frames)
            fit_to_data(final)
            with prepared(final, size, theme):
                ranges = [pw.getPlotItem().vb.viewRange() for pw in _plot_widgets(final)]
        finally:
            _dispose(final)
    widget = spec.create(experiment, theme)
    images = []
    try:
        feed_frames(spec, widget, frames[:1])
        with prepared(widget, size, theme):
            for i, frame in enumerate(frames):
                if i:
                    spec.feed(widget, frame)
                    refresh(widget)
                if ranges is not None:
                    _set_ranges(widget, ranges)
                _process_events()
                images.append(image_array(render_image(widget, size, 1.0, theme)))
                if progress is not None and progress(i + 1, len(frames)) is False:
                    raise ExportCancelled("the animation was cancelled")
    finally:
        _dispose(widget)
    return write_atomic(path, encode_gif(images, fps, hold_last=GIF_HOLD_SECONDS))


def _set_ranges(widget: QWidget, ranges: list) -> None:
    for pw, (xr, yr) in zip(_plot_widgets(widget), ranges):
        if hasattr(pw, "following"):
            pw.following = False
        vb = pw.getPlotItem().vb
        vb.disableAutoRange()
        vb.setRange(xRange=xr, yRange=yr, padding=0)


def _dispose(widget: QWidget) -> None:
    widget.hide()
    widget.deleteLater()


# -- the headless command ---------------------------------------------------------------------------------
def export_experiment(experiment: Experiment, view: str, path: str | os.PathLike, fmt: str | None = None,
                      size: tuple[int, int] = DEFAULT_SIZE, theme: Theme | None = None, iterations: int | None = None,
                      scale: float | None = None, dpi: float | None = None, page: str = "A4",
                      every_k: int | None = None, fps: float = 10.0,
                      progress: Callable[[int, int], Any] | None = None) -> Path:
    """Run ``experiment`` without showing anything and write view ``view`` to ``path``.

    What ``gdlab export`` does. The file stores the experiment with ``max_iterations`` set to
    the iterations run, so opening it reproduces the figure. Same inputs, same bytes.
    ``progress(done, total)``: after each GIF frame drawn, else after each block of training.
    """
    from .render import build_view, get_view, run_experiment

    fmt = format_for(path, fmt, FORMATS + ("gif",))
    get_view(view, experiment)
    size = checked_size(size)
    scale_and_dpi(scale, dpi)
    check_writable(path)
    if iterations is not None:
        experiment = experiment.replace(max_iterations=int(iterations))
    if fmt == "gif":
        return export_gif(experiment, view, path, every_k, fps, size, theme, progress=progress)
    run = run_experiment(experiment, progress=progress)
    widget = build_view(view, run, experiment, theme=theme)
    try:
        if view == "sheet":
            widget.page = page
            return render_sheet(widget.views, experiment, widget.summary, page, fmt, path, dpi, theme, scale)
        return export_widget(widget, path, fmt, size, scale, dpi, experiment, theme)
    finally:
        _dispose(widget)
