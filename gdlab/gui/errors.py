"""Errors that reach the user: a dialog with a copyable report, and a log file.

* :func:`log_dir` is where gdlab writes its log: ``$GDLAB_LOG_DIR`` when set (tests use it), else
  :func:`gdlab.gui.folders.log_folder`: on macOS ``~/Library/Logs/gdlab``, elsewhere the
  platform's state folder plus ``logs`` (Linux ``~/.local/state/gdlab/logs``, the XDG place for
  logs; Windows ``%LOCALAPPDATA%/gdlab/State/logs``).
* :func:`log_error` appends a timestamped entry to ``gdlab.log`` there; past 1 MB the log is
  rotated (``gdlab.log.1`` keeps the previous one, older entries go).
* :class:`ErrorDialog` says in one line what happened and shows the full report in a read-only,
  selectable box with a *Copy report* button. Reports that arrive while it is open are added to it
  instead of opening a pile of dialogs (an error in a timer repeats 30 times a second).
* :func:`install_excepthook` routes uncaught exceptions — in the GUI thread (``sys.excepthook``,
  which PySide calls for an exception in a slot) and in other threads (``threading.excepthook``)
  — to the log and the dialog instead of crashing or vanishing on a console nobody reads.
  ``KeyboardInterrupt`` and ``SystemExit`` are passed on to the previous hooks, never swallowed.
"""
from __future__ import annotations

import datetime as _dt
import os
import platform
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .folders import log_folder
from .gc_policy import keep_python_half

LOG_ENV = "GDLAB_LOG_DIR"
LOG_NAME = "gdlab.log"
MAX_LOG_BYTES = 1_000_000
PASS_THROUGH = (KeyboardInterrupt, SystemExit)  # what the hooks hand on to the previous hooks

__all__ = ["ErrorDialog", "install_excepthook", "log_dir", "log_error", "report_error", "format_report"]

_log_lock = threading.Lock()


# -- the log ---------------------------------------------------------------------------------------
def log_dir() -> Path:
    """The folder of gdlab's log (created if missing): ``$GDLAB_LOG_DIR``, else the platform's
    log folder (see the module docstring)."""
    override = os.environ.get(LOG_ENV)
    folder = Path(override) if override else log_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_error(report: str, context: str) -> Path:
    """Append ``report`` to the log under a timestamped header naming ``context``; returns the
    log file. Rotates first when the log has grown past 1 MB (one old file is kept).

    The entry is written with one ``write`` to a file opened in append mode, so entries from two
    threads or two gdlab processes do not interleave. Raises ``OSError`` if the log cannot be
    written (callers in an exception hook catch it: logging must never cause a second crash).
    """
    path = log_dir() / LOG_NAME
    stamp = _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")
    entry = f"==== {stamp} | {context} | gdlab {_version()} | pid {os.getpid()} ====\n{report.rstrip()}\n\n"
    with _log_lock:
        try:
            if path.stat().st_size > MAX_LOG_BYTES:
                os.replace(path, path.with_name(LOG_NAME + ".1"))
        except FileNotFoundError:
            pass
        with open(path, "a", encoding="utf-8", errors="replace") as handle:
            handle.write(entry)
            handle.flush()
    return path


def _version() -> str:
    try:
        from .. import __version__
    except ImportError:  # pragma: no cover - a broken installation
        return "?"
    return __version__


ENVIRONMENT_MARK = "-- environment --"


def format_report(exc_type: type[BaseException], exc: BaseException | None, tb: Any) -> str:
    """A bug report: the traceback, then the versions that matter."""
    lines = traceback.format_exception(exc_type, exc, tb)
    return "".join(lines).rstrip() + f"\n\n{ENVIRONMENT_MARK}\n" + environment()


def environment() -> str:
    """gdlab, Python, Qt, PySide6 and numpy versions and the platform, one a line."""
    import numpy
    import PySide6
    from PySide6.QtCore import qVersion

    return (f"gdlab {_version()}\nPython {platform.python_version()} ({sys.executable})\n"
            f"Qt {qVersion()}, PySide6 {PySide6.__version__}, numpy {numpy.__version__}\n"
            f"{platform.platform()}")


def summary_line(report: str) -> str:
    """What went wrong in one line: the last unindented line of the traceback (``ValueError: ...``)."""
    traceback_part = report.split(ENVIRONMENT_MARK)[0]
    lines = [line for line in traceback_part.splitlines() if line.strip() and not line[:1].isspace()]
    return lines[-1].strip() if lines else "an unexpected error"


# -- the dialog ------------------------------------------------------------------------------------
class ErrorDialog(QDialog):
    """One line saying what happened, the report in a read-only selectable box, Copy report.

    ``add_report`` appends a further report while the dialog is open.
    """

    def __init__(self, message: str, report: str, log_path: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("gdlab-error-dialog")
        self.setWindowTitle("Something went wrong")
        self.resize(720, 460)
        self._reports = [report]
        self.message = QLabel(message)
        self.message.setObjectName("message")
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # a report is never read as HTML
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit()
        self.details.setObjectName("report")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.details.setToolTip("The full report: select it, or press Copy report, to paste it into a bug report.")
        self.details.setPlainText(report)
        self.log_label = QLabel()
        self.log_label.setTextFormat(Qt.TextFormat.PlainText)
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.set_log_path(log_path)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy report")
        self.copy_button.setToolTip("Put the whole report on the clipboard.")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.log_label)
        layout.addWidget(buttons)

    def report(self) -> str:
        """Every report shown, separated by a blank line."""
        return "\n\n".join(self._reports)

    def set_log_path(self, path: Path | None) -> None:
        self.log_label.setText(f"The report was also written to {path}" if path else
                               "The report could not be written to the log file.")

    def add_report(self, message: str, report: str) -> None:
        """One more error while the dialog is open: count it and append its report."""
        self._reports.append(report)
        self.message.setText(f"{len(self._reports)} errors happened; the last: {message}")
        self.details.setPlainText(self.report())

    @Slot()
    def copy_report(self) -> None:
        QApplication.clipboard().setText(self.report())
        self.copy_button.setText("Copied")


# -- routing uncaught exceptions -------------------------------------------------------------------------
class _Reporter(QObject):
    """Lives in the GUI thread; a report from any thread reaches :meth:`show` through a (queued)
    signal, so the dialog is always made in the GUI thread."""

    reported = Signal(str, str)

    def __init__(self, window_getter: Callable[[], QWidget | None]):
        super().__init__()
        self.window_getter = window_getter
        self.dialog: ErrorDialog | None = None
        self.reported.connect(self.show)

    @Slot(str, str)
    def show(self, report: str, context: str) -> None:
        try:
            parent = self.window_getter()
        except Exception:  # noqa: BLE001 - a broken getter must not hide the error itself
            parent = None
        self.dialog = report_error(report, context, parent, dialog=self.dialog, log=False)


def report_error(report: str, context: str, parent: QWidget | None = None, dialog: ErrorDialog | None = None,
                 log: bool = True) -> ErrorDialog:
    """Log ``report`` and show it: in ``dialog`` if that is still open, else in a new
    :class:`ErrorDialog` (opened window-modal, not blocking). Returns the dialog shown.

    The window's worker-failure slot can call this directly: ``report_error(report, "training", self)``.
    """
    path = _try_log(report, context) if log else None
    message = f"{context}: {summary_line(report)}"
    if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
        dialog.add_report(message, report)
        if path:
            dialog.set_log_path(path)
        return dialog
    dialog = ErrorDialog(message, report, path, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # deleted on the GUI thread once closed
    keep_python_half(dialog)
    dialog.open()
    return dialog


def _try_log(report: str, context: str) -> Path | None:
    try:
        return log_error(report, context)
    except OSError as exc:  # the disk is full, the folder is read-only: say so, do not crash again
        print(f"gdlab: could not write the log ({exc}):\n{report}", file=sys.stderr)
        return None


class _Installed:
    """What :func:`install_excepthook` returns: the reporter, and ``uninstall()``."""

    def __init__(self, reporter: _Reporter, previous_sys, previous_thread):
        self.reporter = reporter
        self._previous = (previous_sys, previous_thread)

    @property
    def dialog(self) -> ErrorDialog | None:
        return self.reporter.dialog

    def uninstall(self) -> None:
        """Put the previous hooks back (only if ours are still the ones installed)."""
        previous_sys, previous_thread = self._previous
        if getattr(sys.excepthook, "_gdlab_reporter", None) is self.reporter:
            sys.excepthook = previous_sys
        if getattr(threading.excepthook, "_gdlab_reporter", None) is self.reporter:
            threading.excepthook = previous_thread


def install_excepthook(window_getter: Callable[[], QWidget | None]) -> _Installed:
    """Route uncaught exceptions to the log and an :class:`ErrorDialog` parented to ``window_getter()``.

    Call it in the GUI thread after the QApplication exists. Exceptions in the GUI thread (and in
    Qt slots, which PySide hands to ``sys.excepthook``) and in Python threads are logged at once,
    from the thread they happen in, and shown in the GUI thread. ``KeyboardInterrupt`` and
    ``SystemExit`` go to the previous hooks unchanged. Returns an object whose ``uninstall()``
    restores the previous hooks.
    """
    reporter = _Reporter(window_getter)
    previous_sys, previous_thread = sys.excepthook, threading.excepthook

    def hand_on(exc_type, exc, tb, context: str) -> None:
        report = format_report(exc_type, exc, tb)
        _try_log(report, context)
        reporter.reported.emit(report, context)  # a direct call in the GUI thread, queued from others

    def gui_hook(exc_type, exc, tb) -> None:
        if exc_type is None or issubclass(exc_type, PASS_THROUGH):
            previous_sys(exc_type, exc, tb)
            return
        try:
            hand_on(exc_type, exc, tb, "Unexpected error")
        except Exception:  # noqa: BLE001 - the hook must not fail: fall back to printing
            previous_sys(exc_type, exc, tb)

    def thread_hook(args) -> None:
        if args.exc_type is None or issubclass(args.exc_type, PASS_THROUGH):
            previous_thread(args)
            return
        name = args.thread.name if args.thread is not None else "a thread"
        try:
            hand_on(args.exc_type, args.exc_value, args.exc_traceback, f"Unexpected error in {name}")
        except Exception:  # noqa: BLE001
            previous_thread(args)

    gui_hook._gdlab_reporter = reporter  # type: ignore[attr-defined]
    thread_hook._gdlab_reporter = reporter  # type: ignore[attr-defined]
    sys.excepthook = gui_hook
    threading.excepthook = thread_hook
    return _Installed(reporter, previous_sys, previous_thread)
