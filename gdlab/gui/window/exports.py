"""What the window writes out: figures (the export dialog, the clipboard, every view's right-click
menu), the standalone Python script, the weights and the worksheets.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QWidget

from ...core import views as catalogue
from ...core.params import NETWORK
from ..figures.render import VIEWS, sheet_views, view_names
from ..view_data import WorksheetAnswer
from .messages import open_owned


class ExportsMixin:
    """File → Export … and Copy figure.

    A mixin of :class:`~gdlab.gui.window.main.MainWindow`: its methods use the widgets and the
    state the window builds (``self.session``, ``self.cost_plot``, ...).
    """

    @Slot()
    def export_code_dialog(self) -> None:
        experiment = self._current_experiment()
        suggested = self._last_dir() / f"{experiment.name or 'experiment'}.py".replace(" ", "_")
        name, _ = QFileDialog.getSaveFileName(self, "Export as Python", str(suggested), "Python scripts (*.py)")
        if name:
            self.export_code(name if name.endswith(".py") else name + ".py")

    def export_code(self, path: str | Path) -> bool:
        from ...core.codegen import write_code

        return self._write_out(path, functools.partial(write_code, self._current_experiment(), path),
                               "Cannot export the script",
                               f"Wrote {path}: run it with python {Path(path).name} --iterations N", 8000)

    def _write_out(self, path: str | Path, write: Callable[[], object], failed: str, done: str, ms: int) -> bool:
        """Run ``write``: an OSError or ValueError is an error box titled ``failed`` (False), else
        ``done`` shows in the status bar for ``ms`` (True)."""
        try:
            write()
        except (OSError, ValueError) as exc:
            self._error_box(failed, f"{path}: {exc}")
            return False
        self.statusBar().showMessage(done, ms)
        return True

    @Slot()
    def export_weights_dialog(self) -> None:
        if self._frame is None or self._frame.snapshot.kind != NETWORK:
            self.statusBar().showMessage("Weights files are for network experiments.", 4000)
            return
        name, _ = QFileDialog.getSaveFileName(self, "Export weights", str(self._last_dir() / "weights.npz"),
                                              "numpy archive (*.npz);;JSON (*.json)")
        if name:
            self.export_weights(name)

    def export_weights(self, path: str | Path) -> bool:
        from ...core.files.weights_io import write_weights

        snap = self._frame.snapshot
        write = functools.partial(write_weights, path, self._current_experiment(), snap.weights, snap.biases,
                                  snap.iteration, snap.status)
        return self._write_out(path, write, "Cannot export the weights",
                               f"Wrote the weights of iteration {snap.iteration} to {path}.", 6000)

    @Slot()
    def export_worksheet_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export worksheets into", str(self._last_dir()))
        if folder:
            self.export_worksheets(folder)

    def export_worksheets(self, folder: str | Path) -> None:
        """Ask the worker for this run's worksheet (the answer comes as ``worksheet_ready``)."""
        self._worksheet_folder = Path(folder)
        self.session.request_worksheet()

    @Slot(object)
    def _on_worksheet(self, answer: WorksheetAnswer) -> None:
        from ...core.teaching.worksheet import file_stem, make_worksheet
        from ..figures.worksheet_pdf import write_worksheet_set

        worksheet, problem = answer.worksheet, answer.problem
        if worksheet is None:  # too big a network for a worksheet: the textbook 2-2-1 example instead
            worksheet = make_worksheet()
            self.statusBar().showMessage(f"{problem} A worksheet for the 2-2-1 textbook example instead.", 8000)
        stem = file_stem(self._current_experiment().name)  # a name like ../x stays inside the chosen folder
        try:
            paths = write_worksheet_set(self._worksheet_folder, worksheet, stem)
        except OSError as exc:
            self._error_box("Cannot write the worksheets", f"{self._worksheet_folder}: {exc.strerror or exc}")
            return
        self.last_worksheets = paths
        if problem is None:
            self.statusBar().showMessage("Wrote " + ", ".join(p.name for p in paths), 8000)

    def export_views(self) -> dict[str, QWidget]:
        """The views that can be exported now, by title (the visible tabs of this experiment)."""
        views = {catalogue.view("cost").title: self.cost_plot}
        for tabs in (self.view_tabs, self.bottom_tabs):
            for k in range(tabs.count()):
                if tabs.isTabVisible(k):
                    views[tabs.tabText(k)] = tabs.widget(k)
        return views

    def current_view(self) -> QWidget:
        return self.view_tabs.currentWidget() or self.cost_plot

    @Slot()
    def export_dialog(self, current: str | None = None) -> None:
        """File → Export (Ctrl+E): a view, the window, the handout sheet or an animation."""
        from ..dialogs.export_dialog import ExportDialog
        from ..figures.sheet import summarize

        if self._frame is None:
            return
        experiment = self._current_experiment()
        views = self.export_views()
        # the picture of this experiment (not a view left over from an earlier one), and only the
        # animations the registry can make of it
        widgets = {"data": self.data_view, "curve": self.curve_view, "surface": self.contour_view}
        picture = next(n for n in sheet_views(experiment) if n in widgets)
        sheet = {"cost": self.cost_plot, "trajectories": self.trajectory_plot.plot, "view": widgets[picture]}
        gif = tuple(n for n in view_names(experiment) if catalogue.view(n).animation and VIEWS[n].animates(experiment))
        summary = summarize(self._frame.snapshot, experiment)
        summary["changes"] = list(self._frame.changes)
        iteration = self._frame.snapshot.iteration
        # unchanged live: the sheet is what `gdlab export NAME --view sheet --iterations N` draws
        replay = experiment.replace(max_iterations=iteration) if iteration and not self._frame.changes else None
        dialog = ExportDialog(views, experiment, self, window=self, sheet_views=sheet, summary=summary, gif_views=gif,
                              current=current or self.view_tabs.tabText(self.view_tabs.currentIndex()),
                              directory=self._last_dir(), sheet_replay=replay)
        dialog.exported.connect(self._on_exported)
        self._export = open_owned(dialog)

    @Slot(str)
    def _on_exported(self, path: str) -> None:
        self.statusBar().showMessage(f"Exported {path}", 6000)

    @Slot()
    def copy_figure(self, view: QWidget | None = None) -> None:
        from ..figures.export import copy_to_clipboard

        copy_to_clipboard(view or self.current_view(), experiment=self._current_experiment())
        self.statusBar().showMessage("Figure copied to the clipboard (as an image and as SVG).", 4000)

    def _install_export_menus(self) -> None:
        """"Export figure…" and "Copy figure" in every view's right-click menu."""
        from ..figures.export import install_export_actions

        self._export_targets: dict[str, QWidget] = {}
        for title, view in ((catalogue.view("cost").title, self.cost_plot),
                            *[(self.view_tabs.tabText(k), self.view_tabs.widget(k))
                              for k in range(self.view_tabs.count())],
                            *[(self.bottom_tabs.tabText(k), self.bottom_tabs.widget(k))
                              for k in range(self.bottom_tabs.count())]):
            self._export_targets[title] = view
            relay = ViewCommands(title, view)
            relay.export_requested.connect(self.export_dialog)
            relay.copy_requested.connect(self._copy_view)
            install_export_actions(view, relay.export, relay.copy)

    @Slot(str)
    def _copy_view(self, title: str) -> None:
        """A view's "Copy figure": that view to the clipboard."""
        self.copy_figure(self._export_targets[title])


class ViewCommands(QObject):
    """A view's right-click "Export figure…" and "Copy figure", passed on with the view's title:
    bound methods of a child of the view, where a lambda over the window would keep the window
    alive from inside Qt."""

    export_requested = Signal(str)
    copy_requested = Signal(str)

    def __init__(self, title: str, view: QWidget):
        super().__init__(view)
        self.title = title

    @Slot()
    def export(self) -> None:
        self.export_requested.emit(self.title)

    @Slot()
    def copy(self) -> None:
        self.copy_requested.emit(self.title)
