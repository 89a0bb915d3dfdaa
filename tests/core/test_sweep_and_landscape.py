"""The learning-rate sweep, the step preview, network cost slices and contour levels."""
import numpy as np
import pytest

from gdlab.core.files.experiment import Experiment
from gdlab.core.files.presets import load_preset
from gdlab.core.run.sweep import classify, log_spaced, run_sweep
from gdlab.core.run.training import make_run
from gdlab.core.surface import landscape
from gdlab.core.surface.surfaces import get_surface


def bowl(**values):
    return Experiment(kind="surface", values={"surface": "bowl", "start": [-1.5, 1.2], **values})


def test_log_spaced_rates():
    lrs = log_spaced(0.001, 10.0, 5)
    np.testing.assert_allclose(lrs, [0.001, 0.01, 0.1, 1.0, 10.0], rtol=1e-12)
    with pytest.raises(ValueError):
        log_spaced(1.0, 0.1, 5)
    with pytest.raises(ValueError):
        log_spaced(0.1, 1.0, 1)


def test_sweep_regions_on_a_bowl_follow_the_stable_limit():
    """J = w₁² + w₂² has curvature L = 2, so gradient descent is stable exactly for α < 2/L = 1."""
    lrs = log_spaced(0.002, 3.0, 24)
    result = run_sweep(bowl(), lrs, 100)
    assert len(result.regions) == 24
    for lr, region, status in zip(result.learning_rates, result.regions, result.statuses):
        if lr > 1.02:
            assert region == "diverged" and status == "diverged", lr
        elif lr < 0.98:
            assert region != "diverged", lr
    assert result.regions[0] == "too small"
    best = result.learning_rates[result.best]
    assert 0.3 < best < 0.7  # α = 1/2 reaches the minimum in one step: w ← w(1 − 2α)
    assert result.regions[result.best] == "good"
    assert [r for r, _, _ in result.region_bounds()][:2] == ["too small", "good"]


def test_sweep_is_one_batched_race_and_equals_single_runs():
    lrs = [0.01, 0.1, 0.4]
    result = run_sweep(bowl(), lrs, 30)
    for lr, final in zip(lrs, result.final_costs):
        run = make_run(bowl(learning_rate=lr, max_iterations=30))
        run.step(30)
        assert run.history.view("costs")[-1, 0] == pytest.approx(final, rel=1e-12, abs=1e-300)


def test_sweep_of_a_network_reports_progress_and_ends():
    exp = load_preset("xor").replace(n_samples=40)
    from gdlab.core.run.sweep import sweep
    gen = sweep(exp, [0.01, 1.0, 200.0], 40)
    fractions = []
    try:
        while True:
            fractions.append(next(gen))
    except StopIteration as done:
        result = done.value
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert result.regions[-1] == "diverged" or result.statuses[-1] == "diverged" or result.regions[-1] == "too large"
    assert result.final_costs[1] < result.final_costs[0] < result.initial_cost * 1.01


def test_classify_by_progress():
    from gdlab.core.run.sweep import SweepResult
    r = SweepResult(np.array([0.01, 0.1, 1.0, 10.0]), 10.0, np.array([9.0, 0.01, 5.0, np.inf]),
                    ["max_iterations", "converged", "max_iterations", "diverged"], 50)
    assert classify(r) == ["too small", "good", "too large", "diverged"]


def test_preview_is_exactly_the_next_step():
    for name in ("lr-just-right", "optimizer-race", "local-minimum"):
        run = make_run(load_preset(name))
        run.step(3)
        lrs, w_next, terms = run.preview()
        run.step(1)
        np.testing.assert_array_equal(run.w, w_next)
        assert len(terms) == len(run.runs)


def test_preview_terms_name_the_optimisers_running_quantities():
    run = make_run(load_preset("optimizer-race"))
    _, _, terms = run.preview()
    by_label = dict(zip(run.labels, terms))
    assert set(by_label["momentum"]) == {"velocity"} and set(by_label["adam"]) == {"m", "v"}
    assert by_label["sgd"] == {}


def test_network_cost_slice_passes_through_the_current_cost():
    run = make_run(load_preset("xor").replace(n_samples=60))
    run.step(20)
    wa, wb = run.tracked_ids[0], run.tracked_ids[5]
    a = run.model.weights[wa[0]][wa[1], wa[2]]
    b = run.model.weights[wb[0]][wb[1], wb[2]]
    xs, ys = np.array([a - 1, a, a + 1]), np.array([b - 0.5, b])
    Z = run.cost_slice(wa, wb, xs, ys)
    assert Z.shape == (2, 3)
    # the grid point at the current weights is the current cost, and the live model is untouched
    assert Z[1, 1] == pytest.approx(run.history.view("train_cost")[-1], rel=1e-12)
    assert run.model.weights[wa[0]][wa[1], wa[2]] == a
    path = run.weight_path(wa, wb)
    assert path.shape == (21, 2) and path[-1, 0] == a and path[-1, 1] == b


def test_log_levels_suit_a_valley_and_a_bowl():
    for name in ("rosenbrock", "bowl"):
        s = get_surface(name)
        xs, ys, Z = landscape.grid(s, s.view_range[0], s.view_range[1], 120)
        assert Z.shape == (120, 120)
        levels = landscape.log_levels(Z, 12)
        assert np.all(np.diff(levels) > 0) and levels[-1] == pytest.approx(np.nanmax(Z))
        # every band holds some of the picture: neither the walls nor the floor take it all
        counts = np.bincount(np.searchsorted(levels, Z.ravel()), minlength=13)
        assert (counts[:12] > 0).sum() >= 10, counts
    ws, none, J = landscape.grid(get_surface("parabola"), (-2, 2), resolution=5)
    assert none is None and list(J) == [4.0, 1.0, 0.0, 1.0, 4.0]


def test_signed_levels_are_symmetric_about_zero_with_zero_a_level():
    from gdlab.core.surface.landscape import signed_levels

    Z = np.array([[-3.0, 0.5], [2.0, np.nan]])
    levels = signed_levels(Z, 13)
    assert len(levels) == 13 and levels[6] == 0.0
    np.testing.assert_allclose(levels, -levels[::-1])
    assert levels[-1] < 3.0 < levels[-1] + (levels[1] - levels[0]) + 1e-12


@pytest.mark.parametrize("preset, region", [("lr-too-large", "too large"), ("lr-too-small", "too small"),
                                            ("lr-divergent", "diverged"), ("lr-just-right", "good")])
def test_a_sweep_puts_each_learning_rate_preset_where_its_name_says(preset, region):
    """Each α is classified from its own trajectory: α = 0.95 on the parabola crosses the minimum at
    every step (too large, it oscillates), although its final cost is small."""
    exp = load_preset(preset)
    lr = exp["learning_rate"]
    lrs = np.sort(np.append(log_spaced(0.001, 2.0, 25), lr))
    result = run_sweep(exp, lrs, exp["max_iterations"])
    assert result.regions[list(result.learning_rates).index(lr)] == region
    assert result.oscillates[list(result.learning_rates).index(lr)] == (region == "too large")


def test_the_xor_presets_own_rate_is_not_too_small_over_its_own_iterations():
    exp = load_preset("xor")
    lrs = np.array([0.05, exp["learning_rate"], 2.0])
    result = run_sweep(exp, lrs, exp["max_iterations"])
    assert result.regions[list(result.learning_rates).index(exp["learning_rate"])] == "good"
    assert result.regions[0] == "too small"


def test_oscillation_is_crossing_the_minimum_twice_in_the_last_half():
    from gdlab.core.run.sweep import cost_rises, crosses_back_and_forth

    zigzag = (1.5 * (-0.9) ** np.arange(10))[:, None]
    glide = (1.5 * 0.5 ** np.arange(10))[:, None]
    assert crosses_back_and_forth(zigzag, ((0.0,),)) and not crosses_back_and_forth(glide, ((0.0,),))
    assert crosses_back_and_forth(zigzag, ())  # no minimum known: the steps reverse
    assert not crosses_back_and_forth(np.vstack([zigzag[:2], glide]), ((0.0,),))  # early only
    assert cost_rises(np.array([1.0, 0.5, 0.6, 0.3]), 1.0) and not cost_rises(np.array([1.0, 0.5, 0.505]), 1.0)
