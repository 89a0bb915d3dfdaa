"""The one QApplication of a verb that draws without a window (export, worksheet, lesson --export).
Qt is imported only when that function runs."""
from __future__ import annotations

import sys


def headless_qt(training_thread: bool = False):
    """The one QApplication of a command that draws but shows nothing: on the offscreen platform
    (unless QT_QPA_PLATFORM says otherwise), so no display is needed and the pictures do not
    depend on a screen's settings. ``training_thread``: the command runs a window's training
    session, so garbage cycles are collected on the GUI thread only (gdlab.gui.gc_policy)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    # Qt seeds its hash tables at random: the order of a PDF's font objects would change from run
    # to run. A fixed seed (read when Qt first hashes) keeps the same inputs giving the same bytes.
    os.environ.setdefault("QT_HASH_SEED", "0")
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    def quiet(kind, context, message) -> None:
        # showing a window offscreen says so once per window; it is not the user's business
        if "propagateSizeHints" not in message:
            sys.stderr.write(f"qt: {message}\n" if kind != QtMsgType.QtDebugMsg else "")

    qInstallMessageHandler(quiet)
    app = QApplication.instance() or QApplication(["gdlab"])
    app.setStyle("Fusion")
    if training_thread:
        from ..gui.gc_policy import collect_on_gui_thread_only

        collect_on_gui_thread_only()
    return app
