"""Features wired into the window: time travel, twin runs, your own data, runs table, code and
weights export, the welcome screen — each driven through the real window and checked against the core."""
import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from window_steps import snap, step_to

from gdlab.core.files.experiment import Experiment, load_experiment
from gdlab.core.files.presets import load_preset
from gdlab.core.files.weights_io import load_weights
from gdlab.core.params import PARAMS_BY_NAME
from gdlab.core.run.timeline import fork
from gdlab.core.run.training import make_run

TIMEOUT = 15_000
pytestmark = [pytest.mark.slow, pytest.mark.window_size(1400, 900)]  # every test here opens a lab window




def test_scrubbing_back_shows_the_weights_of_that_iteration(qtbot, make_window):
    window = make_window("xor")
    step_to(qtbot, window, 40)
    reference = make_run(window.session.latest.experiment)
    reference.step(17)
    window.view_tabs.setCurrentWidget(window.network_view)
    with qtbot.waitSignal(window.session.peek_ready, timeout=TIMEOUT):
        window.timeline.go_to(17)
    qtbot.waitUntil(lambda: window.network_view.snapshot is not None
                    and not hasattr(window.network_view.snapshot, "iteration"), timeout=TIMEOUT)
    for got, want in zip(window.network_view.snapshot.weights, reference.model.weights):
        np.testing.assert_array_equal(got, want)
    assert window.cost_plot._moment.isVisible() and window.cost_plot._moment.value() == 17
    # resume from here: a new branch at iteration 17
    qtbot.mouseClick(window.timeline.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: snap(window).iteration == 17, timeout=TIMEOUT)
    assert not window.cost_plot._moment.isVisible() and window.timeline.live
    step_to(qtbot, window, 20)
    reference.step(3)
    for got, want in zip(snap(window).weights, reference.model.weights):
        np.testing.assert_array_equal(got, want)


def test_replay_plays_the_recorded_run_back(qtbot, make_window):
    window = make_window("lr-too-large")
    step_to(qtbot, window, 30)
    window.timeline.go_to(24)  # a replay from 0 at 4× takes 5 s; the last six iterations show the same
    window.timeline.speed.setCurrentIndex(4)  # 4×
    shown = []
    window.timeline.slider.valueChanged.connect(shown.append)
    window.timeline.replay_button.setChecked(True)
    qtbot.waitUntil(lambda: window.timeline.value >= 30 and not window.timeline.replay_button.isChecked(),
                    timeout=TIMEOUT)
    assert shown == sorted(shown) and shown[0] > 24 and shown[-1] == 30, "played forward, in order, to the end"
    qtbot.waitUntil(lambda: window.scrub_iteration == 30, timeout=TIMEOUT)
    window.timeline.go_live()
    assert window.scrub_iteration is None


def test_a_forked_twin_trains_in_lockstep_with_one_change(qtbot, make_window):
    window = make_window("xor", learning_rate=0.1)
    step_to(qtbot, window, 10)
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    dialog = window._fork_dialog
    assert "α × 10" in dialog.options[0][0].text() and dialog.options[0][0].isChecked()
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).buttons()[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.latest.twin is not None, timeout=TIMEOUT)
    assert "the cost is J = 0." in window.lecture_text()  # the frame after the fork has no rows: J stands
    step_to(qtbot, window, 30)
    window._redraw()
    reference = make_run(window.session.latest.experiment)
    reference.step(10)
    twin = fork(reference, learning_rate=1.0)
    twin.step(20)
    x, y = window.cost_plot.twin_data(0)
    assert x[0] == 10 and x[-1] == 30
    np.testing.assert_array_equal(y, twin.history.view("train_cost"))
    assert "twin: α = 1" in window.trajectory_plot.caption.text()
    window.end_twin()
    qtbot.waitUntil(lambda: window.session.latest.twin is None, timeout=TIMEOUT)
    assert "the cost is J = 0." in window.lecture_text()
    window.step_once()
    qtbot.waitUntil(lambda: not window._twin_shown, timeout=TIMEOUT)


def test_importing_a_csv_loads_its_points(qtbot, make_window, tmp_path):
    window = make_window("xor")
    path = tmp_path / "mine.csv"
    rows = ["a,b,label"] + [f"{x:.2f},{y:.2f},{'up' if y > x else 'down'}"
                            for x, y in np.random.default_rng(0).uniform(-1, 1, (30, 2))]
    path.write_text("\n".join(rows) + "\n")
    dialog = window.import_data(path)
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=TIMEOUT)
    dialog.accept()
    qtbot.waitUntil(lambda: window.session.latest.experiment["dataset"] == "custom", timeout=TIMEOUT)
    points = window.session.latest.experiment.points
    assert points.n_samples == 30 and set(points.class_names) == {"down", "up"}


def test_drawn_points_become_the_data_after_asking(qtbot, make_window, tmp_path):
    window = make_window("xor")
    step_to(qtbot, window, 5)
    tool = window.draw_tool
    tool.set_drawing(True)
    tool.clear()
    for x, y, c in ((-0.5, -0.5, 0), (-0.4, 0.3, 0), (0.5, 0.5, 1), (0.6, -0.2, 1), (0.1, 0.8, 1)):
        tool.add_point(x, y, c)
    assert window.pending_bar.isVisible() and "Drawn points" in window.pending_bar.text.text()
    qtbot.mouseClick(window.pending_bar.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.latest.experiment["dataset"] == "custom", timeout=TIMEOUT)
    assert window.session.latest.experiment.points.n_samples == 5
    assert window.save_to(tmp_path / "drawn.json")
    assert load_experiment(tmp_path / "drawn.json").points.n_samples == 5


def test_two_runs_with_different_rates_are_kept_and_overlaid(qtbot, make_window):
    window = make_window("xor", learning_rate=0.5)
    step_to(qtbot, window, 50)
    first = make_run(window.session.latest.experiment)
    first.step(50)
    window.panel.fields["learning_rate"].edit.setText("0.05")
    window.panel.fields["learning_rate"].edit.editingFinished.emit()
    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: snap(window).iteration == 0, timeout=TIMEOUT)
    step_to(qtbot, window, 50)
    second = make_run(window.session.latest.experiment)
    second.step(50)
    records = window.runs_view.records()
    assert len(records) == 2
    assert records[0].train_cost == pytest.approx(first.history.view("train_cost")[-1], rel=1e-12)
    assert records[1].train_cost == pytest.approx(second.history.view("train_cost")[-1], rel=1e-12)
    window.runs_view.select_rows([0, 1])
    window.runs_view.overlay_selected()
    overlay = window.cost_plot.plot_item.listDataItems()
    dashed = [c for c in overlay if c.opts["pen"].style() == Qt.PenStyle.DashLine and c not in window.cost_plot.curves]
    assert len(dashed) == 2


def test_export_as_python_and_weights_from_the_window(qtbot, make_window, tmp_path):
    window = make_window("xor")
    step_to(qtbot, window, 12)
    assert window.export_code(tmp_path / "xor.py")
    assert "import numpy as np" in (tmp_path / "xor.py").read_text() and "gdlab" not in \
        (tmp_path / "xor.py").read_text().split('"""')[2].split("import numpy")[0]
    assert window.export_weights(tmp_path / "w.npz")
    experiment, weights, biases = load_weights(tmp_path / "w.npz")
    for got, want in zip(weights, snap(window).weights):
        np.testing.assert_array_equal(got, want)
    assert experiment == window.session.latest.experiment


def test_the_welcome_screen_starts_a_lesson(qtbot, make_window):
    window = make_window("xor")
    window.show_welcome()
    dialog = window._welcome
    qtbot.mouseClick(dialog.panel.lesson_buttons["one-weight"], Qt.MouseButton.LeftButton)
    player = window.lesson_player  # the guided track, with its captions, not a bare preset
    qtbot.waitUntil(lambda: player.playing and player.ready and player.pause_index == 0, timeout=TIMEOUT)
    assert player.caption and window.message.isVisible()
    player.stop()


def test_a_png_figure_opens_its_experiment(qtbot, make_window, tmp_path):
    from gdlab.gui.figures.export import export_widget

    window = make_window("lr-too-large")
    export_widget(window.cost_plot, tmp_path / "fig.png", experiment=window.session.latest.experiment)
    window.load_preset("xor")
    qtbot.waitUntil(lambda: window.session.latest.experiment.name == "xor", timeout=TIMEOUT)
    assert window.open_path(tmp_path / "fig.png")
    qtbot.waitUntil(lambda: window.session.latest.experiment.name == "lr-too-large", timeout=TIMEOUT)
    assert window.session.latest.experiment == load_preset("lr-too-large")
    assert json.loads(Experiment.to_json(window.session.latest.experiment))["name"] == "lr-too-large"


def test_accuracy_over_iterations_and_epochs_in_the_status_bar(qtbot, make_window):
    window = make_window("xor", batch_size=40)
    step_to(qtbot, window, 30)
    window.bottom_tabs.setCurrentWidget(window.metrics_view)
    window._redraw()
    reference = make_run(window.session.latest.experiment)
    reference.step(30)
    x, train = window.metrics_view.plot.data(0)
    np.testing.assert_array_equal(train, reference.history.view("train_metric"))
    assert window.bottom_tabs.tabText(window.bottom_tabs.indexOf(window.metrics_view)) == "Accuracy"
    assert "epoch 7.50" in window.status_iteration.text()   # 30 iterations × 40 / 160 training points
    assert "accuracy" in window.status_metric.text()


def test_worksheets_export_three_pdfs(qtbot, make_window, tmp_path):
    window = make_window("xor", hidden_layers=[2])
    step_to(qtbot, window, 3)
    window.export_worksheets(tmp_path)
    qtbot.waitUntil(lambda: len(list(tmp_path.glob("*.pdf"))) == 3, timeout=TIMEOUT)
    for path in tmp_path.glob("*.pdf"):
        assert path.read_bytes().startswith(b"%PDF")


def test_a_lesson_plays_from_the_menu_and_space_goes_to_the_next_pause(qtbot, make_window):
    window = make_window("xor")
    assert window.play_lesson("one-weight")
    player = window.lesson_player
    qtbot.waitUntil(lambda: player.ready and player.pause_index == 0, timeout=TIMEOUT)
    first = player.caption
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.ready and player.pause_index == 1, timeout=TIMEOUT)
    assert player.caption != first and window.message.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: player.ready and player.pause_index == 0, timeout=TIMEOUT)
    assert player.caption == first
    player.stop()
    assert window.caption_override is None


def test_export_offers_what_applies_to_the_experiment_now(qtbot, make_window):
    """After a 1-D surface, a 2-D one: the sheet shows the contour map (not the stale cost curve)
    and no animation is offered that cannot be made of it."""
    window = make_window("lr-too-large")
    step_to(qtbot, window, 5)
    window.load_preset("optimizer-race")
    qtbot.waitUntil(lambda: window._frame.experiment.name == "optimizer-race", timeout=TIMEOUT)
    window.export_dialog()
    dialog = window._export
    gifs = [name for _, kind, name in dialog.items if kind == "gif"]
    assert dialog.sheet_views["view"] is window.contour_view
    assert "surface" in gifs and "curve" not in gifs
    dialog.close()
    window.load_preset("xor")
    qtbot.waitUntil(lambda: window._frame.experiment.name == "xor", timeout=TIMEOUT)
    window.export_dialog()
    dialog = window._export
    assert dialog.sheet_views["view"] is window.data_view
    assert [name for _, kind, name in dialog.items if kind == "gif"] == ["cost", "trajectories", "data"]
    dialog.close()


def test_repeated_training_failures_share_one_dialog(qtbot, make_window, tmp_path, monkeypatch):
    from gdlab.gui import errors

    monkeypatch.setenv(errors.LOG_ENV, str(tmp_path / "logs"))
    window = make_window("xor")
    window.session.failed.emit("Traceback (most recent call last):\nValueError: first")
    qtbot.waitUntil(lambda: window._error_dialog is not None and window._error_dialog.isVisible(), timeout=TIMEOUT)
    first = window._error_dialog
    window.session.failed.emit("Traceback (most recent call last):\nValueError: second")
    assert window._error_dialog is first
    assert len([d for d in window.findChildren(errors.ErrorDialog) if d.isVisible()]) == 1
    assert "second" in first.details.toPlainText()
    first.close()


def test_a_sweep_pauses_the_run_and_one_space_resumes_it(qtbot, make_window):
    window = make_window("xor", max_iterations=10**7, tolerance=0.0, grad_tolerance=0.0)
    window.toggle_running()
    qtbot.waitUntil(lambda: window.session.latest.running, timeout=TIMEOUT)
    with qtbot.waitSignal(window.session.sweep_done, timeout=60_000):
        window.sweep_view.run_requested.emit(0.01, 1.0, 3, 20)
    assert not window.session.latest.running, "the window knows the run is paused"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.session.latest.running, timeout=TIMEOUT)


def test_the_fork_dialog_keeps_a_twins_rate_in_the_declared_range(qtbot):
    from gdlab.gui.dialogs.fork_dialog import ForkDialog

    for lr, option, expected, words in ((5000.0, 0, 1e4, "α × 10 (α = 50000)"), (1e-8, 1, 1e-8, "α ÷ 10 (α = 1e-09)")):
        dialog = ForkDialog(load_preset("xor").replace(learning_rate=lr))
        qtbot.addWidget(dialog)
        button = dialog.options[option][0]
        button.setChecked(True)
        assert button.text() == words and dialog.changes() == {"learning_rate": expected}
    assert dialog.optimizer.count() == len(PARAMS_BY_NAME["optimizer"].choices) - 1
