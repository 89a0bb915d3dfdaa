"""Garbage collection on the GUI thread only, while a training thread exists.

Python's cyclic garbage collector runs on whichever thread happens to allocate when a
generation's threshold is crossed: with training running, that is nearly always the training
thread. If the garbage holds Qt objects (a closed window's widgets caught in a reference cycle),
their C++ destructors then run on the training thread, where ``QObject::~QObject`` takes a Qt
lock and asks Python (the GIL) for overrides, while the GUI thread, holding the GIL, deletes
another QObject and waits for that lock: a deadlock. It was seen here, once in a few full test
runs, in the GUI stress test.

So :func:`collect_on_gui_thread_only` turns automatic collection off and has a timer on the GUI
thread collect instead, generation by generation with Python's own thresholds (the scheme of
``pyqtgraph.util.garbage_collector``). Reference counting still frees everything that is not in
a cycle at once, on any thread; only cycles wait, at most :data:`INTERVAL_MS`.

It is installed with the application (:func:`gdlab.gui.app.make_app`, and the headless app of
``gdlab lesson --export``), never as a side effect of something else: a training session only
checks it (:func:`require_gui_thread_collection`). Windows and dialogs do not rely on it to go: Qt
deletes them on the GUI thread when they close (``WA_DeleteOnClose``), and their Python halves are
kept out of the collector's reach (:data:`KEPT`).
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer

INTERVAL_MS = 500

_collector: "GuiThreadCollector | None" = None


class GuiThreadCollector(QObject):
    """Collects generation 0 (and 1, 2 when theirs are due) from a GUI-thread timer."""

    def __init__(self, app: QCoreApplication):
        super().__init__(app)  # lives as long as the application
        self.threshold = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setObjectName("gdlab-gc")
        self.timer.timeout.connect(self.check)
        self.timer.start(INTERVAL_MS)
        gc.disable()

    def check(self) -> None:
        count0, count1, count2 = gc.get_count()
        if count0 > self.threshold[0]:
            gc.collect(0)
            if count1 > self.threshold[1]:
                gc.collect(1)
                if count2 > self.threshold[2]:
                    gc.collect(2)


# The Python halves of windows and dialogs that Qt deletes when they close (WA_DeleteOnClose), kept
# for the rest of the process. Freed after Qt deleted the C++ half, one of them crashed the process:
# some wrapper in a window's tree still believes it owns a C++ object that Qt deleted with the
# window, and freeing it deleted whatever had since been made at that address (a later window's
# QThread: "QThread: Destroyed while thread is still running"). Freed before, the collector would
# empty objects whose widgets still exist. Until that wrapper is found the shells stay, as they
# did when lambdas connected to their signals held them.
KEPT: list[QObject] = []


def keep_python_half(obj: QObject) -> None:
    """Keep ``obj``'s Python half for the rest of the process (see :data:`KEPT`)."""
    KEPT.append(obj)


def installed() -> bool:
    """Whether this application's collector is running (and automatic collection is off)."""
    app = QCoreApplication.instance()
    try:
        return (app is not None and _collector is not None and _collector.parent() is app
                and _collector.timer.isActive() and not gc.isenabled())
    except RuntimeError:  # its application was deleted
        return False


def require_gui_thread_collection() -> None:
    """Raise RuntimeError unless the GUI-thread collector is installed: call it before starting a
    thread that runs Python."""
    if not installed():
        raise RuntimeError("a training thread needs garbage collection on the GUI thread only: make the "
                           "application with gdlab.gui.app.make_app() (or call "
                           "gdlab.gui.gc_policy.collect_on_gui_thread_only() after creating it)")


def collect_on_gui_thread_only() -> bool:
    """Install the GUI-thread collector once per application (call it on the GUI thread before
    starting a thread that runs Python). False if there is no application to run its timer."""
    global _collector
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        return False
    try:
        current = _collector is not None and _collector.parent() is app
    except RuntimeError:  # its application was deleted
        current = False
    if not current:
        _collector = GuiThreadCollector(app)
    return True
