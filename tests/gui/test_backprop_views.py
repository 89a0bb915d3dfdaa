"""Backprop made visible, through the real window: the diagram, hover and click, gradient flow
and the inspector's phases and chain rule."""
import html

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from window_steps import snap, step_to

from gdlab.core.io.printing import number
from gdlab.core.nn.gradcheck import stencil_formula
from gdlab.gui.plots.network_view import _fmt
from gdlab.gui.plots.trajectories import weight_label

TIMEOUT = 15_000
pytestmark = [pytest.mark.slow, pytest.mark.window_size(1400, 900)]  # every test here opens a lab window




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
        assert number(rule.backprop, 9) in text and "✓ backprop is right (agrees within ±" in text
        assert html.escape(stencil_formula(6)) in text and "ε = 0.001" in text and "B = " in text
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


@pytest.mark.parametrize("preset", ["spiral-deep", "vanishing-gradients"])
def test_deep_networks_show_square_thumbnails_of_at_least_24_pixels_at_1280x800(qtbot, make_window, preset):
    window = make_window(preset, size=(1280, 800))
    window.view_tabs.setCurrentWidget(window.network_view)
    view = window.network_view
    qtbot.waitUntil(lambda: len(view.thumbnails) == len(view.sizes) - 1 and view.thumbnails[0][0].image is not None,
                    timeout=TIMEOUT)
    qtbot.wait(1)  # the labels' placement (the view range) runs once the tab shows
    sides = []
    for row in view.thumbnails:
        for image in row:
            rect = view.plot.mapFromScene(image.sceneBoundingRect()).boundingRect()
            sides.append((rect.width(), rect.height()))
    assert len(sides) == sum(view.sizes[1:])
    assert min(min(w, h) for w, h in sides) >= 24, sides
    assert all(abs(w - h) <= 1 for w, h in sides), "square thumbnails"


def test_gradient_edges_share_one_log_scale_so_the_first_layers_of_a_vanishing_network_are_pale(qtbot, make_window):
    from gdlab.gui.plots.network_view import DECADES, decade, decade_classes

    window = make_window("vanishing-gradients")
    step_to(qtbot, window, 30)
    view = window.network_view
    window.view_tabs.setCurrentWidget(view)
    view.set_mode("gradients")
    view.set_snapshot(window.session.latest.snapshot)
    view.refresh()
    grads = snap(window).grad_weights
    classes, top = decade_classes(np.concatenate([g.ravel() for g in grads]))
    legend = view.legend.text()
    assert view.scale_top == top and all(decade(e) in legend for e in range(top - DECADES + 1, top))
    assert "decade" in view.legend.toolTip()
    # one scale for all: the first layer's edges sit decades below the last layer's
    first, last = classes[:grads[0].size], classes[-grads[-1].size:]
    assert np.median(first) + 2 <= np.median(last)
    assert 0 <= classes.min() and classes.max() == DECADES - 1
    def points(item):
        x = item.getData()[0]
        return 0 if x is None else len(x)

    assert sum(points(item) for item in view.decade_items) // 2 == view.edge_count
    assert all(points(item) == 0 for group in view.edge_items for item in group), "no sign colours for gradients"


def test_decade_classes_are_global_not_per_layer():
    from gdlab.gui.plots.network_view import DECADES, decade, decade_classes

    classes, top = decade_classes(np.array([0.5, 0.05, 5e-4, 0.0, -0.3, 1e-12]))
    assert top == 0 and decade(-3) == "10⁻³"
    assert list(classes) == [DECADES - 1, DECADES - 2, DECADES - 4, 0, DECADES - 1, 0]


def test_the_cost_phase_shows_the_first_samples_and_the_mean_j_not_batch_averages(qtbot, make_window):
    window = make_window("xor")
    inspector = window.inspector
    with qtbot.waitSignal(window.session.trace_ready, timeout=TIMEOUT):
        window.view_tabs.setCurrentWidget(inspector)
    while inspector.phase_kind != "cost":
        inspector.next()
    trace, table = inspector.trace, inspector.layer_table
    cells = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert [table.horizontalHeaderItem(c).text() for c in range(4)] == ["sample", "ŷ", "y", "loss"]
    for row, (index, y_hat, y, loss) in zip(cells, trace.sample_costs(5)):
        assert row == [f"#{index + 1}", _fmt(y_hat[0]), _fmt(y[0]), _fmt(loss)]
        assert y[0] in (0.0, 1.0), "a sample's own target, not an average"
    assert cells[-1][0] == f"J (mean of {len(trace.samples)})" and cells[-1][3] == _fmt(trace.J)
