"""The lab window, driven through real widgets, real key presses and the worker's real signals."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QSlider, QSpinBox

from gdlab.core import views
from gdlab.core.files.presets import load_preset
from gdlab.gui.main_window import MainWindow

TIMEOUT = 10_000


def latest(window):
    return window.session.latest.snapshot


def wait_iteration(qtbot, window, predicate):
    qtbot.waitUntil(lambda: predicate(latest(window).iteration), timeout=TIMEOUT)


@pytest.mark.slow
def test_title_names_the_experiment(make_window):
    window = make_window("xor")
    assert window.windowTitle() == "gdlab — xor"


@pytest.mark.slow
def test_start_then_cost_falls_through_the_worker_signals(qtbot, make_window):
    window = make_window("xor", max_iterations=100_000, playback_speed=0)
    first_cost = latest(window).train_cost[0]
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    wait_iteration(qtbot, window, lambda i: i >= 400)
    with qtbot.waitSignal(window.session.frame_ready, timeout=TIMEOUT):
        pass
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.session.latest.running, timeout=TIMEOUT)
    window._redraw()
    x, y = window.cost_plot.curves[0].getData()
    last = latest(window).iteration
    assert x[0] == 0 and x[-1] == last and y[-1] < 0.8 * first_cost
    history = window.cost_plot._history
    assert len(history) == last + 1, "every iteration's cost reached the plot"
    recent_x, _ = history.recent_rows()
    assert np.array_equal(recent_x, np.arange(last + 1 - len(recent_x), last + 1)), "no iteration skipped"


@pytest.mark.slow
def test_pause_stops_the_iteration_count(qtbot, make_window):
    window = make_window("xor", max_iterations=10_000_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    wait_iteration(qtbot, window, lambda i: i > 50)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.session.latest.running, timeout=TIMEOUT)
    stopped_at = latest(window).iteration
    # a running worker would send frames (and do thousands of iterations) in this time
    with qtbot.assertNotEmitted(window.session.frame_ready, wait=300):
        pass
    with qtbot.waitSignal(window.session.frame_ready, timeout=TIMEOUT) as fresh:
        window.session.step(0)  # the worker answers with where it is now
    assert fresh.args[0].snapshot.iteration == stopped_at
    assert window.start_button.text().endswith("Start")


@pytest.mark.slow
def test_step_is_exactly_one_iteration_and_step10_is_ten(qtbot, make_window):
    window = make_window("xor")
    assert latest(window).iteration == 0
    qtbot.keyClick(window, Qt.Key.Key_Right)
    wait_iteration(qtbot, window, lambda i: i == 1)
    qtbot.keyClick(window, Qt.Key.Key_S)
    wait_iteration(qtbot, window, lambda i: i == 2)
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    wait_iteration(qtbot, window, lambda i: i == 12)
    qtbot.mouseClick(window.step_button, Qt.MouseButton.LeftButton)
    wait_iteration(qtbot, window, lambda i: i == 13)


@pytest.mark.slow
def test_reset_restores_initial_weights_bit_for_bit(qtbot, make_window):
    window = make_window("xor")
    initial = [w.copy() for w in latest(window).weights]
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    wait_iteration(qtbot, window, lambda i: i == 10)
    assert not np.array_equal(latest(window).weights[0], initial[0])
    qtbot.keyClick(window, Qt.Key.Key_R)
    wait_iteration(qtbot, window, lambda i: i == 0)
    for got, want in zip(latest(window).weights, initial):
        assert np.array_equal(got, want)
    window._redraw()
    assert len(window.cost_plot.curves[0].getData()[0]) == 1


@pytest.mark.slow
def test_new_random_weights_change_the_start(qtbot, make_window):
    window = make_window("xor")
    before = latest(window).weights[0].copy()
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not np.array_equal(latest(window).weights[0], before), timeout=TIMEOUT)
    assert latest(window).iteration == 0


@pytest.mark.slow
def test_learning_rate_change_is_used_by_the_very_next_step(qtbot, make_window):
    window = make_window("xor", optimizer="sgd", learning_rate=0.1)
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_Right)
    wait_iteration(qtbot, window, lambda i: i == 3)
    snap = latest(window)
    w, g = snap.weights[0].copy(), snap.grad_weights[0].copy()
    edit = window.panel.fields["learning_rate"].edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "0.7")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.latest.experiment["learning_rate"] == 0.7, timeout=TIMEOUT)
    window.setFocus()
    window.step_once()
    wait_iteration(qtbot, window, lambda i: i == 4)
    np.testing.assert_allclose(latest(window).weights[0], w - 0.7 * g, rtol=0, atol=1e-15)


@pytest.mark.slow
def test_invalid_entry_is_not_committed_and_says_why(qtbot, make_window):
    window = make_window("xor")
    field = window.panel.fields["learning_rate"]
    field.edit.setText("-3")
    field.edit.editingFinished.emit()
    assert field.has_error and "out of range" in field.error.text()
    field.edit.setText("fast")
    field.edit.editingFinished.emit()
    assert "not a number" in field.error.text()
    assert window.session.latest.experiment["learning_rate"] == load_preset("xor")["learning_rate"]
    layers = window.panel.fields["hidden_layers"]
    layers.edit.setText("8, 0")
    layers.edit.editingFinished.emit()
    assert layers.has_error and "out of range" in layers.error.text()


@pytest.mark.slow
def test_changing_the_network_shape_asks_before_restarting(qtbot, make_window):
    window = make_window("xor")
    window.step_ten()
    wait_iteration(qtbot, window, lambda i: i == 10)
    layers = window.panel.fields["hidden_layers"]
    layers.edit.setText("6, 3")
    layers.edit.editingFinished.emit()
    assert window.pending_bar.isVisible() and latest(window).iteration == 10
    qtbot.mouseClick(window.pending_bar.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: [w.shape for w in latest(window).weights] == [(2, 6), (6, 3), (3, 1)], timeout=TIMEOUT)
    assert latest(window).iteration == 0 and not window.pending_bar.isVisible()


@pytest.mark.slow
def test_revert_keeps_the_current_run(qtbot, make_window):
    window = make_window("xor")
    window.step_ten()
    wait_iteration(qtbot, window, lambda i: i == 10)
    window.panel.fields["dataset"].combo.setCurrentText("circles")
    assert window.pending_bar.isVisible()
    qtbot.mouseClick(window.pending_bar.revert_button, Qt.MouseButton.LeftButton)
    assert window.panel.fields["dataset"].value() == "xor" and latest(window).iteration == 10


@pytest.mark.slow
def test_divergent_preset_says_where_and_why_and_the_app_keeps_working(qtbot, make_window):
    window = make_window("xor")
    window.preset_actions["lr-divergent"].trigger()
    qtbot.waitUntil(lambda: window.session.latest.experiment.name == "lr-divergent", timeout=TIMEOUT)
    assert window.windowTitle() == "gdlab — lr-divergent"
    window.set_playback_speed(0)  # this test is about the ending, not the pace
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: latest(window).status == "diverged", timeout=TIMEOUT)
    snap = latest(window)
    qtbot.waitUntil(lambda: window.message.isVisible(), timeout=TIMEOUT)
    assert f"Diverged at iteration {snap.iteration}" in window.message.text()
    window._redraw()
    assert "diverged" in window.status_state.text()
    assert len(window.cost_plot.curves[0].getData()[0]) == snap.iteration + 1, "the history is kept"
    qtbot.keyClick(window, Qt.Key.Key_R)
    wait_iteration(qtbot, window, lambda i: i == 0)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    wait_iteration(qtbot, window, lambda i: i == 1)


@pytest.mark.slow
def test_every_parameter_widget_has_a_tooltip(make_window):
    window = make_window("xor")
    for name, field in window.panel.fields.items():
        assert field.toolTip(), name
        for kind in (QLineEdit, QComboBox, QSpinBox, QSlider):
            for child in field.findChildren(kind):
                assert child.toolTip(), f"{name}: {type(child).__name__} has no tooltip"
    assert "w ← w − α·∂J/∂w" in window.panel.fields["learning_rate"].toolTip()


@pytest.mark.slow
def test_fields_for_the_chosen_optimizer_only(qtbot, make_window):
    window = make_window("xor", optimizer="sgd")
    assert window.panel.fields["momentum"].isHidden() and window.panel.fields["beta1"].isHidden()
    window.panel.fields["optimizer"].combo.setCurrentText("adam")
    assert not window.panel.fields["beta1"].isHidden()
    qtbot.waitUntil(lambda: latest(window).optimizer == "adam", timeout=TIMEOUT)


@pytest.mark.slow
def test_close_during_a_run_stops_and_joins_the_thread(qtbot, make_window):
    window = make_window("spiral-deep", max_iterations=10_000_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    wait_iteration(qtbot, window, lambda i: i > 20)
    thread = window.session.thread
    window.close()
    assert not thread.isRunning()


@pytest.mark.slow
def test_malformed_file_leaves_the_session_untouched(qtbot, make_window, tmp_path):
    window = make_window("xor")
    window.step_ten()
    wait_iteration(qtbot, window, lambda i: i == 10)
    bad = tmp_path / "bad.json"
    doc = load_preset("xor").to_dict()
    doc["network"]["hidden_layers"] = "many"
    bad.write_text(json.dumps(doc))
    assert window.open_path(bad) is False
    assert "network.hidden_layers" in window._last_error_box.text()
    window._last_error_box.close()
    assert window.experiment.name == "xor" and latest(window).iteration == 10


@pytest.mark.slow
def test_save_and_open_round_trip_with_recent_files(qtbot, make_window, tmp_path):
    window = make_window("spiral-deep")
    path = tmp_path / "mine.json"
    assert window.save_to(path)
    window.load_preset("xor")
    qtbot.waitUntil(lambda: window.session.latest.experiment.name == "xor", timeout=TIMEOUT)
    assert window.open_path(path)
    qtbot.waitUntil(lambda: window.session.latest.experiment.name == "spiral-deep", timeout=TIMEOUT)
    assert [a.toolTip() for a in window.recent_menu.actions()][0] == str(path.resolve())


@pytest.mark.slow
def test_last_experiment_and_layout_are_restored(qtbot, settings):
    first = MainWindow(load_preset("lr-too-large"), settings=settings)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitUntil(lambda: first._frame is not None, timeout=TIMEOUT)
    first.close()
    assert not {"runs", "last_experiment"} & set(settings.allKeys()), "the session is in session.json"
    assert (Path(settings.fileName()).parent / "session.json").is_file()
    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    assert second.experiment.name == "lr-too-large"
    second.close()


def test_surface_preset_draws_the_path(qtbot, make_window):
    window = make_window("optimizer-race")
    window.step_ten()
    wait_iteration(qtbot, window, lambda i: i == 10)
    window._redraw()
    assert window.view_tabs.currentWidget() is window.contour_view
    x, y = window.contour_view.runs[0].path.getData()
    assert len(x) == 11
    experiment = window.session.latest.experiment   # the tabs: the catalogue's, those that suit a surface
    for tabs, place in ((window.view_tabs, views.TOP), (window.bottom_tabs, views.BOTTOM)):
        entries = views.tab_views(place)
        assert [tabs.tabText(k) for k in range(tabs.count())] == [v.tab for v in entries]
        assert [tabs.tabToolTip(k) for k in range(tabs.count())] == [v.tip for v in entries]
        assert [tabs.isTabVisible(k) for k in range(tabs.count())] == [v.suits(experiment) for v in entries]
    assert not window.bottom_tabs.isTabVisible(window.bottom_tabs.indexOf(window.gradient_flow))


@pytest.mark.slow
def test_the_app_starts_and_quits_cleanly_in_a_subprocess(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path), HOME=str(tmp_path))
    shot = tmp_path / "shot.png"
    out = subprocess.run([sys.executable, "-m", "gdlab", "xor", "--quit-after", "1500", "--screenshot", str(shot)],
                         capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert "QThread" not in out.stderr and "Traceback" not in out.stderr and "Error" not in out.stderr
    assert shot.stat().st_size > 10_000


@pytest.mark.slow
def test_ctrl_q_closes_the_window_and_joins_the_thread(qtbot, make_window):
    window = make_window("xor", max_iterations=10_000_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    wait_iteration(qtbot, window, lambda i: i > 5)
    thread = window.session.thread
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT)
    assert not thread.isRunning()


@pytest.mark.slow
def test_crosshair_reads_out_the_cost_under_the_mouse(qtbot, make_window):
    window = make_window("lr-just-right")
    window.step_ten()
    wait_iteration(qtbot, window, lambda i: i == 10)
    window._redraw()
    plot = window.cost_plot
    vb = plot.plot_item.vb
    qtbot.waitUntil(lambda: vb.viewRange()[0][1] >= 9, timeout=TIMEOUT)  # auto-range caught up
    scene_pos = vb.mapViewToScene(pg.Point(4, 0.1))
    plot._on_mouse_moved(scene_pos)
    text = plot.readout_text()
    J4 = plot.data(0)[1][4]
    assert text, (vb.viewRange(), scene_pos)
    assert text.startswith("iteration 4:") and f"{J4:.5g}" in text


@pytest.mark.slow
def test_log_scale_toggle_from_the_keyboard(qtbot, make_window):
    window = make_window("lr-just-right")
    assert not window.cost_plot.log_scale
    qtbot.keyClick(window, Qt.Key.Key_L)
    assert window.cost_plot.log_scale and window.log_action.isChecked()
    assert "log" in window.cost_plot.plot_item.getAxis("left").labelText


@pytest.mark.slow
def test_while_running_the_worker_computes_only_what_the_shown_tab_draws(qtbot, make_window):
    window = make_window("xor", max_iterations=10**8, tolerance=0.0, grad_tolerance=0.0)
    seen: list[set] = []
    window.session.frame_ready.connect(lambda f: seen.append(set(f.view)) if f.running and f.view else None)

    def running_view_frames_have(keys, absent):
        return any(keys <= v and not (absent & v) for v in seen[-3:])

    window.view_tabs.setCurrentWidget(window.data_tab)
    window.toggle_running()
    qtbot.waitUntil(lambda: running_view_frames_have({"map"}, {"sample", "neuron_maps"}), timeout=TIMEOUT)
    shown_before = window.network_view.sample
    window.view_tabs.setCurrentWidget(window.network_view)
    seen.clear()
    qtbot.waitUntil(lambda: running_view_frames_have({"sample", "neuron_maps"}, {"map"}), timeout=TIMEOUT)
    assert window.network_view.sample is not shown_before, "the diagram got fresh activations"
    window.view_tabs.setCurrentWidget(window.inspector)  # a tab that draws neither
    with qtbot.waitSignal(window.session.frame_ready, check_params_cb=lambda f: not f.running, timeout=TIMEOUT):
        window.toggle_running()
    assert {"map", "sample"} <= set(window.session.latest.view), "a pause brings every view up to date"


@pytest.mark.slow
def test_a_sync_is_answered_after_every_command_sent_before_it(qtbot, make_window):
    window = make_window("xor")
    seen = []
    window.session.frame_ready.connect(lambda f: seen.append(("frame", f.snapshot.iteration)))
    window.session.synced.connect(lambda token: seen.append(("synced", token)))
    with qtbot.waitSignal(window.session.synced, timeout=TIMEOUT):
        window.session.step(5)
        window.session.sync("barrier")
    assert seen[-1] == ("synced", "barrier") and ("frame", 5) in seen, seen
