"""Autosave: the current experiment is saved when it changes and offered back after a crash."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths

from gdlab.core.experiment import load_experiment
from gdlab.core.presets import load_preset
from gdlab.gui.autosave import Autosaver, default_folder

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
