"""Errors reach the user as a dialog with a copyable report, and are logged to a file."""
from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget

from gdlab.gui import errors
from gdlab.gui.errors import ErrorDialog, install_excepthook, log_dir, log_error, report_error

TIMEOUT = 5_000
HEADER = re.compile(r"^==== \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d \| (.+?) \| gdlab \S+ \| pid \d+ ====$",
                    re.MULTILINE)


@pytest.fixture(autouse=True)
def logs(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setenv(errors.LOG_ENV, str(folder))
    return folder


@pytest.fixture
def window(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def hook(window):
    installed = install_excepthook(lambda: window)
    yield installed
    installed.uninstall()
    if installed.dialog is not None:
        installed.dialog.close()


# -- the log ---------------------------------------------------------------------------------------
def test_log_dir_is_the_env_folder_created_if_missing(logs):
    assert not logs.exists()
    assert log_dir() == logs
    assert logs.is_dir()


def test_log_dir_defaults_to_the_platform_state_folder(qapp, tmp_path, monkeypatch):  # qapp: the app's names
    monkeypatch.delenv(errors.LOG_ENV)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # Linux: keep the test out of $HOME
    if sys.platform == "darwin":
        expected = Path.home() / "Library" / "Logs" / "gdlab"
    else:
        doubled = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.StateLocation))
        expected = doubled.parent / "logs"  # Qt's state folder says gdlab/gdlab: gdlab once
    assert log_dir() == expected
    assert expected.is_dir()
    if sys.platform.startswith("linux"):
        assert expected == tmp_path / "state" / "gdlab" / "logs"


def test_log_error_appends_timestamped_entries(logs):
    first = log_error("Traceback (most recent call last):\nValueError: one", "the worker")
    second = log_error("ZeroDivisionError: two", "a slot")
    assert first == second == logs / "gdlab.log"
    text = first.read_text(encoding="utf-8")
    assert [m.group(1) for m in HEADER.finditer(text)] == ["the worker", "a slot"]
    assert text.index("ValueError: one") < text.index("ZeroDivisionError: two")


def test_the_log_rotates_past_one_megabyte_keeping_one_old_file(logs):
    big = "x" * 1_100_000
    path = log_error("first " + big, "one")
    log_error("second", "two")  # the log is past 1 MB: it moves to gdlab.log.1 first
    old = logs / "gdlab.log.1"
    assert "first " in old.read_text(encoding="utf-8")
    assert "first " not in path.read_text(encoding="utf-8") and "second" in path.read_text(encoding="utf-8")
    log_error("third " + big, "three")
    log_error("fourth", "four")
    assert sorted(p.name for p in logs.iterdir()) == ["gdlab.log", "gdlab.log.1"], "one old file only"
    assert "third " in old.read_text(encoding="utf-8") and "first " not in old.read_text(encoding="utf-8")
    assert "fourth" in path.read_text(encoding="utf-8")


def test_entries_from_many_threads_never_interleave(logs):
    def write(k: int) -> None:
        for i in range(20):
            log_error(f"BEGIN {k}-{i}\n" + f"line of {k}\n" * 30 + f"END {k}-{i}", f"thread {k}")

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    text = (logs / "gdlab.log").read_text(encoding="utf-8")
    entries = HEADER.split(text)[1:]
    assert len(entries) == 2 * 80
    for context, body in zip(entries[0::2], entries[1::2]):
        k = context.split()[-1]
        lines = body.strip().splitlines()
        assert lines[0].startswith(f"BEGIN {k}-") and lines[-1].startswith(f"END {k}-")
        assert set(lines[1:-1]) == {f"line of {k}"}


# -- the dialog ------------------------------------------------------------------------------------
REPORT = "Traceback (most recent call last):\n  File \"x.py\", line 1, in f\nKeyError: 'w3'"


def test_the_dialog_shows_one_line_and_a_read_only_report(qtbot):
    dialog = ErrorDialog("Training: KeyError: 'w3'", REPORT, Path("/tmp/gdlab.log"))
    qtbot.addWidget(dialog)
    dialog.show()
    box = dialog.findChild(QPlainTextEdit, "report")
    assert box.isReadOnly() and box.toPlainText() == REPORT
    assert box.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert "\n" not in dialog.message.text()
    assert "/tmp/gdlab.log" in dialog.log_label.text()


def test_copy_report_puts_the_report_on_the_clipboard(qtbot):
    QApplication.clipboard().setText("something else")
    dialog = ErrorDialog("Training: KeyError: 'w3'", REPORT)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == REPORT
    assert dialog.copy_button.text() == "Copied"


def test_a_report_that_looks_like_html_is_shown_as_text(qtbot):
    dialog = ErrorDialog("<b>bold</b> <img src='x.png'>", "<script>alert(1)</script>")
    qtbot.addWidget(dialog)
    assert dialog.message.textFormat() == Qt.TextFormat.PlainText
    assert dialog.message.text() == "<b>bold</b> <img src='x.png'>"
    assert dialog.details.toPlainText() == "<script>alert(1)</script>"


def test_report_error_logs_and_opens_one_dialog_for_a_burst_of_errors(qtbot, window, logs):
    first = report_error("Traceback ...\nValueError: one", "Training", window)
    qtbot.addWidget(first)
    assert first.isVisible() and first.parent() is window
    assert first.message.text() == "Training: ValueError: one"
    again = report_error("Traceback ...\nValueError: two", "Training", window, dialog=first)
    assert again is first, "a second error while the dialog is open joins it"
    assert "2 errors" in first.message.text() and "ValueError: two" in first.message.text()
    assert "ValueError: one" in first.report() and "ValueError: two" in first.report()
    log = (logs / "gdlab.log").read_text(encoding="utf-8")
    assert "ValueError: one" in log and "ValueError: two" in log


# -- the hooks -------------------------------------------------------------------------------------
class Emitter(QObject):
    fire = Signal()


def broken_slot() -> None:
    raise ValueError("the slot broke")


@pytest.mark.qt_no_exception_capture  # pytest-qt would take the exception itself
def test_an_exception_in_a_qt_slot_shows_the_dialog_and_is_logged(qtbot, window, hook, logs):
    QTimer.singleShot(0, broken_slot)  # raised from inside the event loop, as in the app
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=TIMEOUT)
    dialog = hook.dialog
    assert dialog.parent() is window
    assert "ValueError: the slot broke" in dialog.message.text()
    assert "in broken_slot" in dialog.report() and "PySide6" in dialog.report()
    log = (logs / "gdlab.log").read_text(encoding="utf-8")
    assert "ValueError: the slot broke" in log and "in broken_slot" in log
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert "ValueError: the slot broke" in QApplication.clipboard().text()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_connected_slot_shows_the_dialog(qtbot, hook):
    emitter = Emitter()
    emitter.fire.connect(broken_slot)
    emitter.fire.emit()
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=TIMEOUT)
    assert "ValueError: the slot broke" in hook.dialog.message.text()


def test_an_exception_in_a_thread_reaches_the_gui_thread(qtbot, hook, logs):
    def work() -> None:
        raise RuntimeError("the thread broke")

    thread = threading.Thread(target=work, name="loader")
    thread.start()
    thread.join()
    assert "RuntimeError: the thread broke" in (logs / "gdlab.log").read_text(encoding="utf-8"), \
        "logged at once, from the thread"
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible(), timeout=TIMEOUT)
    assert hook.dialog.thread() is QApplication.instance().thread()
    assert "loader" in hook.dialog.message.text() and "the thread broke" in hook.dialog.message.text()


def test_keyboard_interrupt_and_system_exit_are_passed_on(qtbot, window, monkeypatch, logs):
    passed = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc: passed.append(exc[0]))
    monkeypatch.setattr(threading, "excepthook", lambda args: passed.append(args.exc_type))
    installed = install_excepthook(lambda: window)
    try:
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
        sys.excepthook(SystemExit, SystemExit(0), None)
        threading.excepthook(threading.ExceptHookArgs((KeyboardInterrupt, KeyboardInterrupt(), None, None)))
    finally:
        installed.uninstall()
    assert passed == [KeyboardInterrupt, SystemExit, KeyboardInterrupt]
    assert installed.dialog is None and not (logs / "gdlab.log").exists()


def test_uninstall_restores_the_previous_hooks(window):
    before = sys.excepthook, threading.excepthook
    installed = install_excepthook(lambda: window)
    assert sys.excepthook is not before[0] and threading.excepthook is not before[1]
    installed.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_an_unwritable_log_still_shows_the_dialog(qtbot, window, tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    monkeypatch.setenv(errors.LOG_ENV, str(blocker))
    installed = install_excepthook(lambda: window)
    try:
        sys.excepthook(OSError, OSError("disk full"), None)
    finally:
        installed.uninstall()
    dialog = installed.dialog
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and "OSError: disk full" in dialog.message.text()
    assert "could not be written" in dialog.log_label.text()
    assert "could not write the log" in capsys.readouterr().err
