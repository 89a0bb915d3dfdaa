"""What the window tells the user: the message bar above the plots, the bar that asks before a
restarting change, the status bar's numbers, error boxes, the training-failure dialog and the
Help menu's dialogs.
"""
from __future__ import annotations

from typing import TypeVar

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QApplication, QDialog, QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget
from shiboken6 import isValid

from ...core.io.printing import number
from ...core.params import NETWORK
from ..dialogs.documentation import DocumentationWindow
from ..dialogs.help import (
    AboutDialog,
    ProblemReportDialog,
    ShortcutSheet,
    issue_tracker_url,
    problem_report,
    shortcut_rows,
)
from ..dialogs.welcome import WelcomeDialog, remember_welcome, should_show_welcome
from ..gc_policy import keep_python_half
from ..palette import GREEN, ORANGE, SKY, VERMILLION
from ..plots.metrics_view import metric_status
from ..theming import themed_style

D = TypeVar("D", bound=QDialog)


def open_owned(dialog: D) -> D:
    """Open ``dialog`` (window-modal, not blocking); it is deleted when it closes, on the GUI thread
    and at once, rather than living on as the window's child or waiting for the garbage collector."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    keep_python_half(dialog)
    dialog.open()
    return dialog


class MessageBar(QLabel):
    """A coloured line above the plots: what just happened, in plain words."""

    STYLES = {  # stylesheet templates, filled in from the theme (gdlab.gui.theming.stylesheet)
        "info": f"background:$info_background; color:$foreground; border:1px solid {SKY};",
        "ok": f"background:$ok_background; color:$foreground; border:1px solid {GREEN};",
        "bad": f"background:$bad_background; color:$bad_text; border:1px solid {VERMILLION};",
    }

    def __init__(self):
        super().__init__()
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str, style: str = "info") -> None:
        themed_style(self, f"QLabel {{ {self.STYLES[style]} padding:6px 10px; border-radius:4px; }}")
        self.setText(text)
        self.show()


class PendingChangeBar(QFrame):
    """Asks before a change that restarts training (data, network shape, ...)."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        themed_style(self, f"PendingChangeBar {{ background:$warn_background; border:1px solid {ORANGE}; "
                           "border-radius:4px; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.apply_button = QPushButton("Apply and restart")
        self.apply_button.setToolTip("Use the new settings: training starts again from iteration 0.")
        self.revert_button = QPushButton("Keep current run")
        self.revert_button.setToolTip("Forget the change and keep training the current run.")
        layout.addWidget(self.text, 1)
        layout.addWidget(self.apply_button)
        layout.addWidget(self.revert_button)
        self.hide()


class MessagesMixin:
    """The status bar's numbers, error boxes and help dialogs.

    A mixin of :class:`~gdlab.gui.window.main.MainWindow`: its methods use the widgets and the
    state the window builds (``self.session``, ``self.cost_plot``, ...).
    """

    def _update_status(self) -> None:
        frame = self._frame
        if frame is None:
            return
        self._update_lecture_caption()
        snap = frame.snapshot
        if snap.kind == NETWORK:
            # iterations (weight updates) and epochs (passes over the data) are not the same thing
            self.status_iteration.setText(f"Iteration {snap.iteration:,} · epoch {snap.epoch:,.2f}")
            if len(snap.train_cost):  # a frame after a command may carry no new rows: the last costs stand
                train, test = snap.train_cost[-1], snap.test_cost[-1]
                test_text = "" if np.isnan(test) else f"   test {number(test, 4)}"
                self.status_cost.setText(f"J = {number(train, 4)}{test_text}")
            if len(snap.train_metric):
                self.status_metric.setText(metric_status(snap.metric_name, snap.train_metric[-1],
                                                         snap.test_metric[-1]))
        else:
            self.status_metric.setText("")
            self.status_iteration.setText(f"Iteration {snap.iteration:,}")
            if len(snap.costs):
                costs = snap.costs[-1]
                if len(costs) == 1:
                    self.status_cost.setText(f"J = {number(costs[0], 4)}")
                elif np.isfinite(costs).any():
                    best = int(np.nanargmin(np.where(np.isfinite(costs), costs, np.nan)))
                    self.status_cost.setText(f"best: {snap.labels[best]}  J = {number(costs[best], 4)}")
        state = "running" if frame.running else ("paused" if snap.status == "running" else snap.status)
        self.status_state.setText(state.replace("_", " "))
        self.status_rate.setText(f"{frame.iters_per_s:,.0f} it/s" if frame.running else "")

    @Slot(str)
    def _on_failed(self, report: str) -> None:
        """The training thread hit an unexpected error: a dialog with a copyable report, and the log."""
        from ..errors import report_error

        self._set_running_look(False)
        self._error_dialog = report_error(report, "Training stopped because of an unexpected error "
                                                  "(your experiment is kept)", self,
                                          dialog=self._error_dialog)  # further failures join the open dialog

    def _error_box(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._last_error_box = open_owned(box)

    @Slot()
    def show_shortcuts(self) -> None:
        """Every shortcut of the window (and the 3-D view's own keys, which act while it has the focus),
        as a sheet that can be printed for the lectern."""
        actions = [*self.actions(), *self.surface3d_view.actions()]
        self._sheet = open_owned(ShortcutSheet(shortcut_rows(actions), self))

    @Slot()
    def show_about(self) -> None:
        self._about = open_owned(AboutDialog(self))

    @Slot()
    def show_about_qt(self) -> None:
        QMessageBox.aboutQt(self, "About Qt")  # Qt's own box, deleted when it closes

    @Slot()
    def show_documentation(self) -> None:
        """The README in a window of its own, not modal (read it while working); one at a time."""
        docs = getattr(self, "_docs", None)
        if docs is not None and isValid(docs) and docs.isVisible():
            docs.raise_()
            docs.activateWindow()
            return
        docs = DocumentationWindow(self)
        docs.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        keep_python_half(docs)
        docs.show()
        self._docs = docs

    @Slot()
    def report_problem(self) -> None:
        """The versions and the log's last lines onto the clipboard, and where to send them."""
        report = problem_report()
        QApplication.clipboard().setText(report)
        self._report = open_owned(ProblemReportDialog(report, issue_tracker_url(), self))

    @Slot()
    def show_welcome(self) -> None:
        """The first-run screen: the four lesson tracks to start with, and how to export a figure."""
        dialog = WelcomeDialog(self, show_again=should_show_welcome(self.settings))
        dialog.lesson_chosen.connect(self.play_lesson)
        dialog.finished.connect(self._on_welcome_finished)
        self._welcome = open_owned(dialog)

    @Slot()
    def _on_welcome_finished(self) -> None:
        remember_welcome(self.settings, self._welcome.dont_show_again)


def html_text(text: str) -> str:
    """``text`` (a file's, never markup) safe inside rich text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
