"""Autosave: the current experiment is saved when it changes and offered back after a crash; one
gdlab at a time holds the autosave's QLockFile."""
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
from PySide6.QtCore import QLockFile, QSettings

from gdlab.core.files.experiment import load_experiment
from gdlab.core.files.presets import load_preset
from gdlab.gui import app as app_module
from gdlab.gui import autosave as autosave_module
from gdlab.gui.autosave import Autosaver, default_folder
from gdlab.gui.folders import data_folder
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
    """Autosavers made by a test; their timers are stopped and their locks let go afterwards."""
    made: list[Autosaver] = []
    yield made
    for saver in made:
        saver._timer.stop()
        saver.release()


def make(savers, folder) -> Autosaver:
    saver = Autosaver(folder)
    savers.append(saver)
    return saver


@pytest.fixture(scope="module")
def dead_pid() -> int:
    """The process id of a process that has ended."""
    gone = subprocess.Popen([sys.executable, "-S", "-c", ""])
    gone.wait()
    return gone.pid


def crash(saver: Autosaver, pid: int) -> None:
    """``saver``'s process "dies": no stop(), and the lock it held stays behind with its process id
    gone (the lock file Qt writes: process id, program, machine; no machine: this one)."""
    saver._timer.stop()
    saver.release()
    saver.lock_path.write_text(f"{pid}\npython\n\n")


def _lock_pid(folder: Path) -> int:
    return int((folder / "gdlab.lock").read_text().splitlines()[0])


def test_start_saves_now_and_takes_the_lock(savers, folder):
    current = Current()
    saver = make(savers, folder)
    assert saver.start(current, interval_ms=FAST)
    assert saver.path == folder / "current.json" and saver.lock_path == folder / "gdlab.lock"
    assert load_experiment(saver.path) == current.experiment
    assert saver.holds_lock and _lock_pid(folder) == os.getpid()
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


def test_after_a_crash_the_last_saved_experiment_is_offered_back(qtbot, savers, folder, dead_pid):
    current = Current("xor")
    crashed = make(savers, folder)
    crashed.start(current, interval_ms=FAST)
    current.experiment = current.experiment.replace(learning_rate=0.125, hidden_layers=[7, 3], name="my work")
    qtbot.waitUntil(lambda: crashed.save_count == 2, timeout=TIMEOUT)
    crash(crashed, dead_pid)

    restarted = make(savers, folder)
    recovered = restarted.pending_recovery()
    assert recovered is not None
    assert recovered.to_json() == current.experiment.to_json(), "exactly the last saved experiment"
    assert restarted.holds_lock and _lock_pid(folder) == os.getpid(), "the stale lock is taken over"
    restarted.discard()
    assert not restarted.path.exists() and not restarted.recovery_path.exists()
    restarted.release()
    assert not restarted.lock_path.exists()
    assert make(savers, folder).pending_recovery() is None, "offered once"


def test_a_crashed_runs_autosave_kept_is_offered_again(savers, folder, dead_pid):
    crashed = make(savers, folder)
    crashed.start(Current("xor"), interval_ms=FAST)
    crash(crashed, dead_pid)
    kept = make(savers, folder)
    assert kept.pending_recovery() == load_preset("xor")
    kept.release()  # not discarded: e.g. gdlab was started with another experiment
    assert make(savers, folder).pending_recovery() == load_preset("xor")


def test_an_earlier_gdlabs_marker_counts_as_a_crash(savers, folder):
    folder.mkdir(parents=True)
    (folder / "running.lock").write_text(json.dumps({"pid": 1, "token": "old", "interval_ms": 30_000}))
    load_preset("xor").save(folder / "current.json")
    saver = make(savers, folder)
    assert saver.pending_recovery() == load_preset("xor")
    assert not (folder / "running.lock").exists()


def test_a_corrupt_autosave_is_not_offered_and_is_set_aside(qtbot, savers, folder, dead_pid):
    crashed = make(savers, folder)
    crashed.start(Current(), interval_ms=FAST)
    crash(crashed, dead_pid)
    crashed.path.write_bytes(b'{"format": "gdlab-experiment", "schema_ver')  # cut off mid-write by the crash
    restarted = make(savers, folder)
    assert restarted.pending_recovery() is None
    aside = list(folder.glob("current.corrupt-*.json"))
    assert len(aside) == 1, "set aside, not deleted"
    assert aside[0].read_bytes() == b'{"format": "gdlab-experiment", "schema_ver'
    assert not restarted.path.exists() and not restarted.recovery_path.exists()
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


def test_a_second_lock_in_the_folder_is_refused_while_held(savers, folder):
    first, second = make(savers, folder), make(savers, folder)
    assert first.acquire()
    assert not second.acquire(), "another Autosaver of this very process"
    assert f"another gdlab (process {os.getpid()}" in second.last_error and str(second.lock_path) in second.last_error
    other = QLockFile(str(folder / "gdlab.lock"))
    assert not other.tryLock(0) and other.error() == QLockFile.LockError.LockFailedError, "any QLockFile"
    old = time.time() - 3600
    os.utime(first.lock_path, (old, old))
    assert not second.acquire(), "a lock held for an hour is still held: staleness is not a matter of age"
    first.release()
    assert second.acquire()


def test_a_stale_lock_is_taken_over(savers, folder, dead_pid):
    folder.mkdir(parents=True)
    (folder / "gdlab.lock").write_text(f"{dead_pid}\npython\n\n")
    saver = make(savers, folder)
    assert saver.acquire() and _lock_pid(folder) == os.getpid()


def test_the_autosave_of_a_gdlab_still_running_is_left_alone(qtbot, savers, folder, dead_pid):
    running, second = make(savers, folder), make(savers, folder)
    running.start(Current("xor"), interval_ms=FAST)
    assert second.pending_recovery() is None
    second.discard()
    with qtbot.waitSignal(second.failed, timeout=TIMEOUT) as failed:
        assert second.start(Current("spiral-deep"), interval_ms=FAST) is False
    assert failed.args[0].startswith("autosave is off: another gdlab")
    assert load_experiment(folder / "current.json").name == "xor", "not overwritten"
    second.stop()
    assert running.holds_lock and running.running and running.lock_path.exists(), "its lock stays"
    crash(running, dead_pid)
    assert second.pending_recovery() == load_preset("xor"), "once that gdlab is gone, its lock is a crash's"


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


def test_the_folder_defaults_to_the_data_folder_or_beside_the_settings(tmp_path):
    assert Autosaver().folder == default_folder() == data_folder() / "autosave"
    assert "gdlab/gdlab" not in default_folder().as_posix()
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


def _crashed_session(savers, folder, experiment, pid) -> None:
    """A session that autosaved ``experiment`` and then died (no stop(): its lock stays)."""
    crashed = make(savers, folder)
    crashed.start(lambda: experiment, interval_ms=FAST)
    crash(crashed, pid)
    found = make(savers, folder)
    assert found.pending_recovery() == experiment
    found.release()


@pytest.mark.slow
def test_launching_with_an_experiment_keeps_a_crashed_sessions_autosave(savers, folder, launch, dead_pid):
    work = load_preset("xor").replace(learning_rate=0.125, hidden_layers=[7, 3], name="my work")
    _crashed_session(savers, folder, work, dead_pid)
    window = launch(experiment=load_preset("spiral-deep"))  # e.g. gdlab --preset spiral-deep
    assert window.experiment.name == "spiral-deep"
    assert load_experiment(folder / "recover.json") == work, "not deleted, not overwritten"
    assert not (folder / "current.json").exists() and not (folder / "gdlab.lock").exists(), "no autosave, no lock"
    assert "did not close properly" in window.statusBar().currentMessage()
    for saver in launch.autosavers:
        saver.stop()  # this session quits cleanly
    assert make(savers, folder).pending_recovery() == work, "the next plain launch still offers it"


@pytest.mark.slow
def test_launching_with_an_experiment_autosaves_it_when_nothing_waits_for_recovery(folder, launch):
    launch(experiment=load_preset("spiral-deep"))
    assert load_experiment(folder / "current.json").name == "spiral-deep"
    assert _lock_pid(folder) == os.getpid()


@pytest.mark.slow
@pytest.mark.parametrize("preset", [None, "spiral-deep"])
def test_quit_after_runs_neither_take_the_lock_nor_touch_the_autosave(qtbot, savers, folder, launch, preset,
                                                                     dead_pid):
    experiment = load_preset(preset) if preset else None
    window = launch(experiment=experiment, quit_after=1)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT)
    assert not folder.exists(), "a smoke test writes no autosave"

    work = load_preset("xor").replace(learning_rate=0.125, name="my work")
    _crashed_session(savers, folder, work, dead_pid)
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
