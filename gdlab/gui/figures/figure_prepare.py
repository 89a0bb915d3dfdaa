"""Getting a widget ready to be a figure: the export limits and errors, checked arguments
(format, size, scale and dpi, a writable path), atomic writes, and :func:`prepared`, the context
in which a view is resized, themed, widened and drawn without caches, then put back."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import pyqtgraph as pg
from PySide6.QtCore import (
    QEventLoop,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPalette,
    QPen,
)
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

from ...core.io.atomic import atomic_write_bytes
from ..palette import Theme

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
    shrunk, see :mod:`gdlab.gui.figures.sheet`)."""
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
