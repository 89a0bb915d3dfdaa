"""Starting the desktop app: the QApplication, the window, and the smoke-test options."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ..core.experiment import Experiment
from .main_window import MainWindow

ORGANISATION = "gdlab"
APPLICATION = "gdlab"


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("gdlab")
    app.setStyle("Fusion")
    return app


def run_app(experiment: Experiment | None = None, quit_after: int | None = None, screenshot: str | None = None,
            size: tuple[int, int] | None = None, run_iterations: int | None = None) -> int:
    """Show the lab window and run the event loop; returns the exit status (0 on a normal quit)."""
    app = make_app()
    window = MainWindow(experiment)
    if size:
        window.resize(*size)
    window.show()
    if run_iterations:
        window.session.step(run_iterations)
    if quit_after is not None:
        def finish() -> None:
            if screenshot:
                window.grab().save(str(Path(screenshot)))
            window.close()

        QTimer.singleShot(quit_after, finish)
    return app.exec()
