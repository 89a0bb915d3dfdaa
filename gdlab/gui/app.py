"""Starting the desktop app: the QApplication, the window, and the smoke-test options."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from ..core.files.experiment import Experiment
from ..core.io.atomic import atomic_write_bytes
from .autosave import Autosaver
from .dialogs.help import APP_ID, app_icon
from .dialogs.welcome import should_show_welcome
from .errors import install_excepthook, log_error
from .figures.figure_encode import png_bytes
from .folders import migrate_legacy_folders
from .gc_policy import collect_on_gui_thread_only
from .main_window import MainWindow

# QSettings needs an organisation (without one it writes "Unknown Organization"), so the settings
# stay at ~/.config/gdlab/gdlab.conf (Windows: the registry key Software/gdlab/gdlab); the data and
# log folders, where Qt would say the pair twice (gdlab/gdlab), are gdlab.gui.folders'.
ORGANISATION = "gdlab"
APPLICATION = "gdlab"


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (made once; an existing one is set up the same way), with garbage cycles
    collected on the GUI thread only: the policy a training session requires (see gc_policy)."""
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    # no setApplicationDisplayName: Qt would append " — gdlab" to every window title on X11 and
    # Wayland, and the lab window's "gdlab — xor" would read "gdlab — xor — gdlab"
    app.setStyle("Fusion")
    app.setDesktopFileName(APP_ID)  # Wayland matches the window to the desktop entry (and its icon)
    app.setWindowIcon(app_icon())
    collect_on_gui_thread_only()
    return app


def run_app(experiment: Experiment | None = None, quit_after: int | None = None, screenshot: str | None = None,
            size: tuple[int, int] | None = None, run_iterations: int | None = None, lesson=None) -> int:
    """Show the lab window and run the event loop; returns the exit status (0 on a normal quit).

    ``lesson``: a :class:`~gdlab.core.teaching.lessons.Lesson` to play from its first pause."""
    app = make_app()
    if quit_after is None:  # a smoke-test run (--quit-after) moves nothing
        _move_legacy_folders()
    autosaver = Autosaver() if quit_after is None else None
    recovered = None
    if autosaver is not None and experiment is None:
        pending = autosaver.pending_recovery()  # the last run did not close cleanly
        if pending is not None and QMessageBox.question(
                None, "gdlab", f"gdlab did not close properly last time. Restore the experiment you were working "
                f"on ({pending.name})?") == QMessageBox.StandardButton.Yes:
            recovered = pending
    window = MainWindow(recovered or experiment)
    if autosaver is not None:  # a smoke-test run (--quit-after) neither takes the lock nor touches the autosave
        _start_autosave(app, window, autosaver, keep_recovery=experiment is not None)
    # uncaught errors: a dialog (over the window while it lives) and the log
    window.error_hooks = install_excepthook(functools.partial(_alive, window))
    if size:
        window.resize(*size)
    window.show()
    if lesson is not None:
        _play(window, lesson)
    elif experiment is None and quit_after is None and should_show_welcome(window.settings):
        window.show_welcome()  # first start: offer the three core lessons
    if run_iterations:
        window.session.step(run_iterations)
    failed: list[str] = []
    if quit_after is not None:
        def finish() -> None:
            if screenshot:
                try:
                    atomic_write_bytes(Path(screenshot), png_bytes(window.grab().toImage(), 96.0,
                                                                   window._current_experiment(), "gdlab window"))
                except OSError as exc:
                    failed.append(f"gdlab: error: cannot write the screenshot {screenshot}: {exc.strerror or exc}")
            window.close()

        QTimer.singleShot(quit_after, finish)
    status = app.exec()
    for message in failed:
        print(message, file=sys.stderr)
    return 2 if failed else status


def _move_legacy_folders() -> None:
    """Move what an earlier gdlab left in the doubled folders (…/gdlab/gdlab) to today's, and say
    so in the log (once: after the move there is nothing left to move)."""
    notes = migrate_legacy_folders()
    if notes:
        try:
            log_error("gdlab's folders no longer say gdlab twice:\n" + "\n".join(notes), "Moving gdlab's folders")
        except OSError:
            print("gdlab: " + "\ngdlab: ".join(notes), file=sys.stderr)


def _alive(window: MainWindow) -> MainWindow | None:
    """``window``, or None once it is deleted (closing deletes it)."""
    return window if shiboken6.isValid(window) else None


def _start_autosave(app: QApplication, window: MainWindow, autosaver: Autosaver, keep_recovery: bool) -> None:
    """Autosave the window's experiment until the app quits; a failing autosave shows in the status bar.

    ``keep_recovery`` (an experiment was asked for on the command line, so nothing was offered
    back): if a crashed run left an experiment to recover, it is kept for the next plain start and
    this run does not autosave, and lets the lock go at once: the next gdlab started without an
    experiment offers it."""
    def show_failure(message: str) -> None:
        window.statusBar().showMessage(message[:1].upper() + message[1:], 10000)

    autosaver.failed.connect(show_failure)
    if keep_recovery and autosaver.pending_recovery() is not None:
        window.statusBar().showMessage("gdlab did not close properly last time: that experiment is kept, and "
                                       "offered back when gdlab starts without one. Autosave is off until then.")
        autosaver.release()
        return
    autosaver.discard()
    autosaver.start(window._current_experiment)
    app.aboutToQuit.connect(autosaver.stop)


def _play(window: MainWindow, lesson) -> None:
    """Start ``lesson`` with the window's lesson player."""
    window.lesson_player.start(lesson)
