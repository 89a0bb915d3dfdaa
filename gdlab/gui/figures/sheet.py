"""The handout sheet: one page with the run's main views, a caption and a parameter table.

Layout (A4 or Letter, portrait; lengths in pixels at 96 dpi, so 1 px = 0.75 pt)::

    ┌──────────────────────────────────────┐
    │ experiment name                gdlab │  title, and the experiment's one-line summary
    │ summary                              │
    │ ┌───────────────┐ ┌───────────────┐  │
    │ │ cost          │ │ data/surface  │  │  the views, two to a row; an odd last one
    │ └───────────────┘ └───────────────┘  │  takes the whole width
    │ ┌──────────────────────────────────┐ │
    │ │ weight trajectories              │ │
    │ └──────────────────────────────────┘ │
    │ Caption: network, data, optimiser,   │  built from the experiment and the run's outcome
    │ α, iterations, final cost.           │
    │ ┌──────────┬──────┬──────────┬─────┐ │  the parameters that made the picture
    │ └──────────┴──────┴──────────┴─────┘ │
    │ footer: how to reproduce the figure  │
    └──────────────────────────────────────┘

Each view is laid out at ``VIEW_ZOOM`` times its place on the page and drawn shrunk by that
factor, so its axis labels print at about 7–9 pt. The PDF is vector; the PNG is the page at the
chosen dpi (300 by default).
"""
from __future__ import annotations

import math
from contextlib import ExitStack
from html import escape
from typing import Any

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageSize, QPainter, QTextDocument
from PySide6.QtWidgets import QWidget

from ... import __version__
from ...core.files.experiment import Experiment
from ...core.io.printing import alpha, number
from ...core.optim.optimizer_kernels import OPTIMIZER_RULES
from ...core.params import NETWORK, OPTIMIZER_PARAMS, PARAMS_BY_NAME, optimizer_hyper
from ...core.run.training import CONVERGED, DIVERGED, FINISHED, MAX_ITERATIONS
from ...core.surface.surfaces import get_surface
from ..palette import LIGHT, Theme
from ..view_data import Frame

PAGES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
MARGIN = 46.0          # px at 96 dpi: 12 mm
GAP = 12.0
VIEW_ZOOM = 1.3
DEFAULT_DPI = 300.0

__all__ = ["PAGES", "SheetWidget", "caption", "page_size", "paint_sheet", "parameter_rows", "sheet_bytes",
           "sheet_image", "summarize"]


def page_size(page: str) -> QPageSize:
    """The QPageSize of "A4" or "Letter" (``ValueError`` otherwise)."""
    key = {k.lower(): k for k in PAGES}.get(str(page).lower())
    if key is None:
        raise ValueError(f"unknown page {page!r}; pages: {', '.join(PAGES)}")
    return QPageSize(PAGES[key])


def page_pixels(page: str) -> QSizeF:
    """The page's size in pixels at 96 dpi (A4: 793.7 × 1122.5)."""
    return page_size(page).size(QPageSize.Unit.Millimeter) * (96.0 / 25.4)  # Qt rounds inches to 0.01


# -- words ---------------------------------------------------------------------------------------------
def summarize(snapshot, experiment: Experiment | None = None) -> dict[str, Any]:
    """What the caption needs from a run's latest snapshot (a core snapshot or the window's
    ``frame.snapshot``): iteration, status, reason and the final cost(s).

    Network: ``train_cost``, ``test_cost`` (NaN without a test set), ``layer_sizes``.
    Surface: ``runs`` = [{label, optimizer, learning_rate, cost, status}].
    """
    out: dict[str, Any] = {"kind": snapshot.kind, "iteration": int(snapshot.iteration),
                           "status": snapshot.status, "reason": snapshot.reason}
    if snapshot.kind == NETWORK:
        out["train_cost"] = float(snapshot.train_cost[-1]) if len(snapshot.train_cost) else math.nan
        out["test_cost"] = float(snapshot.test_cost[-1]) if len(snapshot.test_cost) else math.nan
        out["layer_sizes"] = [int(w.shape[0]) for w in snapshot.weights] + [int(snapshot.weights[-1].shape[1])]
    else:
        costs = snapshot.costs[-1] if len(snapshot.costs) else [math.nan] * len(snapshot.labels)
        optimizers = getattr(snapshot, "optimizers", None) or [""] * len(snapshot.labels)
        out["runs"] = [{"label": label, "optimizer": opt, "learning_rate": float(lr), "cost": float(c), "status": st}
                       for label, opt, lr, c, st in zip(snapshot.labels, optimizers, snapshot.learning_rates, costs,
                                                         snapshot.run_status)]
    return out


def _num(x: float) -> str:
    return number(x, 4)


def _optimizer(values: dict[str, Any]) -> str:
    """The optimiser and the hyperparameters it takes from the experiment, in its rule's symbols:
    "adam (β₁ = 0.9, β₂ = 0.999)"."""
    name = values["optimizer"]
    if name == "sgd":
        return "plain gradient descent (sgd)"
    symbols = OPTIMIZER_RULES[name].symbols
    hyper = ", ".join(f"{symbols.get(k, k)} = {x:g}" for k, x in optimizer_hyper(values).items())
    return f"{name} ({hyper})" if hyper else name


def _outcome(summary: dict[str, Any]) -> str:
    status, it = summary.get("status"), summary.get("iteration", 0)
    if status == CONVERGED:
        return f"the run converged at iteration {it:,}"
    if status == DIVERGED:
        return f"the run diverged at iteration {it:,}"
    if status == FINISHED:
        return f"every run had stopped by iteration {it:,}"
    if status == MAX_ITERATIONS:
        return f"stopped at the iteration limit ({it:,})"
    return f"shown at iteration {it:,}"


def caption(experiment: Experiment, summary: dict[str, Any]) -> str:
    """One paragraph saying what the figure shows: network, data, optimiser, α, iterations, final cost,
    and how the run was changed while it trained (``summary["changes"]``), if it was."""
    changes = summary.get("changes") or ()
    text = _caption(experiment, summary)
    if changes:
        text += (f" This run was changed while it trained ({'; '.join(changes)}): a fresh run of the "
                 "experiment, as gdlab export draws it, differs.")
    return text


def _caption(experiment: Experiment, summary: dict[str, Any]) -> str:
    v = experiment.values
    it = summary.get("iteration", v["max_iterations"])
    if experiment.kind == NETWORK:
        out, loss = experiment.output_and_loss()
        sizes = "-".join(str(n) for n in summary.get("layer_sizes", []))
        layers = f"A {sizes} network" if sizes else "A network"
        hidden = f"{v['hidden_activation']} hidden units, " if v["hidden_layers"] else ""
        test = f"{v['test_fraction']:.0%} held out for testing" if v["test_fraction"] > 0 else "no test set"
        batch = "full batch" if v["batch_size"] == 0 else f"mini-batches of {v['batch_size']}"
        train, test_cost = summary.get("train_cost", math.nan), summary.get("test_cost", math.nan)
        final = f"Final cost J = {_num(train)} on the training data"
        final += f" and {_num(test_cost)} on the test data" if math.isfinite(test_cost) else ""
        points = experiment.points  # custom data: its own points, no generator's noise
        data = f"{points.n_samples} points" if points is not None else f"{v['n_samples']} points, noise {v['noise']:g}"
        return (f"{layers} ({hidden}{out} output, {loss} cost) trained on the {v['dataset']} data "
                f"({data}, {test}) by {_optimizer(v)} with learning rate "
                f"{alpha(v['learning_rate'])} ({batch}) for {it:,} iterations. {final}; {_outcome(summary)}.")
    surface = get_surface(v["surface"])
    start = ", ".join(f"{x:g}" for x in (v["start"] or surface.default_start))
    runs = summary.get("runs", [])
    parts = "; ".join(f"{r['label']}: J = {_num(r['cost'])}" for r in runs)
    many = f"{len(runs)} runs of gradient descent" if len(runs) != 1 else "Gradient descent"
    return (f"{many} on {surface.title}, J(w) = {surface.formula}, from w₀ = ({start}) for {it:,} iterations. "
            f"Final cost {parts}; {_outcome(summary)}.")


# The table's rows for a network, in the handout's order: what made the picture (the features, init σ,
# stopping rules and playback are left out). A row shows while its declaration says the parameter
# matters (Param.relevant); a schedule or a weight penalty only when there is one.
_NETWORK_ROWS = ("dataset", "n_samples", "noise", "test_fraction", "data_seed", "hidden_layers", "hidden_activation",
                 "output_activation", "loss", "init", "seed", "optimizer", "learning_rate", *OPTIMIZER_PARAMS,
                 "batch_size", "schedule", "decay_rate", "decay_steps", "regularization", "reg_rate")
_WHEN_ON = ("schedule", "regularization")


def parameter_rows(experiment: Experiment, summary: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs for the parameter table: labels and relevance from the declarations."""
    v = experiment.values

    def fmt(name: str) -> str:
        value = v[name]
        if isinstance(value, list):
            return ", ".join(f"{x:g}" if isinstance(x, float) else str(x) for x in value) or "—"
        return f"{value:g}" if isinstance(value, float) else str(value)

    if experiment.kind == NETWORK:
        out, loss = experiment.output_and_loss()
        shown = {"output_activation": out, "loss": loss, "batch_size": "full" if v["batch_size"] == 0 else None}
        rows = [(PARAMS_BY_NAME[n].label, shown.get(n) or fmt(n)) for n in _NETWORK_ROWS
                if PARAMS_BY_NAME[n].relevant(v) and not (n in _WHEN_ON and v[n] == PARAMS_BY_NAME[n].default)]
        rows += [("Iterations", f"{summary.get('iteration', v['max_iterations']):,}"),
                 ("Final J (train)", _num(summary.get("train_cost", math.nan)))]
        if math.isfinite(summary.get("test_cost", math.nan)):
            rows.append(("Final J (test)", _num(summary["test_cost"])))
        return rows
    label = lambda name: PARAMS_BY_NAME[name].label  # noqa: E731
    surface = get_surface(v["surface"])
    start = ", ".join(f"{x:g}" for x in (v["start"] or surface.default_start))
    rows = [(label("surface"), v["surface"]), (label("start"), f"({start})"),
            ("Iterations", f"{summary.get('iteration', v['max_iterations']):,}")]
    for r in summary.get("runs", []):
        status = r["status"].replace("_", " ")
        rows.append((r["label"], f"{alpha(r['learning_rate'])}, J = {_num(r['cost'])} ({status})"))
    return rows


# -- drawing -------------------------------------------------------------------------------------------
def _document(html: str, width: float, theme: Theme, point_size: float) -> QTextDocument:
    doc = QTextDocument()
    font = QFont()
    font.setPointSizeF(point_size)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.setDefaultStyleSheet(f"body, p, td {{ color: {theme.foreground}; }}")
    doc.setHtml(html)
    doc.setTextWidth(width)
    return doc


def _muted(theme: Theme) -> str:
    fg, bg = QColor(theme.foreground), QColor(theme.background)
    mix = [round(0.62 * a + 0.38 * b) for a, b in zip(fg.getRgb()[:3], bg.getRgb()[:3])]
    return "#{:02X}{:02X}{:02X}".format(*mix)


def _table_html(rows: list[tuple[str, str]], theme: Theme) -> str:
    per_column = math.ceil(len(rows) / 2)
    left, right = rows[:per_column], rows[per_column:]
    border = _muted(theme)
    cells = []
    for i in range(per_column):
        pair = [left[i]] + ([right[i]] if i < len(right) else [("", "")])
        cells.append("<tr>" + "".join(f"<td style='color:{border}'>{escape(k)}</td><td><b>{escape(val)}</b></td>"
                                      for k, val in pair) + "</tr>")
    return (f"<table width='100%' cellspacing='0' cellpadding='3' border='1' "
            f"style='border-color:{border}; border-style:solid; border-collapse:collapse'>{''.join(cells)}</table>")


def layout(page: QSizeF, n_views: int, top: float, bottom: float) -> list[QRectF]:
    """Where the views go between ``top`` and ``bottom``: two to a row (an odd last one full width);
    one or two views take the whole width each."""
    width = page.width() - 2 * MARGIN
    rows = [2] * (n_views // 2) + ([1] if n_views % 2 else []) if n_views >= 3 else [1] * n_views
    height = bottom - top - GAP * max(0, len(rows) - 1)
    # a row of two gets more height (the data view is square-ish); a full-width row less
    weights = [1.15 if r == 2 else 0.85 for r in rows]
    rects, y = [], top
    for r, weight in zip(rows, weights):
        h = height * weight / sum(weights)
        w = (width - GAP * (r - 1)) / r
        for k in range(r):
            rects.append(QRectF(MARGIN + k * (w + GAP), y, w, h))
        y += h + GAP
    return rects


def paint_sheet(painter: QPainter, page: QSizeF, views: dict[str, QWidget], experiment: Experiment,
                summary: dict[str, Any], theme: Theme, line_scale: float = 1.0) -> None:
    """Paint the whole page (``page`` in px at 96 dpi) with ``painter``; the views are prepared here."""
    from .figure_encode import paint_widget
    from .figure_prepare import prepared

    width = page.width() - 2 * MARGIN
    painter.fillRect(QRectF(0, 0, page.width(), page.height()), QColor(theme.background))
    muted = _muted(theme)
    title = _document(f"<table width='100%' cellspacing='0' cellpadding='0'><tr>"
                      f"<td><span style='font-size:19pt; font-weight:600'>{escape(experiment.name)}</span></td>"
                      f"<td align='right' style='color:{muted}'>gdlab</td></tr></table>"
                      + (f"<p style='color:{muted}; margin-top:2px'>{escape(experiment.summary)}</p>"
                         if experiment.summary else ""), width, theme, 10.5)
    text = _document(f"<p style='margin-bottom:8px'>{escape(caption(experiment, summary))}</p>"
                     + _table_html(parameter_rows(experiment, summary), theme), width, theme, 8.5)
    footer = _document(f"<p style='color:{muted}'>Made with gdlab {__version__}. The experiment is stored in this "
                       "file: open its PNG version with gdlab's File → Open, or run <i>gdlab export</i> with the "
                       "same settings, to get this figure again.</p>", width, theme, 7.0)
    y_title = MARGIN
    y_views = y_title + title.size().height() + GAP
    y_footer = page.height() - MARGIN - footer.size().height()
    y_text = y_footer - GAP - text.size().height()
    rects = layout(page, len(views), y_views, y_text - GAP)
    for doc, y in ((title, y_title), (text, y_text), (footer, y_footer)):
        painter.save()
        painter.translate(MARGIN, y)
        doc.drawContents(painter)
        painter.restore()
    with ExitStack() as stack:
        for widget, rect in zip(views.values(), rects):
            size = (max(16, round(rect.width() * VIEW_ZOOM)), max(16, round(rect.height() * VIEW_ZOOM)))
            stack.enter_context(prepared(widget, size, theme, line_scale, symbol_scale=1.0 / VIEW_ZOOM))
        for widget, rect in zip(views.values(), rects):
            paint_widget(painter, widget, rect, VIEW_ZOOM)


def sheet_image(views: dict[str, QWidget], experiment: Experiment, summary: dict[str, Any], page: str = "A4",
                dpi: float = DEFAULT_DPI, theme: Theme | None = None) -> QImage:
    """The page as an image at ``dpi``."""
    theme = theme or LIGHT
    size = page_pixels(page)
    scale = dpi / 96.0
    image = QImage(round(size.width() * scale), round(size.height() * scale), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(QColor(theme.background))
    painter = QPainter()
    if not painter.begin(image):
        raise ValueError(f"cannot paint a page at {dpi:g} dpi")
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing |
                               QPainter.RenderHint.SmoothPixmapTransform)
        paint_sheet(painter, size, views, experiment, summary, theme, line_scale=scale)
    finally:
        painter.end()
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(1.0)
    return image


def sheet_bytes(views: dict[str, QWidget], experiment: Experiment, summary: dict[str, Any], page: str = "A4",
                fmt: str = "pdf", dpi: float | None = None, theme: Theme | None = None) -> bytes:
    """The sheet as PDF, PNG or SVG bytes, with the experiment in the metadata."""
    from .figure_encode import _svg, pdf_document, png_bytes

    theme = theme or LIGHT
    size = page_pixels(page)
    title = f"gdlab: {experiment.name} — handout"
    if fmt == "png":
        dpi = DEFAULT_DPI if dpi is None else dpi
        if not 24 <= dpi <= 1200:
            raise ValueError(f"dpi {dpi:g}: expected 24 to 1200 for a page")
        return png_bytes(sheet_image(views, experiment, summary, page, dpi, theme), dpi, experiment, title)

    def paint(painter: QPainter) -> None:
        paint_sheet(painter, size, views, experiment, summary, theme)

    if fmt == "svg":
        return _svg(paint, (round(size.width()), round(size.height())), title, experiment)
    if fmt != "pdf":
        raise ValueError(f"a sheet is PDF, PNG or SVG, not {fmt}")
    return pdf_document(paint, page_size(page), title, experiment)


class SheetWidget(QWidget):
    """The handout sheet as a widget: it owns its views (windows of their own, never shown on
    screen) and feeds them frames; it paints a preview of the page. Export it with
    :func:`gdlab.gui.figures.export.export_widget` or :func:`gdlab.gui.figures.export.render_sheet`."""

    def __init__(self, experiment: Experiment, theme: Theme | None = None, page: str = "A4", parent=None):
        from .view_registry import VIEWS, sheet_views

        super().__init__(parent)
        self.experiment, self.theme, self.page = experiment, theme or LIGHT, page
        self._specs = [(name, VIEWS[name]) for name in sheet_views(experiment)]
        self.views: dict[str, QWidget] = {}
        for name, spec in self._specs:
            view = spec.create(experiment, self.theme)
            view.setParent(self, Qt.WindowType.Window)  # owned by the sheet, drawn into it
            self.views[name] = view
        self.summary: dict[str, Any] = {}
        self._preview: QImage | None = None
        size = page_pixels(page)
        self.resize(round(size.width()), round(size.height()))

    def feed(self, frame: Frame) -> None:
        for name, spec in self._specs:
            spec.feed(self.views[name], frame)
        if len(frame.snapshot.iterations) or not self.summary:
            self.summary = summarize(frame.snapshot, frame.experiment)

    def refresh(self) -> None:
        """Refresh the views and the preview of the page (at 96 dpi)."""
        from .view_frames import refresh

        for view in self.views.values():
            refresh(view)
        self._preview = sheet_image(self.views, self.experiment, self.summary, self.page, 96.0, self.theme)
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), QColor(self.theme.background))
            if self._preview is not None:
                target = QRectF(self.rect())
                image = self._preview
                k = min(target.width() / image.width(), target.height() / image.height())
                w, h = image.width() * k, image.height() * k
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawImage(QRectF((target.width() - w) / 2, (target.height() - h) / 2, w, h), image)
        finally:
            painter.end()
