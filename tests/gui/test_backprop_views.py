"""Backprop made visible, through the real window: the diagram, hover and click, gradient flow
and the inspector's phases and chain rule."""
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt

from gdlab.gui.plots.network_view import _fmt
from gdlab.gui.plots.trajectories import weight_label

TIMEOUT = 15_000
pytestmark = pytest.mark.window_size(1400, 900)


def snap(window):
    return window.session.latest.snapshot


def step_to(qtbot, window, n):
    window.session.step(n - snap(window).iteration)
    qtbot.waitUntil(lambda: snap(window).iteration == n, timeout=TIMEOUT)
    window._redraw()


def test_diagram_has_one_edge_per_weight(make_window):
    window = make_window("xor", hidden_layers=[5, 3])
    assert window.network_view.edge_count == sum(w.size for w in snap(window).weights) == 2 * 5 + 5 * 3 + 3


def test_hover_shows_the_cores_numbers(qtbot, make_window):
    window = make_window("xor")
    step_to(qtbot, window, 7)
    window.view_tabs.setCurrentWidget(window.network_view)
    view = window.network_view
    view.set_snapshot(window.session.latest.snapshot)
    s = snap(window)
    wid = (1, 2, 0)
    text = view.describe(*view.edge_point(wid, 0.5))
    w, g, upd = s.weights[1][2, 0], s.grad_weights[1][2, 0], s.last_update[1][2, 0]
    assert text.startswith("W2[3,1]") and f"w = {_fmt(w)}" in text and f"∂J/∂w = {_fmt(g)}" in text
    assert f"Δw = {_fmt(upd)}" in text
    node = view.positions[1][2]
    assert f"bias b = {_fmt(s.biases[0][2])}" in view.describe(*node)


def test_clicking_an_edge_follows_exactly_that_weight(qtbot, make_window):
    window = make_window("xor", hidden_layers=[8, 8])
    window.view_tabs.setCurrentWidget(window.network_view)
    tracked = list(snap(window).tracked_ids)
    assert len(tracked) == 20
    view = window.network_view
    wid = next((1, i, j) for i in range(8) for j in range(8) if (1, i, j) not in tracked)
    qtbot.waitUntil(lambda: view.plot.plot_item.vb.viewRange()[0][1] > 2, timeout=TIMEOUT)
    x, y = view.edge_point(wid, 0.5)
    scene = view.plot.plot_item.vb.mapViewToScene(pg.Point(x, y))
    pos = view.plot.mapFromScene(scene)
    qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(pos.x()), int(pos.y())))
    qtbot.waitUntil(lambda: len(snap(window).tracked_ids) == 21, timeout=TIMEOUT)
    assert set(snap(window).tracked_ids) - set(tracked) == {wid}
    qtbot.waitUntil(lambda: len(window.trajectory_plot.labels) == 21, timeout=TIMEOUT)
    assert weight_label(wid) in window.trajectory_plot.labels, "the trajectory plot follows the clicked weight"


def test_edges_show_weights_gradients_or_updates(qtbot, make_window):
    window = make_window("xor")
    step_to(qtbot, window, 3)
    view = window.network_view
    view.set_snapshot(window.session.latest.snapshot)
    s = snap(window)
    for mode, values in (("weights", s.weights), ("gradients", s.grad_weights),
                         ("updates", [u[:-1] for u in s.last_update])):
        view.set_mode(mode)
        for got, want in zip(view.edge_values(), values):
            np.testing.assert_array_equal(got, want)


def test_gradient_flow_shows_vanishing_gradients(qtbot, make_window):
    window = make_window("vanishing-gradients", playback_speed=0)
    window.bottom_tabs.setCurrentWidget(window.gradient_flow)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: snap(window).status == "max_iterations", timeout=60_000)
    window._redraw()
    x, first = window.gradient_flow.data(0)
    _, last = window.gradient_flow.data(len(snap(window).weights) - 1)
    assert x[-1] == 1000 and first[-1] * 100 <= last[-1]
    assert window.gradient_flow.log_scale


def test_inspector_walks_forward_cost_backward_update_and_back(qtbot, make_window):
    window = make_window("xor")
    step_to(qtbot, window, 12)
    inspector = window.inspector
    with qtbot.waitSignal(window.session.trace_ready, timeout=TIMEOUT):
        window.view_tabs.setCurrentWidget(inspector)
    assert inspector.trace.iteration == 12
    kinds = [inspector.phase_kind]
    for _ in range(len(inspector.trace.phases) - 1):
        qtbot.keyClick(window, Qt.Key.Key_N)
        kinds.append(inspector.phase_kind)
    assert kinds == ["forward", "forward", "forward", "cost", "backward", "backward", "update"]
    assert not inspector.next_button.isEnabled()
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_B)
    assert inspector.phase_kind == "cost" and inspector.caption.text().startswith("The cost")
    # the update phase shows the step the run then takes
    trace = inspector.trace
    window.step_once()
    qtbot.waitUntil(lambda: snap(window).iteration == 13, timeout=TIMEOUT)
    for got, want in zip(snap(window).weights, trace.W_new):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("mode", [0, 1])
def test_chain_rule_numbers_match_backprop_and_finite_differences(qtbot, make_window, mode):
    window = make_window("xor")
    step_to(qtbot, window, 20)
    inspector = window.inspector
    inspector.mode.setCurrentIndex(mode)
    with qtbot.waitSignal(window.session.trace_ready, timeout=TIMEOUT):
        window.view_tabs.setCurrentWidget(inspector)
    qtbot.waitUntil(lambda: inspector.trace is not None and inspector.trace.mode == ("batch", "sample")[mode],
                    timeout=TIMEOUT)
    for wid in ((0, 1, 2), (1, 3, 0)):
        inspector.choose_weight(wid)
        l, i, j = wid
        rule = inspector.trace.chain_rule(l + 1, i, j, sample=inspector.sample.value())
        if mode == 0:
            assert rule.backprop == snap(window).grad_weights[l][i, j]
        assert rule.agreement < 1e-6 and rule.rel_error < 1e-6
        text = inspector.chain_text()
        assert f"{rule.backprop:.6g}" in text and "✓ backprop is right" in text
        assert ("Σ<sub>k</sub>" in text) == (l == 0)


def test_inspector_waits_while_the_run_goes(qtbot, make_window):
    window = make_window("xor", max_iterations=10_000_000)
    window.view_tabs.setCurrentWidget(window.inspector)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.inspector.trace is None and "pause" in window.inspector.caption.text(),
                    timeout=TIMEOUT)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.inspector.trace is not None
                    and window.inspector.trace.iteration == snap(window).iteration, timeout=TIMEOUT)
