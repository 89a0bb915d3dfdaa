"""Starting the desktop app: the QApplication, the window, and the smoke-test options."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ..core.experiment import Experiment
from .help import APP_ID, app_icon
from .main_window import MainWindow
from .welcome import should_show_welcome

ORGANISATION = "gdlab"
APPLICATION = "gdlab"


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("gdlab")
    app.setStyle("Fusion")
    app.setDesktopFileName(APP_ID)  # Wayland matches the window to the desktop entry (and its icon)
    app.setWindowIcon(app_icon())
    return app


def run_app(experiment: Experiment | None = None, quit_after: int | None = None, screenshot: str | None = None,
            size: tuple[int, int] | None = None, run_iterations: int | None = None) -> int:
    """Show the lab window and run the event loop; returns the exit status (0 on a normal quit)."""
    app = make_app()
    window = MainWindow(experiment)
    if size:
        window.resize(*size)
    window.show()
    if experiment is None and quit_after is None and should_show_welcome(window.settings):
        window.show_welcome()  # first start: offer the three core lessons
    if run_iterations:
        window.session.step(run_iterations)
    if quit_after is not None:
        def finish() -> None:
            if screenshot:
                window.grab().save(str(Path(screenshot)))
            window.close()

        QTimer.singleShot(quit_after, finish)
    return app.exec()
