"""Framing: the 1-D view follows a diverging run, axes at iteration 0 have round ticks, and the
iteration axes end a little past the last iteration."""
import numpy as np
import pytest
from PySide6.QtCore import Qt
from window_steps import snap, step_to

from gdlab.gui.plots.base import iteration_axis_end
from gdlab.gui.plots.framing import GROWTH, grown_range

TIMEOUT = 15_000




def inner(lo, hi, value, part=0.9):
    margin = (1 - part) / 2 * (hi - lo)
    return lo + margin - 1e-9 <= value <= hi - margin + 1e-9


@pytest.mark.slow
def test_the_1d_view_follows_a_diverging_run_up_the_walls(qtbot, make_window):
    window = make_window("lr-divergent")
    view = window.curve_view
    vb = view.plot.plot_item.vb
    (x0, x1), _ = vb.viewRange()
    widths = [x1 - x0]
    for n in range(1, 13):   # w = 1.5 · (−1.4)ⁿ: −2.1, 2.94, … 85
        step_to(qtbot, window, n)
        (x0, x1), (y0, y1) = vb.viewRange()
        w, J = (float(v[0]) for v in view.runs[0].head.getData())
        assert w == snap(window).w[0, 0]
        assert inner(x0, x1, w) and inner(y0, y1, J), f"iteration {n}: ({w:.3g}, {J:.3g}) is off the view"
        assert inner(x0, x1, snap(window).w_next[0, 0]), "the landing point is in view too"
        ws, _ = view.curve.getData()
        assert ws[0] <= x0 + 1e-9 and ws[-1] >= x1 - 1e-9, "the curve is drawn over the whole new range"
        if x1 - x0 != widths[-1]:
            assert x1 - x0 >= GROWTH * widths[-1] - 1e-9, "the range grows in steps of at least 1.5×"
            widths.append(x1 - x0)
    assert len(widths) >= 4 and widths[-1] > 40
    qtbot.keyClick(window, Qt.Key.Key_R)   # a reset: the surface's own view again
    qtbot.waitUntil(lambda: snap(window).iteration == 0, timeout=TIMEOUT)
    window._redraw()
    (x0, x1), _ = vb.viewRange()
    assert x1 - x0 == pytest.approx(widths[0])


def test_a_range_grows_only_when_a_point_leaves_its_inner_part_and_stops_at_the_cap():
    assert grown_range(-2, 2, np.array([1.7, -1.7])) is None
    lo, hi = grown_range(-2, 2, np.array([-2.1]))
    assert hi - lo >= 6 and inner(lo, hi, -2.1) and lo <= -2 and hi >= 2
    lo, hi = grown_range(-2, 2, np.array([1e12]), limit=4e6)
    assert hi == 4e6 and lo >= -4e6
    assert grown_range(lo, hi, np.array([1e13]), limit=4e6) is None, "past the cap: an edge marker, no growth"
    assert grown_range(-2, 2, np.array([np.nan, np.inf])) is None


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["lr-just-right", "xor"])
def test_at_iteration_0_every_axis_has_a_sensible_range_and_round_ticks(make_window, preset):
    window = make_window(preset)
    plots = [window.cost_plot, window.trajectory_plot.plot, window.gradient_flow, window.metrics_view.plot]
    for plot in plots:
        for i in range(window.bottom_tabs.count()):
            if window.bottom_tabs.widget(i) is plot or window.bottom_tabs.widget(i).isAncestorOf(plot):
                window.bottom_tabs.setCurrentIndex(i)
        window._redraw()
        for name in ("left", "bottom"):
            axis = plot.plot_item.getAxis(name)
            lo, hi = axis.range
            assert hi > lo, (plot, name)
            length = axis.height() if name == "left" else axis.width()
            levels = axis.tickValues(min(lo, hi), max(lo, hi), max(length, 100))
            for spacing, values in levels:
                for label in axis.tickStrings(values, axis.scale, spacing):
                    digits = label.replace("−", "").replace("-", "").replace(".", "").lstrip("0")
                    assert len(digits) <= 5, f"{plot.__class__.__name__} {name} axis label {label!r}"
        if plot is not window.gradient_flow:
            (_, x1), _ = plot.plot_item.vb.viewRange()
            assert x1 <= 10.5, f"{plot.__class__.__name__}: iteration 0 on an axis to {x1}"


@pytest.mark.slow
def test_the_iteration_axes_end_within_1_1x_the_last_iteration(qtbot, make_window):
    for last in (0, 7, 22, 300, 3000, 4321):
        end = iteration_axis_end(last)
        assert end >= last and (end <= 1.1 * last or end <= 10.5)
    window = make_window("xor", max_iterations=300, playback_speed=0)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: snap(window).status == "max_iterations", timeout=TIMEOUT)
    for plot in (window.cost_plot, window.trajectory_plot.plot, window.gradient_flow, window.metrics_view.plot):
        if plot is not window.cost_plot:
            window.bottom_tabs.setCurrentIndex(next(i for i in range(window.bottom_tabs.count())
                                                    if window.bottom_tabs.widget(i).isAncestorOf(plot)
                                                    or window.bottom_tabs.widget(i) is plot))
        window._redraw()
        (_, x1), _ = plot.plot_item.vb.viewRange()
        assert 300 <= x1 <= 330, f"{plot.__class__.__name__}: 300 iterations on an axis to {x1}"


def test_the_2d_surface_follows_every_runs_point(qtbot, make_window):
    window = make_window("saddle-point", start=[1.5, 0.01])  # escapes the saddle along w₂, off the map
    view = window.contour_view
    vb = view.plot.plot_item.vb
    (x0, x1), (y0, y1) = vb.viewRange()
    first_height = y1 - y0
    step_to(qtbot, window, 60)
    (x0, x1), (y0, y1) = vb.viewRange()
    heads = snap(window).w
    assert abs(heads[0, 1]) > 2, "the run has left the surface's own view"
    for w1, w2 in heads:
        assert inner(x0, x1, w1) and inner(y0, y1, w2), f"({w1:.3g}, {w2:.3g}) is off the map"
    assert y1 - y0 >= 1.5 * first_height
    xs, ys, _ = view.grid
    assert ys[0] <= y0 + 1e-9 and ys[-1] >= y1 - 1e-9, "the contours are computed over the new range"


def test_past_the_cap_the_point_is_an_edge_marker_with_its_value(qtbot, make_window):
    window = make_window("lr-divergent", start=[1e6], learning_rate=10.0, name="far")
    step_to(qtbot, window, 1)  # w = 1e6 · (1 − 2·10) = −1.9e7, past 10⁶ × the parabola's view range
    (x0, x1), _ = window.curve_view.plot.plot_item.vb.viewRange()
    assert x0 >= -2.0000001e6, "the view stops at the cap"
    assert window.curve_view.edge_marker.toPlainText() == "w = -1.9e+07 ←"
