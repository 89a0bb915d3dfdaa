"""Optimisers: the first three steps of each against values worked out by hand (torch.optim's
conventions), plus live learning-rate changes, batched learning rates, state as plain data."""
import copy
import math

import numpy as np
import pytest

from gdlab.core.optim.optimizers import OPTIMIZER_NAMES, make_optimizer

# One weight w₀ = 1, learning rate 0.1, and a fixed gradient sequence, so each step can be done by hand.
W0, LR, GRADS = 1.0, 0.1, (0.5, -1.0, 2.0)
sqrt = math.sqrt

# w after steps 1, 2, 3, from the update rules written out with the running values by hand.
HAND = {
    # w ← w − lr·g
    "sgd": [1 - 0.1 * 0.5, 0.95 + 0.1 * 1.0, 1.05 - 0.1 * 2.0],
    # v: 0.5 → 0.9·0.5 − 1 = −0.55 → 0.9·(−0.55) + 2 = 1.505;  w ← w − lr·v
    "momentum": [1 - 0.1 * 0.5, 0.95 + 0.1 * 0.55, 1.005 - 0.1 * 1.505],
    # same v; w ← w − lr·(g + 0.9·v):  0.5 + 0.45 = 0.95;  −1 − 0.495 = −1.495;  2 + 1.3545 = 3.3545
    "nesterov": [1 - 0.1 * 0.95, 0.905 + 0.1 * 1.495, 1.0545 - 0.1 * 3.3545],
    # s: 0.25 → 1.25 → 5.25;  w ← w − lr·g/(√s + 1e-10)
    "adagrad": None,
    # s: 0.01·0.25 = 0.0025 → 0.99·0.0025 + 0.01·1 = 0.012475 → 0.99·0.012475 + 0.01·4 = 0.05235025
    "rmsprop": None,
    "adam": None,
}
_a1 = W0 - 0.1 * 0.5 / (sqrt(0.25) + 1e-10)
_a2 = _a1 + 0.1 * 1.0 / (sqrt(1.25) + 1e-10)
HAND["adagrad"] = [_a1, _a2, _a2 - 0.1 * 2.0 / (sqrt(5.25) + 1e-10)]
_r1 = W0 - 0.1 * 0.5 / (sqrt(0.0025) + 1e-8)
_r2 = _r1 + 0.1 * 1.0 / (sqrt(0.012475) + 1e-8)
HAND["rmsprop"] = [_r1, _r2, _r2 - 0.1 * 2.0 / (sqrt(0.05235025) + 1e-8)]
# m: 0.05 → 0.045 − 0.1 = −0.055 → −0.0495 + 0.2 = 0.1505
# v: 0.00025 → 0.00024975 + 0.001 = 0.00124975 → 0.00124850025 + 0.004 = 0.00524850025
# w ← w − lr·m̂/(√v̂ + ε),  m̂ = m/(1 − 0.9ᵗ),  v̂ = v/(1 − 0.999ᵗ)
_m1 = W0 - 0.1 * (0.05 / 0.1) / (sqrt(0.00025 / 0.001) + 1e-8)
_m2 = _m1 - 0.1 * (-0.055 / 0.19) / (sqrt(0.00124975 / 0.001999) + 1e-8)
HAND["adam"] = [_m1, _m2, _m2 - 0.1 * (0.1505 / 0.271) / (sqrt(0.00524850025 / 0.002997001) + 1e-8)]


def run_steps(name, grads=GRADS, lr=LR, w0=W0, **hyper):
    opt = make_optimizer(name, lr, **hyper)
    w = np.array([w0])
    out = []
    for g in grads:
        opt.step([w], [np.array([g])])
        out.append(float(w[0]))
    return out


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_first_three_steps_match_the_hand_computed_values(name):
    np.testing.assert_allclose(run_steps(name), HAND[name], rtol=1e-12, atol=1e-15)


def test_the_hand_values_differ_between_optimizers():
    """A guard on the test itself: each optimiser's trajectory is its own."""
    rows = [tuple(round(v, 9) for v in HAND[n]) for n in OPTIMIZER_NAMES]
    assert len(set(rows)) == len(rows)


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_updates_are_in_place_on_every_array(name):
    opt = make_optimizer(name, 0.05)
    W, b = np.ones((2, 3)), np.zeros(3)
    ids = (id(W), id(b))
    opt.step([W, b], [np.full((2, 3), 0.2), np.full(3, -0.1)])
    assert (id(W), id(b)) == ids
    assert (W < 1).all() and (b > 0).all()


def test_hyperparameters_use_torch_names_and_change_the_step():
    assert run_steps("momentum", momentum=0.0) == pytest.approx(HAND["sgd"], rel=1e-14)
    assert run_steps("adam", betas=(0.9, 0.999)) == pytest.approx(HAND["adam"], rel=1e-14)
    assert run_steps("rmsprop", alpha=0.9) != pytest.approx(HAND["rmsprop"])
    assert run_steps("adagrad", eps=0.1) != pytest.approx(HAND["adagrad"])


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_a_new_learning_rate_is_used_by_the_very_next_step(name):
    opt = make_optimizer(name, 0.1)
    w, twin = np.array([1.0, -2.0]), make_optimizer(name, 0.1)
    w_twin = w.copy()
    for g in ([0.3, 0.1], [0.2, -0.4]):
        opt.step([w], [np.array(g)])
        twin.step([w_twin], [np.array(g)])
    opt.lr = 0.5
    before = w.copy()
    opt.step([w], [np.array([1.0, 1.0])])
    twin.step([w_twin], [np.array([1.0, 1.0])])
    # same state, five times the rate: the step is exactly five times as long
    np.testing.assert_allclose(before - w, 5 * (before - w_twin), rtol=1e-12)


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_a_column_of_learning_rates_equals_separate_runs(name):
    lrs = np.array([[0.01], [0.1], [0.3]])
    stacked = make_optimizer(name, lrs)
    W = np.tile([1.0, -0.5], (3, 1))
    singles = [(make_optimizer(name, float(lr)), np.array([1.0, -0.5])) for lr in lrs[:, 0]]
    for t in range(5):
        G = 2 * W + t  # a gradient that depends on the weights
        stacked.step([W], [G])
        for opt, w in singles:
            opt.step([w], [2 * w + t])
    for k, (_, w) in enumerate(singles):
        np.testing.assert_allclose(W[k], w, rtol=1e-13)


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_state_is_plain_data_that_replays_exactly(name):
    opt = make_optimizer(name, 0.1)
    w = np.array([0.7, -0.2])
    opt.step([w], [np.array([0.1, 0.3])])
    state, saved_w = opt.get_state(), w.copy()
    assert copy.deepcopy(state)["t"] == 1
    opt.step([w], [np.array([-0.5, 0.2])])
    after = w.copy()
    opt.step([w], [np.array([9.0, 9.0])])  # wander off, then come back
    opt.set_state(state)
    w[:] = saved_w
    opt.step([w], [np.array([-0.5, 0.2])])
    np.testing.assert_array_equal(w, after)
    for arrays in state["slots"].values():  # the snapshot was not changed by later steps
        for a in arrays:
            assert np.isfinite(a).all() and np.abs(a).max() < 5


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_reset_makes_the_next_step_a_first_step(name):
    opt = make_optimizer(name, LR)
    opt.step([np.array([3.0])], [np.array([7.0])])
    opt.reset()
    assert opt.t == 0
    w = np.array([W0])
    opt.step([w], [np.array([GRADS[0]])])
    assert w[0] == pytest.approx(HAND[name][0], rel=1e-13)


@pytest.mark.parametrize("call, words", [
    (lambda: make_optimizer("lbfgs", 0.1), "unknown optimizer"),
    (lambda: make_optimizer("sgd", 0.0), "lr"),
    (lambda: make_optimizer("sgd", float("nan")), "lr"),
    (lambda: make_optimizer("sgd", 0.1, momentum=0.9), "no hyperparameter"),
    (lambda: make_optimizer("momentum", 0.1, momentum=1.0), "momentum"),
    (lambda: make_optimizer("adam", 0.1, beta1=-0.1), "beta1"),
    (lambda: make_optimizer("sgd", np.array([[0.1], [-1.0]])), "learning rate"),
])
def test_bad_arguments_say_what_is_wrong(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_mismatched_lists_are_refused():
    opt = make_optimizer("adam", 0.1)
    with pytest.raises(ValueError, match="gradients"):
        opt.step([np.zeros(2)], [])
    opt.step([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="reset"):
        opt.step([np.zeros(2), np.zeros(1)], [np.ones(2), np.ones(1)])


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_a_copy_steps_like_the_original_and_leaves_it_untouched(name):
    rng = np.random.default_rng(3)
    opt = make_optimizer(name, np.array([[0.1], [0.05]]))
    p = rng.normal(size=(2, 3))
    opt.step([p], [rng.normal(size=(2, 3))])
    before = opt.get_state()
    twin = opt.copy()
    g = rng.normal(size=(2, 3))
    p_twin = p.copy()
    twin.step([p_twin], [g])
    for key, arrays in opt.get_state()["slots"].items():
        for a, b in zip(arrays, before["slots"][key]):
            np.testing.assert_array_equal(a, b)
    assert opt.t == before["t"] and opt.t + 1 == twin.t
    opt.step([p], [g])
    np.testing.assert_array_equal(p, p_twin)
    twin.lr[0, 0] = 9.0
    assert opt.lr[0, 0] == 0.1
