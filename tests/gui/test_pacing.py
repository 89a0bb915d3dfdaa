"""Pacing: each experiment plays at its own ``playback_speed`` (iterations per second, 0 = max),
shown by the Speed control, changeable live and saved with the experiment."""
import time

import pytest
from PySide6.QtCore import Qt

from gdlab.core.files.experiment import load_experiment
from gdlab.core.files.presets import load_preset
from gdlab.gui.main_window import SPEEDS

TIMEOUT = 10_000


def iteration(window) -> int:
    return window.session.latest.snapshot.iteration


@pytest.mark.slow  # it watches four steps at 2 it/s
def test_a_file_with_playback_speed_2_plays_at_2_iterations_per_second(qtbot, make_window, tmp_path):
    path = tmp_path / "slow-xor.json"
    load_preset("xor").replace(playback_speed=2.0, name="slow-xor").save(path)
    window = make_window("optimizer-race")  # at 100 it/s: the file's pace must replace it
    assert window.open_path(path)
    qtbot.waitUntil(lambda: window.session.latest.experiment.name == "slow-xor", timeout=TIMEOUT)
    assert window.speed_value.text() == "2 it/s" and SPEEDS[window.speed_slider.value()] == 2
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: iteration(window) >= 1, timeout=TIMEOUT)
    first, start = iteration(window), time.perf_counter()
    qtbot.waitUntil(lambda: iteration(window) >= first + 4, timeout=TIMEOUT)
    # four steps (2 s at 2 it/s), so a frame that reaches the window late counts for little
    rate = (iteration(window) - first) / (time.perf_counter() - start)
    assert 1.3 <= rate <= 3.2, f"{rate:.2f} it/s at a pace of 2 it/s (1 it/s or 5 it/s would be out of bounds)"
    qtbot.keyClick(window, Qt.Key.Key_Space)


@pytest.mark.slow  # it watches the run for one second, by design
def test_lr_just_right_is_followable_one_second_after_space_while_spiral_deep_runs_at_full_speed(
        qtbot, make_window):
    window = make_window("lr-just-right")
    assert window.speed_value.text() == "2 it/s"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    start = time.perf_counter()
    qtbot.waitUntil(lambda: time.perf_counter() - start >= 1.0, timeout=TIMEOUT)
    assert 1 <= iteration(window) <= 4, "a class can follow every step"
    assert window.session.latest.snapshot.status == "running"
    window.load_preset("spiral-deep")  # Space now starts at spiral-deep's own pace: max
    qtbot.waitUntil(lambda: window.session.latest.experiment.name == "spiral-deep", timeout=TIMEOUT)
    assert window.speed_value.text() == "max"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    start = time.perf_counter()
    qtbot.waitUntil(lambda: iteration(window) >= 200, timeout=TIMEOUT)
    assert time.perf_counter() - start < 2.0, "spiral-deep is not held back by a pace"
    qtbot.keyClick(window, Qt.Key.Key_Space)

@pytest.mark.slow
def test_the_speed_control_changes_the_pace_live_and_the_saved_file_keeps_it(qtbot, make_window, tmp_path):
    window = make_window("xor")
    assert window.speed_value.text() == "200 it/s"
    window.speed_slider.setValue(SPEEDS.index(5))
    assert window.speed_value.text() == "5 it/s"
    qtbot.waitUntil(lambda: window.session.latest.experiment["playback_speed"] == 5.0, timeout=TIMEOUT)
    assert window.save_to(tmp_path / "paced.json")
    saved = load_experiment(tmp_path / "paced.json")
    assert saved["playback_speed"] == 5.0 and saved.replace(playback_speed=200.0) == load_preset("xor")
    window.speed_slider.setValue(len(SPEEDS) - 1)
    assert window.speed_value.text() == "max"
    qtbot.waitUntil(lambda: window.session.latest.experiment["playback_speed"] == 0.0, timeout=TIMEOUT)
