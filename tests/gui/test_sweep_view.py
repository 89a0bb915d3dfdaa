"""The sweep view draws the core's verdict: a run that ends at J = 0 is a point, not a diverged cross."""
import numpy as np
import pytest

from gdlab.core.files.presets import load_preset
from gdlab.core.run.sweep import run_sweep
from gdlab.gui.plots.sweep_view import SweepView


def bowl_sweep(learning_rates):
    """A real sweep on J = w₁² + w₂² with plain gradient descent: α = 0.5 lands on (0, 0) in one
    step (J = 0 exactly), α = 1.5 doubles the distance every step (diverged)."""
    exp = load_preset("lr-just-right").replace(surface="bowl", start=[-1.5, 1.2], name="bowl")
    return run_sweep(exp, learning_rates, 30)


@pytest.fixture
def view(qtbot):
    view = SweepView()
    qtbot.addWidget(view)
    return view


def test_a_run_that_reaches_zero_cost_is_not_drawn_as_diverged(view):
    result = bowl_sweep([0.01, 0.1, 0.5, 1.5])
    assert result.final_costs[2] == 0.0 and result.regions[2] == "good"
    assert result.regions[3] == "diverged"
    view.show_result(result)
    crosses_x, _ = view.diverged.getData()
    points_x, points_y = view.points.getData()
    x = np.log10(result.learning_rates)
    assert list(crosses_x) == pytest.approx([x[3]])
    assert list(points_x) == pytest.approx(list(x[:3]))
    assert points_y[2] == 0.0
    assert not view.plot.plot_item.getAxis("left").logMode


def test_positive_costs_keep_the_log_axis(view):
    result = bowl_sweep([0.01, 0.1, 1.5])
    view.show_result(result)
    crosses_x, _ = view.diverged.getData()
    points_x, points_y = view.points.getData()
    assert list(crosses_x) == pytest.approx([np.log10(1.5)])
    assert list(points_y) == pytest.approx(list(np.log10(result.final_costs[:2])))
    assert view.plot.plot_item.getAxis("left").logMode


@pytest.mark.slow
def test_the_sweeps_iterations_default_to_the_experiments_own(qtbot, make_window):
    window = make_window("xor")
    assert window.sweep_view.iterations.value() == 2000
    window.load_preset("lr-too-large")
    assert window.sweep_view.iterations.value() == 50


def test_the_regions_are_named_in_words_and_the_best_text_stays_one_line(view):
    result = bowl_sweep([0.01, 0.1, 0.5, 0.97, 1.5])
    view.show_result(result)
    words = [label.toPlainText() for label in view.band_labels]
    assert "too small (slow)" in words and "diverged" in words
    assert view.summary.startswith("Best α = 0.5") and not view.message.wordWrap()
    assert view.plot.plot_item.titleLabel.text.endswith("best α = 0.5")
