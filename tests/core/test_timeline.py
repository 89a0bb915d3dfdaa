"""Time travel: the weight tape, rewinding to an iteration, and twin runs forked in lockstep."""
import numpy as np
import pytest

from gdlab.core.files.experiment import Experiment
from gdlab.core.files.presets import load_preset
from gdlab.core.run.timeline import WeightTape, attach_tape, fork, probe_at, rewind, weights_at
from gdlab.core.run.training import make_run


def net(**values):
    base = {"dataset": "xor", "n_samples": 40, "hidden_layers": [3], "max_iterations": 10_000,
            "tolerance": 0.0, "grad_tolerance": 0.0}
    base.update(values)
    return make_run(Experiment(values=base))


def reference_weights(values, n):
    """Weights before every step 0 … n−1 and after the last, from a run that keeps them all."""
    run = net(**values)
    out = []
    for _ in range(n):
        out.append([b.copy() for b in run.model.blocks])
        run.step(1)
    out.append([b.copy() for b in run.model.blocks])
    return out


@pytest.mark.parametrize("values", [{}, {"batch_size": 7, "optimizer": "adam", "learning_rate": 0.05}])
def test_the_tape_gives_exact_recent_weights_and_earlier_checkpoints(values):
    ref = reference_weights(values, 400)
    run = net(**values)
    tape = attach_tape(run, budget_bytes=60 * sum(b.nbytes for b in run.model.blocks))
    run.step(400)
    assert tape.recent < 100 and tape.archive_size < 60
    for k in range(0, 401, 7):
        it, blocks = weights_at(run, k)
        assert it <= k
        if k >= 400 - tape.recent + 1:
            assert it == k, "recent iterations are exact"
        for got, want in zip(blocks, ref[it]):
            np.testing.assert_array_equal(got, want)
    assert weights_at(run, 3)[0] <= 3 and tape.nbytes <= 60 * sum(b.nbytes for b in run.model.blocks) * 1.2


def test_probe_at_an_iteration_reproduces_its_cost():
    run = net()
    attach_tape(run)
    run.step(50)
    it, probe = probe_at(run, 20)
    assert it == 20
    J = probe.cost(run.X_train, run.Y_train, run.loss)
    assert J == pytest.approx(run.history.view("train_cost")[20], rel=1e-12)


def test_rewind_then_go_on_retraces_plain_gradient_descent_exactly():
    run = net()
    attach_tape(run)
    run.step(60)
    original = run.history.copy("train_cost")
    assert rewind(run, 25) == 25
    assert run.iteration == 25 and len(run.history) == 26
    run.step(35)
    np.testing.assert_array_equal(run.history.view("train_cost"), original)


def test_rewind_a_race():
    race = make_run(load_preset("optimizer-race"))
    race.step(40)
    paths = race.history.copy("paths")
    rewind(race, 10)
    assert race.iteration == 10 and len(race.history) == 11
    np.testing.assert_array_equal(race.w, paths[10])


@pytest.mark.parametrize("values", [{}, {"batch_size": 5}, {"optimizer": "momentum", "learning_rate": 0.2}])
def test_a_twin_with_nothing_changed_follows_the_original_exactly(values):
    run = net(**values)
    run.step(17)
    twin = fork(run)
    assert twin.iteration == 17 and twin.first_iteration == 17
    run.step(40)
    twin.step(40)
    for a, b in zip(run.model.weights, twin.model.weights):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(twin.history.view("train_cost"), run.history.view("train_cost")[17:])
    assert twin.snapshot().iterations[0] == 17


def test_a_twin_differs_only_by_its_change():
    run = net(learning_rate=0.05)
    run.step(10)
    twin = fork(run, learning_rate=0.5)
    w, g = [p.copy() for p in run.model.params], [p.copy() for p in run.model.gradients]
    twin.step(1)
    for got, p, gp in zip(twin.model.params, w, g):
        np.testing.assert_allclose(got, p - 0.5 * gp, rtol=1e-13, atol=1e-16)
    relu = fork(run, hidden_activation="relu")
    assert relu.model.hidden_activation.name == "relu"
    for a, b in zip(relu.model.weights, run.model.weights):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="may change"):
        fork(run, hidden_layers=[5])


def test_a_surface_twin_starts_where_the_runs_are():
    race = make_run(load_preset("lr-just-right"))
    race.step(3)
    twin = fork(race, learning_rate=0.05)
    np.testing.assert_array_equal(twin.w, race.w)
    twin.step(1)
    assert twin.w[0, 0] == pytest.approx(race.w[0, 0] - 0.05 * 2 * race.w[0, 0], rel=1e-14)


def test_a_tape_budget_bounds_its_memory():
    blocks = [np.zeros((65, 128)), np.zeros((129, 64)), np.zeros((65, 1))]
    tape = WeightTape(blocks, budget_bytes=8_000_000)
    for it in range(3000):
        for b in tape.slot(it):
            b[...] = it
    assert tape.nbytes <= 8_000_000 * 1.1
    it, got = tape.weights_at(2999)
    assert it == 2999 and got[0][0, 0] == 2999
