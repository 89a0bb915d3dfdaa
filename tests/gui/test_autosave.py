"""Autosave: the current experiment is saved when it changes and offered back after a crash."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings, QStandardPaths

from gdlab.core.files.experiment import load_experiment
from gdlab.core.files.presets import load_preset
from gdlab.gui import app as app_module
from gdlab.gui import autosave as autosave_module
from gdlab.gui.autosave import Autosaver, default_folder
from gdlab.gui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("qapp")  # the autosaver's timer needs a running application

TIMEOUT = 5_000
FAST = 20  # ms between checks in these tests


class Current:
    """The window's current experiment, as the autosaver sees it (a getter)."""

    def __init__(self, name: str = "xor"):
        self.experiment = load_preset(name)

    def __call__(self):
        return self.experiment


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "autosave"


@pytest.fixture
def savers():
    """Autosavers made by a test; their timers are stopped afterwards (a crash leaves its lock)."""
    made: list[Autosaver] = []
    yield made
    for saver in made:
        saver._timer.stop()


def make(savers, folder) -> Autosaver:
    saver = Autosaver(folder)
    savers.append(saver)
    return saver


def test_start_saves_now_and_writes_the_lock(savers, folder):
    current = Current()
    saver = make(savers, folder)
    assert saver.start(current, interval_ms=FAST)
    assert saver.path == folder / "current.json" and saver.lock_path == folder / "running.lock"
    assert load_experiment(saver.path) == current.experiment
    lock = json.loads(saver.lock_path.read_text())
    assert lock["pid"] == os.getpid() and lock["token"] == saver.token
    assert saver.pending_recovery() is None, "our own lock is not a crash"


def test_a_clean_stop_leaves_nothing_to_recover(qtbot, savers, folder):
    current = Current()
    saver = make(savers, folder)
    saver.start(current, interval_ms=FAST)
    current.experiment = current.experiment.replace(learning_rate=0.25)
    saver.stop()
    assert not saver.lock_path.exists()
    assert load_experiment(saver.path)["learning_rate"] == 0.25, "stop saves a last change first"
    assert make(savers, folder).pending_recovery() is None


def test_after_a_crash_the_last_saved_experiment_is_offered_back(qtbot, savers, folder):
    current = Current("xor")
    crashed = make(savers, folder)
    crashed.start(current, interval_ms=FAST)
    current.experiment = current.experiment.replace(learning_rate=0.125, hidden_layers=[7, 3], name="my work")
    qtbot.waitUntil(lambda: crashed.save_count == 2, timeout=TIMEOUT)
    crashed._timer.stop()  # the process "dies": no stop(), the lock stays

    restarted = make(savers, folder)
    recovered = restarted.pending_recovery()
    assert recovered is not None
    assert recovered.to_json() == current.experiment.to_json(), "exactly the last saved experiment"
    restarted.discard()
    assert not restarted.path.exists() and not restarted.lock_path.exists()
    assert make(savers, folder).pending_recovery() is None, "offered once"


def test_a_corrupt_autosave_is_not_offered_and_is_set_aside(qtbot, savers, folder):
    crashed = make(savers, folder)
    crashed.start(Current(), interval_ms=FAST)
    crashed._timer.stop()
    crashed.path.write_bytes(b'{"format": "gdlab-experiment", "schema_ver')  # cut off mid-write by the crash
    restarted = make(savers, folder)
    assert restarted.pending_recovery() is None
    aside = list(folder.glob("current.corrupt-*.json"))
    assert len(aside) == 1, "set aside, not deleted"
    assert aside[0].read_bytes() == b'{"format": "gdlab-experiment", "schema_ver'
    assert not restarted.path.exists()
    assert restarted.pending_recovery() is None


def test_the_timer_saves_only_when_the_experiment_changed(qtbot, savers, folder):
    current = Current()
    saver = make(savers, folder)
    saver.start(current, interval_ms=FAST)
    assert saver.save_count == 1
    for _ in range(3):  # three checks with nothing changed: no write
        with qtbot.waitSignal(saver.checked, timeout=TIMEOUT) as check:
            pass
        assert check.args == [False]
    assert saver.save_count == 1
    written = saver.path.stat().st_mtime_ns
    current.experiment = current.experiment.replace(optimizer="adam")
    with qtbot.waitSignal(saver.saved, timeout=TIMEOUT):
        pass
    assert saver.save_count == 2 and load_experiment(saver.path)["optimizer"] == "adam"
    with qtbot.waitSignal(saver.checked, timeout=TIMEOUT) as check:
        pass
    assert check.args == [False] and saver.save_count == 2
    assert saver.path.stat().st_mtime_ns >= written
    saver.stop()


def test_the_lock_is_touched_at_every_check(qtbot, savers, folder):
    saver = make(savers, folder)
    saver.start(Current(), interval_ms=FAST)
    old = time.time() - 3600
    os.utime(saver.lock_path, (old, old))
    with qtbot.waitSignal(saver.checked, timeout=TIMEOUT):
        pass
    assert saver.lock_path.stat().st_mtime > old + 3000
    saver.stop()


def _live_other_process_lock(folder: Path) -> subprocess.Popen:
    """A lock held by another process that is alive (a second gdlab window)."""
    other = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "running.lock").write_text(json.dumps({"pid": other.pid, "token": "other", "interval_ms": 30_000}))
    load_preset("xor").save(folder / "current.json")
    return other


def test_a_lock_of_a_gdlab_still_running_is_not_a_crash(savers, folder):
    other = _live_other_process_lock(folder)
    try:
        saver = make(savers, folder)
        assert saver.pending_recovery() is None
        saver.discard()
        assert (folder / "running.lock").exists() and (folder / "current.json").exists(), "its files stay"
    finally:
        other.communicate(b"")
    assert saver.pending_recovery() is not None, "once that process is gone, its lock is a crash's"


def test_a_lock_without_heartbeat_is_a_crash_even_if_its_process_id_lives(savers, folder):
    other = _live_other_process_lock(folder)
    try:
        old = time.time() - 3600
        os.utime(folder / "running.lock", (old, old))  # its process id was reused by another program
        assert make(savers, folder).pending_recovery() == load_preset("xor")
    finally:
        other.communicate(b"")


def test_a_newer_gdlab_takes_the_autosave_over(qtbot, savers, folder):
    first_current, second_current = Current("xor"), Current("spiral-deep")
    first, second = make(savers, folder), make(savers, folder)
    first.start(first_current, interval_ms=FAST)
    second.start(second_current, interval_ms=FAST)
    first_current.experiment = first_current.experiment.replace(learning_rate=0.0625)
    qtbot.waitUntil(lambda: not first.running, timeout=TIMEOUT)
    assert load_experiment(second.path).name == "spiral-deep", "the older one stopped writing"
    first.stop()
    assert second.lock_path.exists(), "the older one does not remove the newer one's lock"
    second.stop()
    assert not second.lock_path.exists()


def test_a_failing_getter_or_folder_never_raises(qtbot, savers, folder, tmp_path):
    def broken():
        raise ValueError("the form is half edited")

    saver = make(savers, folder)
    with qtbot.waitSignal(saver.failed, timeout=TIMEOUT):
        assert saver.start(broken, interval_ms=FAST)
    assert "half edited" in saver.last_error
    saver.stop()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    stuck = make(savers, blocker / "autosave")
    with qtbot.waitSignal(stuck.failed, timeout=TIMEOUT):
        assert stuck.start(Current(), interval_ms=FAST) is False
    assert not stuck.running and "cannot be written" in stuck.last_error
    assert stuck.pending_recovery() is None


def test_the_folder_defaults_to_app_data_or_beside_the_settings(tmp_path):
    app_data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    assert Autosaver().folder == default_folder() == Path(app_data) / "autosave"
    settings = QSettings(str(tmp_path / "conf" / "gdlab.ini"), QSettings.Format.IniFormat)
    assert Autosaver(settings).folder == (tmp_path / "conf" / "autosave").resolve()


# -- the app's launch (gdlab.gui.app.run_app) and its autosave ------------------------------------
class _NoEventLoop:
    """The test's QApplication, but ``exec()`` returns at once: run_app sets everything up and
    returns, and the test then looks at the window and the autosave folder."""

    def __init__(self, app):
        self._app = app

    def __getattr__(self, name):
        return getattr(self._app, name)

    def exec(self) -> int:
        return 0


@pytest.fixture
def launch(qtbot, qapp, settings, folder, monkeypatch):
    """``launch(**run_app_arguments)`` runs the app's real :func:`run_app` with the autosave folder
    in ``tmp_path`` and the window's settings in a test file; returns the window. The autosavers
    run_app made are stopped afterwards, as the app's quit would."""
    monkeypatch.setattr(autosave_module, "default_folder", lambda: folder)
    monkeypatch.setattr(app_module, "make_app", lambda argv=None: _NoEventLoop(qapp))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_app installs its error hooks
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    windows: list[MainWindow] = []
    made: list[Autosaver] = []

    def window_with_test_settings(experiment=None):
        window = MainWindow(experiment, settings=settings)
        qtbot.addWidget(window)
        windows.append(window)
        return window

    class RecordedAutosaver(Autosaver):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_module, "MainWindow", window_with_test_settings)
    monkeypatch.setattr(app_module, "Autosaver", RecordedAutosaver)

    def run(**kwargs) -> MainWindow:
        assert app_module.run_app(**kwargs) == 0
        return windows[-1]

    run.autosavers = made
    yield run
    for saver in made:
        saver.stop()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                qapp.aboutToQuit.disconnect(saver.stop)
            except (RuntimeError, TypeError):
                pass  # never connected
    for window in windows:
        if getattr(window, "error_hooks", None) is not None:
            window.error_hooks.uninstall()
        if shiboken6.isValid(window):  # a window the test closed is deleted already
            window.close()


def _crashed_session(savers, folder, experiment) -> None:
    """A session that autosaved ``experiment`` and then died (no stop(): its lock stays)."""
    crashed = make(savers, folder)
    crashed.start(lambda: experiment, interval_ms=FAST)
    crashed._timer.stop()
    assert make(savers, folder).pending_recovery() == experiment


@pytest.mark.slow
def test_launching_with_an_experiment_keeps_a_crashed_sessions_autosave(savers, folder, launch):
    work = load_preset("xor").replace(learning_rate=0.125, hidden_layers=[7, 3], name="my work")
    _crashed_session(savers, folder, work)
    window = launch(experiment=load_preset("spiral-deep"))  # e.g. gdlab --preset spiral-deep
    assert window.experiment.name == "spiral-deep"
    assert load_experiment(folder / "current.json") == work, "not deleted, not overwritten"
    assert "did not close properly" in window.statusBar().currentMessage()
    for saver in launch.autosavers:
        saver.stop()  # this session quits cleanly
    assert make(savers, folder).pending_recovery() == work, "the next plain launch still offers it"


@pytest.mark.slow
def test_launching_with_an_experiment_autosaves_it_when_nothing_waits_for_recovery(folder, launch):
    launch(experiment=load_preset("spiral-deep"))
    assert load_experiment(folder / "current.json").name == "spiral-deep"
    assert json.loads((folder / "running.lock").read_text())["pid"] == os.getpid()


@pytest.mark.slow
@pytest.mark.parametrize("preset", [None, "spiral-deep"])
def test_quit_after_runs_neither_take_the_lock_nor_touch_the_autosave(qtbot, savers, folder, launch, preset):
    experiment = load_preset(preset) if preset else None
    window = launch(experiment=experiment, quit_after=1)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT)
    assert not folder.exists(), "a smoke test writes no autosave"

    work = load_preset("xor").replace(learning_rate=0.125, name="my work")
    _crashed_session(savers, folder, work)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    window = launch(experiment=experiment, quit_after=1)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    assert make(savers, folder).pending_recovery() == work


@pytest.mark.slow
def test_a_failing_autosave_shows_in_the_status_bar(tmp_path, monkeypatch, launch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(autosave_module, "default_folder", lambda: blocker / "autosave")
    window = launch(experiment=load_preset("xor"))
    message = window.statusBar().currentMessage()
    assert message.startswith("Autosave is off:") and "cannot be written" in message
    saver, = launch.autosavers
    saver.failed.emit("autosave failed: [Errno 28] No space left on device")  # a later check failed
    assert window.statusBar().currentMessage() == "Autosave failed: [Errno 28] No space left on device"
