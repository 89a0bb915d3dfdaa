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
  chunk ``gdlab:experiment`` (see :mod:`gdlab.core.files.pngmeta`); File → Open reads it back.
* **SVG** (vector, ``QSvgGenerator``): ``width``/``height`` are the size in pixels; the experiment
  is in ``<metadata><gdlab:experiment>`` (JSON). SVG Tiny has no clipping: a view zoomed in so
  far that lines run past its axes shows them there.
* **PDF** (vector, ``QPdfWriter``): one page of the view's size at 96 dpi (1 px = 0.75 pt); title
  and creator in the document information, the experiment in the XMP metadata
  (``<gdlab:experiment>``). Qt's time stamps are fixed (``SOURCE_DATE_EPOCH`` if set, else
  2000-01-01) and the document id is derived from the content, so the same figure gives the
  same bytes (across processes only with ``QT_HASH_SEED=0``, which ``gdlab export`` sets: Qt
  orders a PDF's font objects by a hash).

Files are written atomically (:mod:`gdlab.core.io.atomic`): an unwritable path raises
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

import math
import os
import re
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import (
    QByteArray,
    QMimeData,
    Qt,
)
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QImage,
)
from PySide6.QtWidgets import (
    QWidget,
)

from ...core.files.experiment import Experiment
from ...core.io.budget import require
from ...core.io.gif import MAX_FPS, encode_gif
from ..palette import LIGHT, Theme
from ..plots.menu_box import add_menu_action
from .figure_encode import (
    figure_bytes,
    figure_title,
    image_array,
    png_bytes,
    render_image,
)
from .figure_prepare import (
    DEFAULT_SIZE,
    FORMATS,
    GIF_FRAMES,
    MAX_GIF_FRAMES,
    SCREEN_DPI,
    ExportCancelled,
    ExportError,
    _plot_widgets,
    _process_events,
    check_writable,
    checked_size,
    format_for,
    prepared,
    scale_and_dpi,
    write_atomic,
)

# The figure functions are imported from here too: export_* write files, the rest come from
# figure_prepare (getting a widget ready) and figure_encode (drawing and encoding it).
__all__ = ["ExportCancelled", "ExportError", "FORMATS", "copy_to_clipboard", "export_experiment",
           "export_gif", "export_widget", "figure_bytes", "format_for", "image_array", "install_export_actions",
           "prepared", "read_figure_experiment", "render_image", "render_sheet"]


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
    from ...core.files.experiment import ExperimentError, experiment_from_png
    from ...core.files.pngmeta import is_png

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
    and ``summary`` (see :func:`gdlab.gui.figures.sheet.summarize`), and a parameter table.

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
    if not spec.animates(experiment):
        raise ValueError(f"the {view_name} view of a network is drawn from its final weights (a slice through "
                         "them), a still: export it as PNG, SVG or PDF")
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
                      progress: Callable[[int, int], Any] | None = None, sample: int = 0,
                      steps: int | None = None) -> Path:
    """Run ``experiment`` without showing anything and write view ``view`` to ``path``.

    What ``gdlab export`` does. The file stores the experiment with ``max_iterations`` set to
    the iterations run, so opening it reproduces the figure. Same inputs, same bytes.
    ``progress(done, total)``: after each GIF frame drawn, else after each block of training.
    ``sample``: the training sample (0-based) of the computation graph; ``steps``: iterations to run
    before drawing, fewer than ``max_iterations`` (the graph: 0, its start, unless asked).
    """
    from ...core.run.training import make_run
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
    if steps is not None and steps < experiment["max_iterations"]:
        run = make_run(experiment) if steps == 0 else run_experiment(experiment, steps, progress=progress)
    else:
        run = run_experiment(experiment, progress=progress)
    if view == "graph" and not 0 <= sample < len(run.X_train):
        raise ValueError(f"--sample {sample + 1}: the training set has samples 1 … {len(run.X_train)}")
    widget = build_view(view, run, experiment, theme=theme, sample=sample)
    try:
        if view == "sheet":
            widget.page = page
            return render_sheet(widget.views, experiment, widget.summary, page, fmt, path, dpi, theme, scale)
        return export_widget(widget, path, fmt, size, scale, dpi, experiment, theme)
    finally:
        _dispose(widget)
