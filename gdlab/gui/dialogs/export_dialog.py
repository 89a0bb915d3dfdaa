"""File → Export (Ctrl+E): the dialog that writes one view, the whole window, the handout sheet or
an animation, with the functions of :mod:`gdlab.gui.figures.export`."""
from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.files.experiment import Experiment
from ...core.io.gif import MAX_FPS
from ...core.views import view
from ..accessibility import named
from ..figures.export import (
    _dispose,
    export_gif,
    export_widget,
    render_sheet,
)
from ..figures.figure_prepare import (
    FORMATS,
    GIF_FRAMES,
    MAX_SIDE,
    MIN_SIDE,
    ExportCancelled,
    checked_size,
)
from ..palette import Theme
from ..widget_builders import dialog_buttons

# -- the dialog (File → Export, Ctrl+E) ---------------------------------------------------------------------
RESOLUTIONS = (("Screen (1×)", 1.0, None), ("Sharp (2×)", 2.0, None), ("Print (300 dpi)", None, 300.0))
# light first: a figure is light unless asked otherwise, whatever the window (or the desktop) shows
THEME_CHOICES = (("Light", "light"), ("Dark", "dark"), ("Projector", "projector"), ("As shown", None))


class ExportDialog(QDialog):
    """File → Export: one view (or the whole window) as PNG/SVG/PDF, the handout sheet, or a GIF.

    ``views`` maps a title to a view widget (as it is on screen); ``window`` adds "Whole window";
    ``sheet_views`` + ``summary`` add the handout sheet; ``gif_views`` (registry names, see
    :mod:`gdlab.gui.figures.render`) add animations, which re-run ``experiment`` from iteration 0.
    ``exported(path)`` is emitted after a file was written.
    """

    exported = Signal(str)

    def __init__(self, views: dict[str, QWidget], experiment: Experiment, parent: QWidget | None = None, *,
                 window: QWidget | None = None, sheet_views: dict[str, QWidget] | None = None,
                 summary: dict[str, Any] | None = None, gif_views: tuple[str, ...] = (), current: str | None = None,
                 directory: str | os.PathLike | None = None, sheet_replay: Experiment | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export figure")
        self.experiment, self.sheet_views, self.summary = experiment, sheet_views, summary
        # a run nobody changed live: its sheet is drawn from a fresh run of this experiment, as
        # `gdlab export --view sheet` draws it (pixel for pixel), not from the window's views
        self.sheet_replay = sheet_replay
        self.directory = Path(directory) if directory else Path.home()
        self.items: list[tuple[str, str, Any]] = [(title, "view", w) for title, w in views.items()]
        if window is not None:
            self.items.append(("Whole window", "view", window))
        if sheet_views and summary is not None:
            self.items.append((view("sheet").title, "sheet", None))
        from ..figures.render import VIEWS

        self.items += [(f"Animation of the {VIEWS[n].title.lower()} (GIF)", "gif", n) for n in gif_views if n in VIEWS]
        form = QFormLayout()
        self.what = QComboBox()
        self.what.addItems([title for title, _, _ in self.items])
        self.what.setToolTip("What to export. An animation runs the experiment again from iteration 0 and draws a "
                             "frame every few iterations.")
        self.format = QComboBox()
        self.format.setToolTip("PNG: an image (it keeps the experiment: File → Open restores it). SVG and PDF: "
                               "vector figures for documents.")
        self.width, self.height = QSpinBox(), QSpinBox()
        for spin in (self.width, self.height):
            spin.setRange(MIN_SIDE, MAX_SIDE)
            spin.setSuffix(" px")
            spin.setToolTip("The figure's size in screen pixels.")
        named(self.width, "Width")
        named(self.height, "Height")
        size_row = QHBoxLayout()
        size_row.addWidget(self.width)
        size_row.addWidget(self.height)
        self.resolution = QComboBox()
        self.resolution.addItems([r[0] for r in RESOLUTIONS])
        self.resolution.setToolTip("PNG only: more pixels for the same picture. 300 dpi prints at the size it has "
                                   "on screen.")
        self.page = QComboBox()
        self.page.addItems(["A4", "Letter"])
        self.page.setToolTip("The handout's page size.")
        self.theme = QComboBox()
        self.theme.addItems([t[0] for t in THEME_CHOICES])
        self.theme.setToolTip("Colours and line widths of the figure (light unless you choose another); the "
                              "window keeps its own.")
        self.every, self.fps = QSpinBox(), QDoubleSpinBox()
        self.every.setRange(1, 1_000_000)
        self.every.setValue(max(1, math.ceil(experiment["max_iterations"] / GIF_FRAMES)))
        self.every.setSuffix(" iterations")
        self.every.setToolTip("One frame every this many iterations.")
        self.fps.setRange(1, MAX_FPS)
        self.fps.setDecimals(1)
        self.fps.setValue(10)
        self.fps.setToolTip("Frames per second when the animation plays.")
        self.path = named(QLineEdit(), "File")
        self.path.setToolTip("The file to write.")
        browse = QPushButton("Choose…")
        browse.setToolTip("Choose the file with a file dialog.")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self._rows: dict[str, int] = {}
        for key, label, field in (("what", "Figure", self.what), ("format", "Format", self.format),
                                  ("size", "Size", size_row), ("resolution", "Resolution", self.resolution),
                                  ("page", "Page", self.page), ("theme", "Theme", self.theme),
                                  ("every", "Frame every", self.every), ("fps", "Frames per second", self.fps),
                                  ("path", "File", path_row)):
            form.addRow(label, field)
            self._rows[key] = form.rowCount() - 1
            if isinstance(field, QWidget):  # the buddy of the label made for it; a row's first editor
                named(field, label)
            else:
                form.labelForField(field).setBuddy(field.itemAt(0).widget())
        self.form = form
        buttons = dialog_buttons(self, QDialogButtonBox.StandardButton.Save, "Export", self.export)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.what.currentIndexChanged.connect(self._on_what)
        self.format.currentIndexChanged.connect(self._update_rows)
        titles = [t for t, _, _ in self.items]
        self.what.setCurrentIndex(titles.index(current) if current in titles else 0)
        self._on_what()

    # -- state ----------------------------------------------------------------------------------------------
    def _item(self) -> tuple[str, str, Any]:
        return self.items[self.what.currentIndex()]

    def _on_what(self, *_args) -> None:
        title, kind, payload = self._item()
        formats = {"view": FORMATS, "sheet": ("pdf", "png", "svg"), "gif": ("gif",)}[kind]
        self.format.blockSignals(True)
        self.format.clear()
        self.format.addItems([f.upper() for f in formats])
        self.format.blockSignals(False)
        # a picture of the whole window is the window as it is; any other figure is light unless asked
        if isinstance(payload, QMainWindow):
            self.theme.setCurrentIndex(len(THEME_CHOICES) - 1)
        elif THEME_CHOICES[self.theme.currentIndex()][1] is None:
            self.theme.setCurrentIndex(0)
        if kind == "view":
            w, h = checked_size(None, payload)
        else:
            w, h = (640, 400)
        self.width.setValue(w)
        self.height.setValue(h)
        short = {"view": title, "sheet": "handout", "gif": f"{payload}-animation"}[kind]
        stem = re.sub(r"[^\w.-]+", "-", f"{self.experiment.name}-{short}".lower()).strip("-")[:60]
        self.path.setText(str(self.directory / f"{stem}.{formats[0]}"))
        if kind == "sheet" and RESOLUTIONS[self.resolution.currentIndex()][1] == 1.0:
            # a handout is printed: a PNG of the page starts at print resolution, not the screen's
            self.resolution.setCurrentIndex(next(i for i, r in enumerate(RESOLUTIONS) if r[2] == 300.0))
        self._update_rows()

    def _update_rows(self, *_args) -> None:
        _, kind, _ = self._item()
        fmt = self.format.currentText().lower()
        shown = {"size": kind != "sheet", "resolution": fmt == "png", "page": kind == "sheet",
                 "every": kind == "gif", "fps": kind == "gif"}
        for key, visible in shown.items():
            self.form.setRowVisible(self._rows[key], visible)
        text = self.path.text()
        if text and fmt:
            self.path.setText(str(Path(text).with_suffix("." + fmt)))

    @Slot()
    def _browse(self) -> None:
        fmt = self.format.currentText().lower()
        name, _ = QFileDialog.getSaveFileName(self, "Export figure", self.path.text(), f"{fmt.upper()} (*.{fmt})")
        if name:
            self.path.setText(name if name.lower().endswith("." + fmt) else name + "." + fmt)

    # -- doing it ---------------------------------------------------------------------------------------------
    @Slot()
    def export(self) -> bool:
        """Write the chosen file; a problem is shown in a message box and the dialog stays open."""
        title, kind, payload = self._item()
        fmt = self.format.currentText().lower()
        path = Path(self.path.text().strip()).expanduser()
        size = (self.width.value(), self.height.value())
        _, scale, dpi = RESOLUTIONS[self.resolution.currentIndex()]
        theme_name = THEME_CHOICES[self.theme.currentIndex()][1]
        from ..palette import THEMES

        theme = THEMES[theme_name] if theme_name else None
        try:
            if not self.path.text().strip():
                raise ValueError("choose a file to write")
            if kind == "view":
                export_widget(payload, path, fmt, size, scale, dpi, self.experiment, theme)
            elif kind == "sheet":
                self._export_sheet(path, fmt, dpi if fmt == "png" else None, theme, scale if fmt == "png" else None)
            else:
                self._export_gif(payload, path, size, theme)
        except ExportCancelled:
            return False
        except (ValueError, OSError) as exc:
            box = QMessageBox(QMessageBox.Icon.Warning, "Cannot export", f"{exc}.\n\nNothing was written.",
                              QMessageBox.StandardButton.Ok, self)
            box.open()
            self.error_box = box
            return False
        self.directory = path.parent
        self.exported.emit(str(path))
        self.accept()
        return True

    def _export_sheet(self, path: Path, fmt: str, dpi: float | None, theme: Theme | None,
                      scale: float | None) -> None:
        page = self.page.currentText()
        if self.sheet_replay is None:
            render_sheet(self.sheet_views, self.experiment, self.summary, page, fmt, path, dpi, theme, scale)
            return
        from ..figures.render import build_view, run_experiment

        experiment = self.sheet_replay
        widget = build_view("sheet", run_experiment(experiment), experiment, theme=theme)
        try:
            widget.page = page
            render_sheet(widget.views, experiment, widget.summary, page, fmt, path, dpi, theme, scale)
        finally:
            _dispose(widget)

    def _export_gif(self, view: str, path: Path, size: tuple[int, int], theme: Theme | None) -> None:
        progress = QProgressDialog("Drawing the animation…", "Cancel", 0, 100, self)
        progress.setWindowTitle("Export animation")
        progress.setMinimumDuration(300)

        def report(done: int, total: int) -> bool:
            progress.setMaximum(total)
            progress.setValue(done)
            return not progress.wasCanceled()

        try:
            export_gif(self.experiment, view, path, self.every.value(), self.fps.value(), size, theme,
                       progress=report)
        finally:
            progress.reset()
            progress.deleteLater()
