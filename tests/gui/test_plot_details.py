"""Small details of the live plots, checked on the widgets themselves: a forked twin run stays in
the trajectories' view, and a diverging step leaves no stale drop/landing marks on the cost curve."""
from types import SimpleNamespace

import numpy as np
import pytest

from gdlab.gui.plots.curve_view import CurveView
from gdlab.gui.plots.trajectories import TrajectoryPlot


def test_a_twin_outside_the_originals_range_stays_in_view(qtbot):
    plot = TrajectoryPlot()
    qtbot.addWidget(plot)
    plot.resize(600, 400)
    ids = [(0, 0, 0), (0, 0, 1)]
    plot.configure_weights(ids, ["W1[1,1]", "W1[1,2]"], [(1, 2)])
    its = np.arange(10)
    plot.append(its, np.column_stack([np.linspace(-0.1, 0.1, 10), np.linspace(0.0, 0.2, 10)]))
    plot.configure_twin(2, "#CC79A7", "twin")
    twin = np.column_stack([np.linspace(0.0, 40.0, 10), np.linspace(0.0, -25.0, 10)])
    plot.append_twin(its, twin)
    plot.refresh()
    _, (y0, y1) = plot.plot.plot_item.vb.viewRange()
    assert y0 <= twin.min() and y1 >= twin.max(), (y0, y1)


def _snapshot(w, J, g, w_next, cost_next, iteration):
    return SimpleNamespace(
        iterations=np.array([iteration]), paths=np.array([[[w]]]), costs=np.array([[J]]),
        w=np.array([[w]]), gradient=np.array([[g]]), w_next=np.array([[w_next]]),
        cost_next=np.array([cost_next]), run_status=["running"], run_reason=[""], reason="",
        labels=["run"], learning_rates=np.array([0.1]), step_terms=[{}], optimizers=["sgd"],
        hyper=[{}], iteration=iteration)


def _marks(items):
    drop_x, drop_y = items.drop.getData()
    land_x, land_y = items.landing.getData()
    return drop_x, drop_y, land_x, land_y


def _shown(item, xs):
    return item.isVisible() and xs is not None and len(xs) > 0


def test_a_diverging_step_hides_the_drop_and_landing_marks(qtbot):
    view = CurveView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    ws = np.linspace(-3, 3, 201)
    view.set_surface("J(w) = w²", ws, ws ** 2, [(0.0, 0.0)])
    view.set_runs(["run"], ["#0072B2"])
    items = view.runs[0]

    view.append(_snapshot(1.0, 1.0, 2.0, 0.8, 0.64, 1))
    view.refresh()
    drop_x, drop_y, land_x, land_y = _marks(items)
    assert _shown(items.drop, drop_x) and _shown(items.landing, land_x)
    assert list(drop_x) == pytest.approx([0.8, 0.8]) and list(drop_y) == pytest.approx([1.0, 0.64])
    assert list(land_x) == pytest.approx([0.8]) and list(land_y) == pytest.approx([0.64])

    for bad in (np.inf, np.nan):
        view.append(_snapshot(0.8, 0.64, 1.6, 2.5, bad, 2))
        view.refresh()
        drop_x, _, land_x, _ = _marks(items)
        assert not _shown(items.drop, drop_x), "stale drop line after a diverging step"
        assert not _shown(items.landing, land_x), "stale landing mark after a diverging step"
        assert items.arrow.isVisible()  # the step itself is still drawn

    view.append(_snapshot(0.5, 0.25, 1.0, 0.4, 0.16, 3))
    view.refresh()
    drop_x, drop_y, land_x, land_y = _marks(items)
    assert _shown(items.drop, drop_x) and _shown(items.landing, land_x)
    assert list(drop_x) == pytest.approx([0.4, 0.4]) and list(drop_y) == pytest.approx([0.25, 0.16])
    assert list(land_x) == pytest.approx([0.4]) and list(land_y) == pytest.approx([0.16])


@pytest.mark.slow
def test_the_decision_map_fills_the_data_view_and_the_points_stand_out_on_it(qtbot, make_window):
    from gdlab.gui.plots.data_view import POINT_OUTLINE

    window = make_window("xor")
    window.view_tabs.setCurrentWidget(window.data_tab)
    view = window.data_view
    vb = view.plot_item.vb
    qtbot.waitUntil(lambda: abs(view.aspect - vb.width() / vb.height()) < 0.03 * view.aspect, timeout=15_000)
    for n in (1, 2):  # a frame computed after the view's last shape reached the worker
        window.session.step(1)
        qtbot.waitUntil(lambda n=n: window.session.latest.snapshot.iteration == n, timeout=15_000)
    window._redraw()
    (x0, x1), (y0, y1) = view.plot_item.vb.viewRange()
    rect = view.image.mapRectToParent(view.image.boundingRect())
    assert rect.left() <= x0 + 0.03 * (x1 - x0) and rect.right() >= x1 - 0.03 * (x1 - x0)
    assert rect.top() <= y0 + 0.03 * (y1 - y0) and rect.bottom() >= y1 - 0.03 * (y1 - y0)
    assert view.train_points.opts["pen"].color().name() == POINT_OUTLINE.lower()
    halo = view.test_halo.getData()
    assert len(halo[0]) == len(view.test_points.getData()[0]) > 0, "every test point on a dark halo"
