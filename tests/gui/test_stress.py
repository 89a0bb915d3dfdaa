"""A GUI stress test: 200 random sequences of what a lecturer's hands do — start, pause, step,
reset, new weights, learning-rate and optimiser changes, preset switches, the timeline, a twin,
exports — through real key presses and widgets, each sequence ending with a check that the
worker still answers, and a window closed after every ten sequences (20 windows in all).

Qt warnings fail the test (pytest config), so does any error the worker reports, the fixture in
conftest.py fails it if a training thread outlives its window, and every wait has a timeout: a
deadlock fails instead of hanging.
"""
import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gdlab.core.data.real_data import REAL_DATASETS
from gdlab.core.files.presets import load_preset, preset_names
from gdlab.gui.figures.export import export_widget
from gdlab.gui.main_window import MainWindow

SEQUENCES, PER_WINDOW, ACTIONS = 200, 10, 8
TIMEOUT = 20_000


def actions(window, rng, tmp_path, qtbot):
    """The things a sequence may do, each a real event on the window or one of its widgets."""
    def key(k, mod=Qt.KeyboardModifier.NoModifier):
        return lambda: qtbot.keyClick(window, k, mod)

    def set_lr():
        field = window.panel.fields["learning_rate"]
        if field.isVisible():
            field.edit.setText(f"{10 ** rng.uniform(-3, 0.5):.3g}")
            field.edit.editingFinished.emit()

    def set_optimizer():
        field = window.panel.fields["optimizer"]
        field.combo.setCurrentIndex(rng.randrange(field.combo.count()))

    def preset():
        window.preset_actions[rng.choice(_presets())].trigger()

    def export():
        export_widget(window.cost_plot, tmp_path / f"stress-{rng.randrange(10**6)}.png",
                      experiment=window._current_experiment())

    def timeline():
        if window.timeline.last > 0:
            window.timeline.go_to(rng.randrange(window.timeline.last + 1))

    def twin():
        if window._frame is not None:
            window.fork({"learning_rate": window._current_experiment()["learning_rate"] * 2})

    def apply_or_keep():
        if window.pending_bar.isVisible():
            qtbot.mouseClick(rng.choice([window.pending_bar.apply_button, window.pending_bar.revert_button]),
                             Qt.MouseButton.LeftButton)

    return [key(Qt.Key.Key_Space), key(Qt.Key.Key_Space), key(Qt.Key.Key_Right), key(Qt.Key.Key_S),
            key(Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier), key(Qt.Key.Key_R),
            key(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier), key(Qt.Key.Key_L), set_lr, set_optimizer,
            preset, export, timeline, twin, apply_or_keep, key(Qt.Key.Key_N), window.timeline.go_live]


def still_answers(qtbot, window):
    """The worker takes a command and answers with a frame: no deadlock."""
    window.session.pause()
    before = window.session.latest
    with qtbot.waitSignal(window.session.frame_ready, timeout=TIMEOUT):
        window.session.step(1)
    assert window.session.latest is not before


def _presets() -> list[str]:
    """The presets the sequences draw from: all but the real-data ones (digits, iris), so the draws and
    the cost stay what they were; tests/gui/test_real_data_views.py opens those."""
    return [name for name in preset_names() if name not in REAL_DATASETS]


@pytest.mark.slow
@pytest.mark.parametrize("block", range(SEQUENCES // PER_WINDOW))
def test_random_sequences_never_deadlock_warn_or_leak(qtbot, settings, tmp_path, block):
    rng = random.Random(1000 + block)
    window = MainWindow(load_preset(rng.choice(_presets())), settings=settings)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: window._frame is not None, timeout=TIMEOUT)
    errors: list[str] = []
    window.session.failed.connect(errors.append)  # a worker error is a failure, even if the window copes
    todo = actions(window, rng, tmp_path, qtbot)
    for _ in range(PER_WINDOW):
        for _ in range(ACTIONS):
            rng.choice(todo)()
            QApplication.processEvents()
        still_answers(qtbot, window)
    thread = window.session.thread
    window.close()
    assert not thread.isRunning()
    assert not errors, "the worker reported errors:\n" + "\n".join(errors[:3])
