"""The training loop: histories, snapshots, stopping reasons, commands between steps."""
import warnings

import numpy as np
import pytest

from gdlab.core.files.experiment import Experiment
from gdlab.core.files.presets import load_preset
from gdlab.core.optim.optimizers import make_optimizer
from gdlab.core.run.training import CONVERGED, DIVERGED, MAX_ITERATIONS, NetworkRun, SurfaceRace, make_run, train
from gdlab.core.surface.surfaces import get_surface


def net(**values):
    base = {"dataset": "xor", "n_samples": 40, "hidden_layers": [3], "max_iterations": 50}
    base.update(values)
    return NetworkRun(Experiment(kind="network", values=base))


def test_row_zero_is_the_initial_cost_and_each_step_adds_one_row():
    run = net()
    assert len(run.history) == 1 and run.iteration == 0
    J0 = run.model.cost(run.X_train, run.Y_train, run.loss)
    assert run.history.view("train_cost")[0] == pytest.approx(J0, rel=1e-12)
    run.step(1)
    assert run.iteration == 1 and len(run.history) == 2
    run.step(5)
    assert run.iteration == 6 and len(run.history) == 7


def test_one_step_is_exactly_w_minus_lr_times_backprop_gradient():
    run = net(learning_rate=0.3)
    W0 = [w.copy() for w in run.model.params]
    _, gW, gb = run.model.loss_and_gradients(run.X_train, run.Y_train, run.loss)
    expected = [w - 0.3 * g for w, g in zip(W0, [x for pair in zip(gW, gb) for x in pair])]
    run.reset()
    run.step(1)
    for got, want in zip(run.model.params, expected):
        np.testing.assert_array_equal(got, want)


def test_cost_falls_on_xor_and_test_cost_is_recorded():
    run = net(max_iterations=300, learning_rate=0.5, hidden_layers=[4])
    run.step(300)
    cost = run.history.view("train_cost")
    assert cost[-1] < 0.5 * cost[0]
    assert np.isfinite(run.history.view("test_cost")).all()
    assert run.status == MAX_ITERATIONS and "300" in run.reason


def test_reset_restores_initial_weights_bit_for_bit():
    run = net()
    initial = [p.copy() for p in run.model.params]
    run.step(20)
    assert not all(np.array_equal(a, b) for a, b in zip(initial, run.model.params))
    run.reset()
    for a, b in zip(initial, run.model.params):
        np.testing.assert_array_equal(a, b)
    assert run.iteration == 0 and len(run.history) == 1


def test_same_experiment_same_history():
    a, b = net(batch_size=8), net(batch_size=8)
    a.step(40)
    b.step(40)
    np.testing.assert_array_equal(a.history.view("train_cost"), b.history.view("train_cost"))


def test_learning_rate_change_is_used_by_the_very_next_step():
    run = net(learning_rate=0.1)
    run.step(3)
    before = [p.copy() for p in run.model.params]
    grads = [g.copy() for g in run.model.gradients]
    run.set_learning_rate(0.7)
    run.step(1)
    for p, w, g in zip(run.model.params, before, grads):
        np.testing.assert_allclose(p, w - 0.7 * g, rtol=0, atol=1e-15)


def test_switching_optimizer_mid_run():
    run = net()
    run.step(2)
    run.set_optimizer("adam")
    before = [p.copy() for p in run.model.params]
    grads = [g.copy() for g in run.model.gradients]
    run.step(1)
    ref = make_optimizer("adam", 0.1)
    ref.step(before, grads)
    for p, w in zip(run.model.params, before):
        np.testing.assert_allclose(p, w, rtol=1e-12)


def test_mini_batches_cover_each_epoch_once():
    run = net(batch_size=8, n_samples=40, test_fraction=0.2)  # 32 training points: 4 batches an epoch
    run.step(4)
    assert run.epoch == pytest.approx(1.0)


def test_divergence_is_data_not_an_exception():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = net(learning_rate=5000.0, max_iterations=5000, dataset="sine", hidden_layers=[8])
        status = run.step(5000)
    assert status == DIVERGED
    assert f"iteration {run.iteration}" in run.reason and "learning rate" in run.reason
    assert len(run.history) == run.iteration + 1  # the history is kept, up to the diverged step
    assert run.step(10) == DIVERGED and run.iteration == len(run.history) - 1


def test_gradient_norms_and_tracked_weights_are_recorded():
    run = net(hidden_layers=[3])
    run.step(5)
    norms = run.history.view("grad_norms")
    assert norms.shape == (6, 2) and (norms > 0).all()
    assert len(run.tracked_ids) == 2 * 3 + 3 * 1
    l, i, j = run.tracked_ids[4]
    assert run.history.view("tracked")[-1, 4] == run.model.weights[l][i, j]


def test_large_networks_track_a_spread_of_twenty_weights():
    run = net(hidden_layers=[16, 16])
    assert len(run.tracked_ids) == 20
    assert {l for l, _, _ in run.tracked_ids} == {0, 1, 2}


def test_snapshots_carry_every_row_since_the_last_and_are_copies():
    run = net(max_iterations=30)
    snaps = list(train(run, chunk=7))
    iters = np.concatenate([s.iterations for s in snaps])
    np.testing.assert_array_equal(iters, np.arange(31))
    costs = np.concatenate([s.train_cost for s in snaps])
    np.testing.assert_array_equal(costs, run.history.view("train_cost"))
    first = snaps[0]
    first.weights[0][:] = 123.0
    assert not np.any(run.model.weights[0] == 123.0)
    assert snaps[-1].status == MAX_ITERATIONS


def test_surface_run_converges_on_a_bowl_and_says_why():
    exp = Experiment(kind="surface", values={"surface": "bowl", "learning_rate": 0.1, "max_iterations": 1000})
    run = make_run(exp)
    assert isinstance(run, SurfaceRace)
    run.step(1000)
    assert run.status == CONVERGED and "gradient" in run.reason
    np.testing.assert_allclose(run.w[0], [0.0, 0.0], atol=1e-6)


def test_surface_step_is_plain_gradient_descent():
    surf = get_surface("rosenbrock")
    exp = Experiment(kind="surface", values={"surface": "rosenbrock", "learning_rate": 1e-3, "start": [-1.5, 2.0]})
    run = make_run(exp)
    run.step(1)
    w0 = np.array([-1.5, 2.0])
    np.testing.assert_allclose(run.w[0], w0 - 1e-3 * surf.gradient(w0), rtol=1e-14)


def test_race_equals_separate_single_runs():
    runs = [{"optimizer": "sgd", "learning_rate": 1e-3}, {"optimizer": "adam", "learning_rate": 0.05},
            {"optimizer": "momentum", "learning_rate": 5e-4}, {"optimizer": "sgd", "learning_rate": 2e-3}]
    values = {"surface": "rosenbrock", "start": [-1.5, 2.0], "max_iterations": 200}
    race = make_run(Experiment(kind="surface", values=values, runs=runs))
    race.step(200)
    for k, r in enumerate(runs):
        single = make_run(Experiment(kind="surface", values=values, runs=[r]))
        single.step(200)
        np.testing.assert_allclose(race.history.view("paths")[:, k], single.history.view("paths")[:, 0],
                                   rtol=1e-12, atol=1e-14)


def test_in_a_race_a_diverged_run_stops_while_the_others_go_on():
    runs = [{"learning_rate": 0.1}, {"learning_rate": 1.5}]
    race = make_run(Experiment(kind="surface", values={"surface": "bowl", "max_iterations": 2000}, runs=runs))
    race.step(2000)
    assert race.run_status == [CONVERGED, DIVERGED]
    assert race.status == "finished" and "diverged" in race.reason


@pytest.mark.parametrize("name", ["lr-too-small", "lr-just-right", "lr-too-large", "lr-divergent",
                                  "local-minimum"])
def test_learning_rate_presets_do_what_their_names_say(name):
    exp = load_preset(name)
    run = make_run(exp)
    run.step(exp["max_iterations"])
    surf, w = run.surface, run.history.view("paths")[:, 0]
    final = w[-1]
    global_min = surf.global_minima[0]
    if name == "lr-too-small":
        assert run.status == MAX_ITERATIONS and np.abs(final - global_min).max() > 0.3
        assert np.all(np.diff(run.history.view("costs")[:, 0]) < 0)
    elif name == "lr-just-right":
        assert run.status == CONVERGED and run.iteration <= 40
        np.testing.assert_allclose(final, global_min, atol=1e-5)
    elif name == "lr-too-large":
        side = np.sign(w[:, 0] - global_min[0])
        assert np.all(side[1:] * side[:-1] < 0), "every step must jump across the minimum"
        assert run.status == MAX_ITERATIONS
    elif name == "lr-divergent":
        assert run.status == DIVERGED
    else:
        assert run.status == CONVERGED
        local = surf.local_minima[0]
        np.testing.assert_allclose(final, local, atol=1e-4)


def test_vanishing_gradients_preset_shows_early_layers_starving():
    exp = load_preset("vanishing-gradients")
    run = make_run(exp)
    run.step(exp["max_iterations"])
    norms = run.history.view("grad_norms")[-1]
    assert norms[0] * 100 <= norms[-1]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["xor", "spiral-deep"])
def test_network_presets_learn(name):
    exp = load_preset(name)
    run = make_run(exp)
    run.step(exp["max_iterations"])
    cost = run.history.view("train_cost")
    assert run.status in (MAX_ITERATIONS, CONVERGED)
    assert cost[-1] < 0.3 * cost[0]


def test_a_perfect_oscillation_is_not_convergence():
    """α = 1 on J = w² (curvature 2) sends w to −w: J is the same at every step, but the weights
    keep jumping across the minimum, so the run must not claim to have converged."""
    exp = Experiment(kind="surface", values={"surface": "parabola", "start": [1.5], "learning_rate": 1.0,
                                             "max_iterations": 40})
    run = make_run(exp)
    assert run.step(40) == MAX_ITERATIONS
    np.testing.assert_array_equal(run.history.view("paths")[-1, 0], [1.5])
