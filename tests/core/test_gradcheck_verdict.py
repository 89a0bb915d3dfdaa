"""The finite-difference check's honest verdict: an estimate with its error bound B, and one of
"right", "wrong" or "cannot be checked", never a fixed threshold on the relative error."""
import numpy as np
import pytest

from gdlab.core.files.presets import load_preset, preset_names
from gdlab.core.nn import gradcheck
from gdlab.core.nn.gradcheck import RIGHT, ROUNDING, UNCHECKABLE, WRONG, stencil_formula, weight_check
from gdlab.core.nn.network import MLP
from gdlab.core.run.training import NetworkRun, make_run

U = np.finfo(np.float64).eps / 2
NETWORK_PRESETS = [n for n in preset_names() if load_preset(n).kind == "network"]


def trained(name: str, iterations: int) -> NetworkRun:
    run = make_run(load_preset(name))
    run.step(iterations)
    return run


def check(run: NetworkRun, layer: int, i: int, j: int):
    v = run.experiment.values
    return weight_check(run.model, run.X_train, run.Y_train, layer, i, j, run.loss, v["regularization"],
                        v["reg_rate"])


@pytest.fixture(scope="module")
def spiral_deep_1000() -> NetworkRun:
    return trained("spiral-deep", 1000)


@pytest.mark.parametrize("name", NETWORK_PRESETS)
def test_the_round_off_of_j_stays_far_below_the_assumed_rounding(name, spiral_deep_1000):
    """Second differences of J over steps of 1e-9 are pure round-off (the smooth part is ~1e-18):
    measured, they stay below ROUNDING/8 roundings of the size S the bound assumes."""
    run = spiral_deep_1000 if name == "spiral-deep" else trained(name, 200)
    m, v = run.model, run.experiment.values
    X, Y = run.X_train, run.Y_train
    m.loss_and_gradients(X, Y, run.loss, v["regularization"], v["reg_rate"])
    W = m.weights[0]
    old = W[0, 0]
    J = []
    for k in range(-10, 11):
        W[0, 0] = old + k * 1e-9
        J.append(m.cost(X, Y, run.loss, v["regularization"], v["reg_rate"]))
    W[0, 0] = old
    noise = np.abs(np.diff(J, 2)).max() / 4
    m.forward(X)
    S = max(abs(j) for j in J) + np.abs(m.zs[-1]).max() + np.abs(Y).max()
    assert noise <= ROUNDING / 8 * U * S, (noise, U * S)


def test_every_weight_of_spiral_deeps_first_two_layers_at_1000_is_right_or_uncheckable(spiral_deep_1000):
    verdicts = {check(spiral_deep_1000, layer, i, j).verdict
                for layer in (1, 2) for i in range(spiral_deep_1000.model.weights[layer - 1].shape[0])
                for j in range(spiral_deep_1000.model.weights[layer - 1].shape[1])}
    assert WRONG not in verdicts and RIGHT in verdicts, verdicts


def test_a_gradient_corrupted_by_one_part_in_ten_thousand_reads_wrong(monkeypatch):
    run = trained("xor", 20)
    layer, i, j = 1, 0, 0
    honest = check(run, layer, i, j)
    assert honest.verdict == RIGHT and abs(honest.backprop) > 1e6 * honest.bound, honest
    assert honest.sentence == f"backprop is right (agrees within ±{honest.bound:.1e})".replace("-", "−")
    original = MLP.loss_and_gradients

    def corrupted(self, *args, **kwargs):
        J, dW, db = original(self, *args, **kwargs)
        dW[layer - 1][i, j] *= 1 + 1e-4
        return J, dW, db

    monkeypatch.setattr(MLP, "loss_and_gradients", corrupted)
    wrong = check(run, layer, i, j)
    assert wrong.verdict == WRONG
    assert wrong.sentence.startswith("backprop is wrong: ") and "more than the bound" in wrong.sentence


def _tiny_relu_net(w: float, bias: float = 0.0) -> MLP:
    m = MLP([1, 1, 1], "relu", "linear", seed=0)
    m.weights[0][...] = w
    m.biases[0][...] = bias
    m.weights[1][...] = 0.7
    m.biases[1][...] = 0.1
    return m


def test_a_relu_switching_within_reach_of_the_stencil_cannot_be_checked():
    X, Y = np.array([[1.0]]), np.array([[2.0]])
    near = weight_check(_tiny_relu_net(1e-4), X, Y, 1, 0, 0, "mse")
    assert near.verdict == UNCHECKABLE and "relu" in near.reason
    assert near.sentence.startswith("cannot be checked here: ")
    far = weight_check(_tiny_relu_net(0.5), X, Y, 1, 0, 0, "mse")
    assert far.verdict == RIGHT, far.sentence


def test_the_l1_kink_at_zero_cannot_be_checked():
    m = MLP([2, 3, 1], "tanh", "linear", seed=2)
    m.weights[0][0, 0] = 1e-4
    X, Y = np.array([[0.5, -1.0], [1.0, 0.3]]), np.array([[1.0], [0.0]])
    result = weight_check(m, X, Y, 1, 0, 0, "mse", "l1", 0.1)
    assert result.verdict == UNCHECKABLE and "l1" in result.reason


def test_a_gradient_below_the_bound_cannot_be_checked():
    X, Y = np.array([[1.0]]), np.array([[2.0]])
    dead = weight_check(_tiny_relu_net(0.5, bias=-5.0), X, Y, 1, 0, 0, "mse")  # z = −4.5: no gradient
    assert dead.backprop == 0.0 and dead.verdict == UNCHECKABLE and "below the bound" in dead.reason


def test_the_bound_is_truncation_plus_round_off_and_the_stencil_is_the_one_used():
    result = check(trained("xor", 5), 2, 1, 0)
    assert result.bound == result.truncation + result.roundoff > 0
    assert (result.eps, result.order) == (gradcheck.CHECK_EPS, 6)
    assert stencil_formula(6) == "[45(J₊₁ − J₋₁) − 9(J₊₂ − J₋₂) + (J₊₃ − J₋₃)] / 60ε"
    # D₆ is the order-6 stencil of the module, as numerical_gradient computes it
    run = trained("xor", 5)
    m, v = run.model, run.experiment.values
    expected = gradcheck.numerical_gradient(
        lambda: m.cost(run.X_train, run.Y_train, run.loss, v["regularization"], v["reg_rate"]),
        m.weights[1][1:2, 0:1], eps=gradcheck.CHECK_EPS, order=6)
    assert result.numeric == pytest.approx(float(expected[0, 0]), rel=1e-12, abs=1e-15)
