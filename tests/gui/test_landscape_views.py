"""The cost-landscape lab through the real window: the 1-D curve and its readout, clicks that set
the start, the presets' outcomes, the 2-D contour map, the race, the sweep and the network's slice."""
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from window_steps import snap, step_to

from gdlab.core.files.presets import load_preset
from gdlab.core.run.training import make_run
from gdlab.gui.plots.step_text import num

TIMEOUT = 15_000
pytestmark = pytest.mark.slow  # every test here opens a lab window




def click_view(qtbot, plot, x, y):
    """A real mouse click on a plot at data coordinates (x, y)."""
    vb = plot.plot_item.vb
    scene = vb.mapViewToScene(pg.Point(x, y))
    pos = plot.mapFromScene(scene)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(pos.x()), int(pos.y())))


def test_the_readout_spells_out_exactly_the_cores_update(qtbot, make_window):
    window = make_window("lr-just-right")
    assert window.view_tabs.currentWidget() is window.curve_view
    step_to(qtbot, window, 3)
    s = snap(window)
    w, g, lr, w_new = s.w[0, 0], s.gradient[0, 0], s.learning_rates[0], s.w_next[0, 0]
    text = window.curve_view.readout_numbers()
    # the core's numbers, in digits that add up: 0.1875 − 0.250 × 0.3750 = 0.09375 (three digits
    # would print 0.188 − 0.250 × 0.375 = 0.0938, which a calculator makes 0.0943)
    assert "w_new = 0.1875 − 0.250 × 0.3750 = 0.09375" in text, text
    assert (w, lr, g, w_new) == (0.1875, 0.25, 0.375, 0.09375)
    assert "w = 0.1875   dJ/dw = 0.3750   α = 0.250" in text
    assert w_new == pytest.approx(w - lr * g, rel=1e-15)  # plain gradient descent, by hand
    step_to(qtbot, window, 4)
    assert snap(window).w[0, 0] == w_new  # the previewed step is the step taken


@pytest.mark.parametrize("optimizer, words", [("momentum", "v ← "), ("adam", "m̂ / (√v̂ + ε)"),
                                              ("rmsprop", "s ← "), ("adagrad", "(dJ/dw)²"),
                                              ("nesterov", "(dJ/dw + ")])
def test_the_readout_follows_the_optimisers_rule(qtbot, make_window, optimizer, words):
    window = make_window("lr-just-right", optimizer=optimizer, learning_rate=0.05)
    step_to(qtbot, window, 2)
    text = window.curve_view.readout_numbers()
    assert words in text and num(snap(window).w_next[0, 0]) in text


def test_clicking_the_curve_chooses_the_initial_weight(qtbot, make_window):
    window = make_window("local-minimum", playback_speed=0)
    step_to(qtbot, window, 5)
    click_view(qtbot, window.curve_view.plot, -1.4, 1.0)
    qtbot.waitUntil(lambda: snap(window).iteration == 0 and abs(snap(window).w[0, 0] + 1.4) < 0.02,
                    timeout=TIMEOUT)
    # from there gradient descent finds the other, deeper valley
    window.session.start()
    qtbot.waitUntil(lambda: snap(window).status == "converged", timeout=TIMEOUT)
    surface = make_run(load_preset("local-minimum")).surface
    assert snap(window).w[0, 0] == pytest.approx(surface.global_minima[0][0], abs=1e-4)


@pytest.mark.parametrize("preset, status", [("lr-too-small", "max_iterations"), ("lr-just-right", "converged"),
                                            ("lr-too-large", "max_iterations"), ("lr-divergent", "diverged"),
                                            ("local-minimum", "converged")])
def test_each_learning_rate_preset_ends_as_its_name_promises(qtbot, make_window, preset, status):
    window = make_window(preset, playback_speed=0)  # the outcome, not the pace
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: snap(window).status == status, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.message.isVisible(), timeout=TIMEOUT)
    window._redraw()
    path = window.trajectory_plot.data(0)[1]
    minimum = make_run(load_preset(preset)).surface.global_minima[0][0]
    if preset == "lr-too-large":
        side = np.sign(path - minimum)
        assert np.all(side[1:] * side[:-1] < 0), "every step jumps across the minimum"
    elif preset == "lr-too-small":
        assert abs(path[-1] - minimum) > 0.3 and np.all(np.diff(np.abs(path)) < 0)
    elif preset == "lr-divergent":
        assert "Diverged at iteration" in window.message.text()
    elif preset == "local-minimum":
        local = make_run(load_preset(preset)).surface.local_minima[0][0]
        assert path[-1] == pytest.approx(local, abs=1e-4)


def test_contour_map_click_sets_the_common_start_and_runs_race_in_lockstep(qtbot, make_window):
    window = make_window("optimizer-race")
    view = window.contour_view
    assert window.view_tabs.currentWidget() is view
    assert view.grid is not None and len(view.levels) >= 10
    assert len(view.runs) == 6 and "adam" in view.caption.text()
    click_view(qtbot, view.plot, 0.5, -0.5)
    qtbot.waitUntil(lambda: snap(window).iteration == 0 and abs(snap(window).w[0, 0] - 0.5) < 0.05,
                    timeout=TIMEOUT)
    start = snap(window).w[0].copy()
    assert np.all(snap(window).w == start), "every run starts from the clicked point"
    step_to(qtbot, window, 25)
    view.refresh()
    exp = window.session.latest.experiment
    for k, r in enumerate(exp.runs):
        single = make_run(exp.replace(runs=[r]))
        single.step(25)
        np.testing.assert_allclose(view.path(k), single.history.view("paths")[:, 0], rtol=1e-12, atol=1e-14)


def test_zooming_recomputes_the_contours_for_the_new_view(qtbot, make_window):
    window = make_window("optimizer-race")
    view = window.contour_view
    before = view.grid[0].copy()
    view.plot.plot_item.vb.setRange(xRange=(0.5, 1.5), yRange=(0.5, 1.5), padding=0)
    view._on_range_changed_manually()
    qtbot.waitUntil(lambda: abs(view.grid[0][0] - 0.5) < 1e-9, timeout=TIMEOUT)
    assert not np.array_equal(view.grid[0], before) and view.grid[0][-1] == pytest.approx(1.5)


def test_the_sweep_marks_the_stable_limit_of_a_bowl(qtbot, make_window):
    window = make_window("lr-just-right")
    window.load_experiment(load_preset("lr-just-right").replace(surface="bowl", start=[-1.5, 1.2], name="bowl"))
    qtbot.waitUntil(lambda: window._frame.experiment.name == "bowl", timeout=TIMEOUT)
    view = window.sweep_view
    window.bottom_tabs.setCurrentWidget(view)
    view.lr_min.setText("0.003")
    view.lr_max.setText("3")
    view.count.setValue(20)
    view.iterations.setValue(100)
    with qtbot.waitSignal(window.session.sweep_done, timeout=TIMEOUT):
        qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    result = view.result
    for lr, region in zip(result.learning_rates, result.regions):
        assert (region == "diverged") == (lr > 1.0), (lr, region)
    assert [b[0] for b in result.region_bounds()][0] == "too small"
    assert len(view.bands) == len(result.region_bounds()) and view.run_button.isEnabled()


def test_a_sweep_can_be_cancelled_and_the_lab_goes_on(qtbot, make_window):
    window = make_window("xor")
    view = window.sweep_view
    view.iterations.setValue(100_000)
    view.count.setValue(10)
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    assert view.cancel_button.isEnabled()
    with qtbot.waitSignal(window.session.sweep_done, timeout=TIMEOUT) as done:
        qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    assert done.args == [None] and view.run_button.isEnabled()
    window.step_once()
    qtbot.waitUntil(lambda: snap(window).iteration == 1, timeout=TIMEOUT)


def test_the_networks_own_landscape_shows_the_path_of_two_weights(qtbot, make_window):
    window = make_window("xor")
    step_to(qtbot, window, 30)
    with qtbot.waitSignal(window.session.landscape_ready, timeout=TIMEOUT):
        window.view_tabs.setCurrentWidget(window.landscape_view)
    view = window.landscape_view
    assert view.shown_iteration == 30
    path = view.contours.path(0)
    assert path.shape == (31, 2)
    wa, wb = view.chosen()
    s = snap(window)
    assert path[-1, 0] == s.weights[wa[0]][wa[1], wa[2]] and path[-1, 1] == s.weights[wb[0]][wb[1], wb[2]]
    xs, ys, Z = view.contours.grid
    assert xs[0] < path[:, 0].min() and xs[-1] > path[:, 0].max() and np.isfinite(Z).all()


def test_the_saddle_is_coloured_about_j_zero_and_a_bowl_is_not(make_window):
    window = make_window("saddle-point")
    view = window.contour_view
    assert view.signed and 0.0 in view.levels and view.levels[0] < 0 < view.levels[-1]
    np.testing.assert_allclose(view.levels, -view.levels[::-1], atol=1e-12)
    low, middle, high = (view.colorbar.colorMap().map(x, mode="byte")[:3] for x in (0.1, 0.49, 0.9))
    assert min(middle) > 220 and low[2] > low[0] and high[0] > high[2]  # blue below, white at 0, red above
    bowl = make_window("optimizer-race").contour_view  # Rosenbrock's valley: log bands above its floor
    assert not bowl.signed and np.all(np.diff(np.diff(bowl.levels)) > 0)
