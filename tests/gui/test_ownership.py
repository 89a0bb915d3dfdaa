"""Who deletes what, and when: a closed window and the dialogs it opened are deleted on the GUI
thread at once (never left to Python's cycle collector); no lambda in the GUI holds the window;
a training thread that does not stop is reported and kept, not destroyed while it runs."""
import ast
import gc
import weakref
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QDialog

import gdlab.gui
from gdlab.gui import gc_policy
from gdlab.gui.window import saved_state

GUI = Path(gdlab.gui.__file__).resolve().parent
TIMEOUT = 15_000
# The names the GUI gives the object a method or a builder works on: a lambda that reads one of them
# and is connected to a signal (or kept on a widget) keeps that object alive from inside Qt.
OWNER_NAMES = {"self", "window"}


def test_a_closed_window_is_deleted_with_its_widgets_and_its_thread_stopped(qtbot, make_window):
    window = make_window("xor")
    plot, thread = window.cost_plot, window.session.thread
    window.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=TIMEOUT)  # deleted by the event loop
    assert not shiboken6.isValid(plot)
    assert thread.isFinished()


def test_a_closed_window_dropped_before_qt_deletes_it_is_kept_from_the_cycle_collector(qtbot, make_window):
    """Its last reference gone and a collection before the event loop deletes it: the window's
    Python half stays whole while Qt deletes the widgets (no slot runs on an emptied object), and
    after (see gc_policy.KEPT)."""
    window = make_window("xor")
    ref = weakref.ref(window)
    window.close()
    del window
    gc.collect()
    assert ref() is not None and shiboken6.isValid(ref()) and hasattr(ref(), "view_tabs")
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(ref()) and any(kept is ref() for kept in gc_policy.KEPT)


def test_the_dialogs_a_window_opens_are_deleted_when_they_close(qtbot, make_window):
    window = make_window("xor")
    opened = {
        "about": lambda: (window.show_about(), window._about)[1],
        "shortcuts": lambda: (window.show_shortcuts(), window._sheet)[1],
        "welcome": lambda: (window.show_welcome(), window._welcome)[1],
        "error": lambda: (window._error_box("Title", "text"), window._last_error_box)[1],
        "export": lambda: (window.export_dialog(), window._export)[1],
        "fork": lambda: (window.fork_dialog(), window._fork_dialog)[1],
    }
    for name, open_dialog in opened.items():
        dialog = open_dialog()
        assert isinstance(dialog, QDialog) and dialog.isVisible() and dialog.parent() is window, name
        dialog.reject()
        qtbot.waitUntil(lambda dialog=dialog: not shiboken6.isValid(dialog), timeout=TIMEOUT)
    assert not window.findChildren(QDialog)


def test_repeated_failures_after_the_error_dialog_closed_open_a_new_one(qtbot, make_window, tmp_path, monkeypatch):
    from gdlab.gui import errors

    monkeypatch.setenv(errors.LOG_ENV, str(tmp_path / "logs"))
    window = make_window("xor")
    window.session.failed.emit("Traceback (most recent call last):\nValueError: first")
    qtbot.waitUntil(lambda: window._error_dialog is not None and window._error_dialog.isVisible(), timeout=TIMEOUT)
    first = window._error_dialog
    first.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(first), timeout=TIMEOUT)
    window.session.failed.emit("Traceback (most recent call last):\nValueError: second")
    qtbot.waitUntil(lambda: shiboken6.isValid(window._error_dialog) and window._error_dialog.isVisible(),
                    timeout=TIMEOUT)
    assert "second" in window._error_dialog.details.toPlainText()
    window._error_dialog.close()


def owner_lambdas(source: str) -> list[int]:
    """The lines of the lambdas in ``source`` that hold ``self`` or ``window``: read in the body (and
    not a parameter), or a parameter's default value (``w=window``; ``combo=self.combo`` holds the
    combo box, not ``self``)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Lambda):
            params = {a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
            body = {n.id for n in ast.walk(node.body) if isinstance(n, ast.Name)} - params
            defaults = {d.id for d in (*node.args.defaults, *node.args.kw_defaults) if isinstance(d, ast.Name)}
            if (body | defaults) & OWNER_NAMES:
                lines.append(node.lineno)
    return sorted(lines)


def test_no_lambda_in_the_gui_holds_the_window_or_self():
    """PySide keeps a connected lambda (or functools.partial) alive from C++, where the cycle
    collector cannot see it: one that reads the window keeps the closed window alive until its Qt
    half is deleted. Bound methods (PySide drops the connection with their object) and actions that
    carry their own data are used instead."""
    found = [f"{path.relative_to(GUI.parent)}:{line}" for path in sorted(GUI.rglob("*.py"))
             for line in owner_lambdas(path.read_text(encoding="utf-8"))]
    assert not found, "lambdas holding self or the window: " + ", ".join(found)


def test_the_lambda_scan_sees_self_and_the_window_in_bodies_and_defaults():
    source = ("button.clicked.connect(lambda: self.go(1))\n"
              "other = lambda x, w=window: w.go(x)\n"
              "fine = lambda x, combo=self.combo: {'x': combo.currentText()}\n"
              "also_fine = lambda self: self.go()\n"
              "undo.append(lambda t=target: t.apply_theme(window.theme))\n")
    assert owner_lambdas(source) == [1, 2, 5]


def test_actions_that_carry_a_name_do_what_it_says(qtbot, make_window, tmp_path):
    """The recent files, the lessons of Lesson → Play, Ctrl+Left and the views' own "Export figure…"
    reach the window through the action itself (its data, its parent view)."""
    window = make_window("xor")
    path = tmp_path / "mine.json"
    assert window.save_to(path)
    window.load_preset("lr-too-small")
    qtbot.waitUntil(lambda: window.session.latest.experiment.name == "lr-too-small", timeout=TIMEOUT)
    window.recent_menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: window.session.latest.experiment.name == "xor", timeout=TIMEOUT)
    assert window.path == path
    window.step_ten()
    window.step_ten()
    qtbot.waitUntil(lambda: window.session.latest.snapshot.iteration == 20, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.timeline.value == 20, timeout=TIMEOUT)
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert window.timeline.value == 10
    window.timeline.go_live()
    (export, copy) = [a for a in window.cost_plot.getPlotItem().vb.menu.actions()
                      if a.text() in ("Export figure…", "Copy figure")]
    export.trigger()
    assert window._export.isVisible() and window._export.what.currentText() == "Cost per iteration"
    window._export.reject()
    copy.trigger()
    assert not QApplication.clipboard().image().isNull()


def test_a_thread_that_does_not_stop_is_logged_and_kept_out_of_the_deleted_window(qtbot, make_window, tmp_path,
                                                                                  monkeypatch):
    from gdlab.gui import errors
    from gdlab.gui.session import TrainingSession

    monkeypatch.setenv(errors.LOG_ENV, str(tmp_path / "logs"))
    monkeypatch.setattr(saved_state, "UNSTOPPED", [])
    window = make_window("xor")
    session = window.session
    monkeypatch.setattr(session, "shutdown", lambda: False)  # as if the wait timed out
    window.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    try:
        assert not shiboken6.isValid(window)
        assert saved_state.UNSTOPPED == [session] and session.parent() is None and shiboken6.isValid(session)
        assert session.thread.isRunning()
        assert "did not stop" in (tmp_path / "logs" / errors.LOG_NAME).read_text()
    finally:
        assert TrainingSession.shutdown(session)
    assert session.thread.isFinished()


@pytest.mark.parametrize("stops", [True, False])
def test_stop_session_says_whether_the_thread_stopped(stops, monkeypatch, tmp_path):
    from gdlab.gui import errors

    monkeypatch.setenv(errors.LOG_ENV, str(tmp_path / "logs"))
    monkeypatch.setattr(saved_state, "UNSTOPPED", [])

    class Session:
        def __init__(self):
            self.parent = "window"

        def shutdown(self):
            return stops

        def setParent(self, parent):
            self.parent = parent

    session = Session()
    assert saved_state.stop_session(session) is stops
    if stops:
        assert saved_state.UNSTOPPED == [] and session.parent == "window"
    else:
        assert saved_state.UNSTOPPED == [session] and session.parent is None
