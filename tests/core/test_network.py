"""The MLP: backprop against finite differences for every activation × loss × shape ×
regularisation, the exposed z, a and δ, costs, initialisations, state and buffers."""
from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest

from gdlab.core.nn.activations import ACTIVATION_NAMES, get_activation
from gdlab.core.nn.gradcheck import gradient_check
from gdlab.core.nn.losses import bce, cross_entropy, get_loss
from gdlab.core.nn.network import MLP

SHAPES = ([1, 1], [2, 3, 1], [3, 5, 4, 2], [2, 8, 8, 3])
# bce and cross-entropy take logs of the outputs, so they are defined only for outputs in (0, 1):
# sigmoid and softmax. (The experiment validation rejects the other pairings for the same reason.)
OUTPUT_LOSS = [(out, "mse") for out in ACTIVATION_NAMES] + [
    ("sigmoid", "bce"), ("softmax", "bce"), ("sigmoid", "cross_entropy"), ("softmax", "cross_entropy")]
KINKED = ("relu", "leaky_relu")
EPS = 3e-3     # step of the order-6 central difference: its stencil reaches 3·EPS either side
MARGIN = 0.05  # no relu/leaky_relu pre-activation within this of the kink at 0 (> 3·EPS·|input|)
W_MARGIN = 0.02  # no weight within this of 0, where l1's |w| has its kink (> 3·EPS)


def targets(loss: str, n: int, k: int, rng) -> np.ndarray:
    if loss == "cross_entropy":
        return np.eye(k)[rng.integers(0, k, n)]           # one-hot
    if loss == "bce":
        return rng.integers(0, 2, (n, k)).astype(float)   # 0/1 labels
    return rng.normal(size=(n, k))


def samples_away_from_kinks(model: MLP, n: int, rng) -> np.ndarray:
    """n input rows for which every relu/leaky_relu pre-activation is at least MARGIN from 0.

    Finite differences across a kink measure neither one-sided slope, so candidate rows that
    come close to one are dropped: the stencil moves a weight by at most 3·EPS = 0.009, which
    moves a pre-activation by 0.009·|input|, well inside the margin for inputs drawn from N(0, 1).
    """
    X = rng.normal(size=(400 * n, model.layer_sizes[0]))
    model.forward(X)
    keep = np.ones(len(X), dtype=bool)
    for z, f in zip(model.zs, model.layer_activations):
        if f.name in KINKED:
            keep &= (np.abs(z) > MARGIN).all(axis=1)
    assert keep.sum() >= n, "not enough rows away from the kinks"
    return X[keep][:n]


@pytest.mark.slow
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "-".join(map(str, s)))
@pytest.mark.parametrize("hidden", ACTIVATION_NAMES)
@pytest.mark.parametrize("output, loss", OUTPUT_LOSS)
def test_backprop_matches_finite_differences(shape, hidden, output, loss):
    """Every parameter's ∂J/∂w from backprop against the order-6 central difference (ε = 3e-3,
    error ~1e-14, so even the tiny gradients that cancellation produces are resolved), relative
    error below 1e-6, for each regularisation."""
    rng = np.random.default_rng(sum(shape) + 7 * ACTIVATION_NAMES.index(hidden))
    model = MLP(shape, hidden_activation=hidden, output_activation=output, seed=1)
    for W, b in zip(model.weights, model.biases):
        W[...] = np.copysign(np.maximum(np.abs(W), W_MARGIN), W)
        b[...] = rng.normal(0.0, 0.5, b.shape)   # biases in play too (they start at 0)
    if output in KINKED:
        model.biases[-1][...] = 1.0               # output neurons alive, so their gradients are not all 0
    X = samples_away_from_kinks(model, 6, rng)
    Y = targets(loss, 6, shape[-1], rng)
    for regularization in ("none", "l1", "l2"):
        result = gradient_check(model, X, Y, loss, regularization, reg_rate=0.01, eps=EPS, order=6)
        assert result.max_relative_error < 1e-6, (regularization, result.summary())
        # a check that compares zeros with zeros proves nothing: the gradient must be there
        assert max(np.abs(a).max() for a in result.analytic) > 1e-3 or (output == "softmax" and shape[-1] == 1)


def reference_forward(model: MLP, X: np.ndarray) -> list[np.ndarray]:
    """a_0 … a_L the plain way: a_l = f(a_{l−1} W_l + b_l)."""
    a = [X]
    for W, b, f in zip(model.weights, model.biases, model.layer_activations):
        a.append(f.value(a[-1] @ W + b))
    return a


@pytest.mark.parametrize("hidden", ACTIVATION_NAMES)
@pytest.mark.parametrize("output", ACTIVATION_NAMES)
def test_forward_matches_the_plain_formula(hidden, output):
    model = MLP([3, 4, 5, 2], hidden, output, seed=3)
    X = np.random.default_rng(0).normal(size=(7, 3))
    expected = reference_forward(model, X)
    np.testing.assert_allclose(model.forward(X), expected[-1], rtol=1e-13, atol=1e-15)
    assert model.activations[0] is X or np.array_equal(model.activations[0], X)
    for l in range(3):
        np.testing.assert_allclose(model.activations[l + 1], expected[l + 1], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(model.zs[l], expected[l] @ model.weights[l] + model.biases[l],
                                   rtol=1e-13, atol=1e-15)


def test_shapes_and_parameter_order():
    m = MLP([2, 8, 8, 1])
    assert [W.shape for W in m.weights] == [(2, 8), (8, 8), (8, 1)]
    assert [b.shape for b in m.biases] == [(8,), (8,), (1,)]
    assert all(W.dtype == np.float64 and b.dtype == np.float64 for W, b in zip(m.weights, m.biases))
    assert m.num_layers == 3
    assert m.num_parameters == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1
    params = m.params
    assert len(params) == 6
    for l in range(3):
        assert params[2 * l] is m.weights[l] and params[2 * l + 1] is m.biases[l]
    X, Y = np.zeros((5, 2)), np.zeros((5, 1))
    J, gW, gb = m.loss_and_gradients(X, Y)
    assert [g.shape for g in m.gradients] == [p.shape for p in params]
    assert [g.shape for g in gW] == [W.shape for W in m.weights]
    assert [g.shape for g in gb] == [b.shape for b in m.biases]
    assert all(g is h for g, h in zip(m.gradients, [x for pair in zip(gW, gb) for x in pair]))


def test_zs_activations_and_deltas_follow_the_backprop_equations():
    rng = np.random.default_rng(4)
    m = MLP([3, 5, 4, 2], "tanh", "sigmoid", seed=2)
    X, Y = rng.normal(size=(9, 3)), rng.integers(0, 2, (9, 2)).astype(float)
    J, gW, gb = m.loss_and_gradients(X, Y, "bce")
    assert [z.shape for z in m.zs] == [(9, 5), (9, 4), (9, 2)]
    assert [a.shape for a in m.activations] == [(9, 3), (9, 5), (9, 4), (9, 2)]
    assert [d.shape for d in m.deltas] == [(9, 5), (9, 4), (9, 2)]
    a, z, d = m.activations, m.zs, m.deltas
    np.testing.assert_allclose(d[-1], (a[-1] - Y) / 9, rtol=1e-15)            # δ_L = (ŷ − y)/n
    for l in (0, 1):                                                          # δ_l = f'(z_l) ⊙ δ_{l+1} W_{l+1}ᵀ
        np.testing.assert_allclose(d[l], (1 - np.tanh(z[l]) ** 2) * (d[l + 1] @ m.weights[l + 1].T),
                                   rtol=1e-12, atol=1e-17)
    for l in range(3):                                                        # ∂J/∂W = aᵀδ, ∂J/∂b = Σ δ
        np.testing.assert_allclose(gW[l], a[l].T @ d[l], rtol=1e-12, atol=1e-17)
        np.testing.assert_allclose(gb[l], d[l].sum(axis=0), rtol=1e-12, atol=1e-17)


def test_output_delta_for_other_pairings_is_slope_times_loss_gradient():
    rng = np.random.default_rng(5)
    m = MLP([2, 3, 2], "relu", "tanh", seed=0)
    X, Y = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    m.loss_and_gradients(X, Y, "mse")
    a, z = m.activations[-1], m.zs[-1]
    np.testing.assert_allclose(m.deltas[-1], (1 - np.tanh(z) ** 2) * (a - Y) / 4, rtol=1e-13)


@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
def test_cost_parts_and_penalties(regularization):
    rng = np.random.default_rng(6)
    m = MLP([2, 4, 1], "tanh", "sigmoid", seed=5)
    for b in m.biases:
        b[:] = 3.0  # biases are not penalised: this must not change the penalty
    X, Y = rng.normal(size=(8, 2)), rng.integers(0, 2, (8, 1)).astype(float)
    lam = 0.3
    J, gW, gb = m.loss_and_gradients(X, Y, "bce", regularization, lam)
    assert m.last_data_cost + m.last_penalty == J
    squares = sum(float(np.sum(W ** 2)) for W in m.weights)
    absolutes = sum(float(np.sum(np.abs(W))) for W in m.weights)
    expected = {"none": 0.0, "l2": lam / 2 * squares, "l1": lam * absolutes}[regularization]
    assert m.last_penalty == pytest.approx(expected, rel=1e-14)
    data_only = MLP([2, 4, 1], "tanh", "sigmoid", seed=5)
    data_only.set_state(m.get_state())
    _, gW0, gb0 = data_only.loss_and_gradients(X, Y, "bce")
    assert m.last_data_cost == pytest.approx(data_only.last_data_cost, rel=1e-15)
    extra = {"none": 0.0, "l2": [lam * W for W in m.weights], "l1": [lam * np.sign(W) for W in m.weights]}
    for l in range(2):
        np.testing.assert_allclose(gW[l], gW0[l] + (extra[regularization][l] if regularization != "none" else 0),
                                   rtol=1e-13, atol=1e-16)
        np.testing.assert_array_equal(gb[l], gb0[l])                          # no penalty on biases
    assert m.cost(X, Y, "bce", regularization, lam) == pytest.approx(J, rel=1e-15)
    assert m.last_data_cost + m.last_penalty == pytest.approx(J, rel=1e-15)


@pytest.mark.parametrize("output, loss", [("sigmoid", "bce"), ("softmax", "cross_entropy")])
def test_cost_of_natural_pairs_equals_the_plain_loss(output, loss):
    rng = np.random.default_rng(7)
    m = MLP([2, 6, 3], "tanh", output, seed=1)
    X = rng.normal(size=(10, 2))
    Y = np.eye(3)[rng.integers(0, 3, 10)]
    plain = get_loss(loss).value(m.forward(X).copy(), Y)
    assert m.cost(X, Y, loss) == pytest.approx(plain, rel=1e-12)
    assert m.loss_and_gradients(X, Y, loss)[0] == pytest.approx(plain, rel=1e-12)


def test_saturated_network_cost_is_exact_and_finite():
    m = MLP([1, 1], "tanh", "sigmoid")
    m.weights[0][:] = 1e4
    X, Y = np.array([[1.0], [-1.0]]), np.array([[0.0], [0.0]])
    # z = ±1e4: softplus(1e4) − 0 = 1e4 and softplus(−1e4) ≈ 0, averaged over 2 rows
    J, gW, gb = m.loss_and_gradients(X, Y, "bce")
    assert J == 5e3
    assert np.all(np.isfinite(gW[0])) and np.all(np.isfinite(gb[0]))
    m2 = MLP([1, 3], "tanh", "softmax")
    m2.weights[0][:] = [[1e4, 0.0, -1e4]]
    J2 = m2.cost(np.array([[1.0]]), np.array([[0.0, 1.0, 0.0]]), "cross_entropy")
    assert J2 == 1e4
    assert bce.value_from_logits(np.array([[1e4]]), np.array([[0.0]])) == 1e4
    assert math.isfinite(cross_entropy.value(m2.forward(np.array([[1.0]])), np.array([[0.0, 1.0, 0.0]])))


def test_cost_leaves_the_backprop_state_alone():
    rng = np.random.default_rng(8)
    m = MLP([2, 5, 1], "tanh", "sigmoid")
    X, Y = rng.normal(size=(6, 2)), rng.integers(0, 2, (6, 1)).astype(float)
    m.loss_and_gradients(X, Y, "bce")
    snapshot = [g.copy() for g in m.gradients] + [z.copy() for z in m.zs] + [d.copy() for d in m.deltas]
    m.cost(X + 1.0, 1.0 - Y, "bce")            # same n, other data
    after = [g for g in m.gradients] + list(m.zs) + list(m.deltas)
    for before, now in zip(snapshot, after):
        np.testing.assert_array_equal(before, now)


def test_batch_sizes_can_be_interleaved():
    rng = np.random.default_rng(9)
    m = MLP([2, 4, 1], "tanh", "sigmoid")
    X5, Y5 = rng.normal(size=(5, 2)), rng.integers(0, 2, (5, 1)).astype(float)
    X7, Y7 = rng.normal(size=(7, 2)), rng.integers(0, 2, (7, 1)).astype(float)
    J5, g5, _ = m.loss_and_gradients(X5, Y5, "bce")
    g5 = [g.copy() for g in g5]
    J7 = m.loss_and_gradients(X7, Y7, "bce")[0]
    assert m.cost(X5, Y5, "bce") == J5
    J5b, g5b, _ = m.loss_and_gradients(X5, Y5, "bce")
    assert J5b == J5 and J7 != J5
    for a, b in zip(g5, g5b):
        np.testing.assert_array_equal(a, b)
    fresh = MLP([2, 4, 1], "tanh", "sigmoid")
    assert fresh.loss_and_gradients(X7, Y7, "bce")[0] == J7


def test_gradients_are_reused_buffers_and_params_are_linked():
    rng = np.random.default_rng(10)
    m = MLP([2, 3, 1], "tanh", "linear")
    X, Y = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
    first = m.gradients
    m.loss_and_gradients(X, Y)
    assert all(a is b for a, b in zip(first, m.gradients))
    before = m.forward(X).copy()
    for p, g in zip(m.params, m.gradients):
        p -= 0.1 * g                           # an SGD step in place
    after = m.forward(X).copy()
    assert not np.array_equal(before, after)
    assert m.cost(X, Y) < m.loss_and_gradients(X, Y)[0] + 1e-12  # consistent after the step


def test_one_dimensional_targets_for_a_single_output():
    m = MLP([2, 3, 1])
    X = np.random.default_rng(11).normal(size=(4, 2))
    y = np.array([0.0, 1.0, 1.0, 0.0])
    assert m.cost(X, y, "bce") == m.cost(X, y[:, None], "bce")


def test_reference_forward_and_backward_on_a_tiny_network_by_hand():
    # one input, one hidden tanh neuron, one linear output; J = 1/(2n) Σ (ŷ − y)²
    m = MLP([1, 1, 1], "tanh", "linear")
    m.weights[0][:] = [[0.5]]
    m.biases[0][:] = [0.1]
    m.weights[1][:] = [[-2.0]]
    m.biases[1][:] = [0.3]
    X, Y = np.array([[2.0]]), np.array([[1.0]])
    h = math.tanh(0.5 * 2.0 + 0.1)
    y_hat = -2.0 * h + 0.3
    J, gW, gb = m.loss_and_gradients(X, Y, "mse")
    assert J == pytest.approx(0.5 * (y_hat - 1.0) ** 2, rel=1e-15)
    d2 = y_hat - 1.0
    d1 = (1 - h * h) * d2 * -2.0
    assert gW[1][0, 0] == pytest.approx(h * d2, rel=1e-15) and gb[1][0] == pytest.approx(d2, rel=1e-15)
    assert gW[0][0, 0] == pytest.approx(2.0 * d1, rel=1e-14) and gb[0][0] == pytest.approx(d1, rel=1e-14)


# -- initialisation -----------------------------------------------------------------------------
@pytest.mark.parametrize("init", ["xavier", "he", "normal", "zeros"])
def test_initialisation_is_reproducible(init):
    a = MLP([3, 7, 2], init=init, seed=42)
    b = MLP([3, 7, 2], init=init, seed=42)
    c = MLP([3, 7, 2], init=init, seed=43)
    for Wa, Wb, Wc in zip(a.weights, b.weights, c.weights):
        np.testing.assert_array_equal(Wa, Wb)
        assert np.array_equal(Wa, Wc) == (init == "zeros")
    assert all(np.all(bias == 0) for bias in a.biases)


def test_initialisation_scales():
    m = MLP([400, 600, 300], init="xavier", seed=0)
    for W in m.weights:
        r = math.sqrt(6 / sum(W.shape))
        assert np.abs(W).max() <= r
        assert W.std() == pytest.approx(r / math.sqrt(3), rel=0.02)   # U(−r, r) has σ = r/√3
        assert abs(W.mean()) < 0.01 * r
    m = MLP([400, 600, 300], init="he", seed=0)
    for W in m.weights:
        assert W.std() == pytest.approx(math.sqrt(2 / W.shape[0]), rel=0.02)
    m = MLP([400, 600], init="normal", init_scale=0.3, seed=0)
    assert m.weights[0].std() == pytest.approx(0.3, rel=0.02)
    m = MLP([4, 6], init="zeros")
    assert not m.weights[0].any()


def test_reinitialize_redraws_in_place():
    m = MLP([2, 5, 1], seed=3)
    objects = [id(p) for p in m.params]
    first = [W.copy() for W in m.weights]
    m.weights[0][:] = 9.0
    m.biases[0][:] = 9.0
    m.reinitialize()                                   # same seed: the same start again
    assert [id(p) for p in m.params] == objects
    for W, W0 in zip(m.weights, first):
        np.testing.assert_array_equal(W, W0)
    assert not m.biases[0].any()
    m.reinitialize(seed=4)
    assert m.seed == 4
    np.testing.assert_array_equal(m.weights[0], MLP([2, 5, 1], seed=4).weights[0])
    assert [id(p) for p in m.params] == objects


# -- state ----------------------------------------------------------------------------------------
def test_state_round_trip_is_bit_for_bit():
    m = MLP([2, 6, 3], "relu", "softmax", seed=8)
    rng = np.random.default_rng(12)
    for p in m.params:
        p += rng.normal(size=p.shape) * 1e-3           # not just the initial draw
    state = m.get_state()
    saved = [p.copy() for p in m.params]
    state_copy = [w.copy() for w in state["weights"]]
    m.reinitialize(seed=99)
    m.weights[0] += 1.0
    state["weights"][0]  # the state is independent of the network:
    np.testing.assert_array_equal(state["weights"][0], state_copy[0])
    m.set_state(state)
    for p, s in zip(m.params, saved):
        assert p.tobytes() == s.tobytes()
    m.weights[1][0, 0] = 123.0
    assert state["weights"][1][0, 0] != 123.0


def test_state_is_plain_data_and_checked():
    m = MLP([2, 3, 1])
    state = m.get_state()
    assert set(state) >= {"weights", "biases", "layer_sizes"}
    as_lists = {"weights": [w.tolist() for w in state["weights"]], "biases": [b.tolist() for b in state["biases"]]}
    other = MLP([2, 3, 1], seed=5)
    other.set_state(as_lists)                          # plain lists work too (e.g. from JSON)
    for a, b in zip(other.params, m.params):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError):
        MLP([2, 4, 1]).set_state(state)
    with pytest.raises(ValueError):
        m.set_state({"weights": state["weights"][:1], "biases": state["biases"][:1]})


def test_copy_is_independent():
    m = MLP([2, 4, 1], "relu", "sigmoid", init="he", seed=2)
    twin = m.copy()
    X = np.random.default_rng(13).normal(size=(5, 2))
    np.testing.assert_array_equal(twin.forward(X), m.forward(X))
    twin.weights[0] += 1.0
    assert not np.array_equal(twin.weights[0], m.weights[0])
    assert twin.hidden_activation.name == "relu" and twin.init == "he" and twin.seed == 2


def test_assigning_a_layer_copies_in_place():
    m = MLP([2, 2, 1])
    W0 = m.weights[0]
    params = m.params
    m.weights[0] = [[1.0, 2.0], [3.0, 4.0]]
    assert m.weights[0] is W0 and params[0] is W0
    np.testing.assert_array_equal(W0, [[1.0, 2.0], [3.0, 4.0]])
    m.biases = [[0.5, -0.5], [2.0]]
    np.testing.assert_array_equal(m.biases[1], [2.0])
    np.testing.assert_array_equal(m.forward(np.array([[1.0, 0.0]])),
                                  reference_forward(m, np.array([[1.0, 0.0]]))[-1])
    with pytest.raises(ValueError, match="shape"):
        m.weights[0] = np.zeros((3, 2))
    with pytest.raises(TypeError):
        m.weights.append(np.zeros((2, 2)))


# -- validation ------------------------------------------------------------------------------------
@pytest.mark.parametrize("sizes", [[2], [], [2, 0], [2, -1], [2.0, 1], [2, True], "21", None])
def test_bad_layer_sizes(sizes):
    with pytest.raises(ValueError, match="layer_sizes"):
        MLP(sizes)


def test_unknown_names_list_the_allowed_ones():
    with pytest.raises(ValueError, match="leaky_relu"):
        MLP([2, 1], hidden_activation="gelu")
    with pytest.raises(ValueError, match="softmax"):
        MLP([2, 1], output_activation="gelu")
    with pytest.raises(ValueError, match="xavier"):
        MLP([2, 1], init="orthogonal")
    m = MLP([2, 1])
    X, Y = np.zeros((3, 2)), np.zeros((3, 1))
    with pytest.raises(ValueError, match="cross_entropy"):
        m.loss_and_gradients(X, Y, "hinge")
    with pytest.raises(ValueError, match="l2"):
        m.loss_and_gradients(X, Y, "mse", "dropout", 0.1)
    with pytest.raises(ValueError, match="shape"):
        m.forward(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="shape"):
        m.loss_and_gradients(X, np.zeros((4, 1)))
    with pytest.raises(ValueError, match="sample"):
        m.cost(np.zeros((0, 2)), np.zeros((0, 1)))


# -- speed -----------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "relu", "leaky_relu", "linear"])
@pytest.mark.parametrize("output, loss", [("sigmoid", "bce"), ("sigmoid", "mse"), ("linear", "mse")])
def test_the_hot_path_does_not_allocate_per_sample(hidden, output, loss):
    """After the first call for a batch size, loss_and_gradients reuses its work arrays: it
    allocates nothing that grows with n (one layer here is 16 × 20000 × 8 B = 2.5 MB, one column
    160 kB). The bound leaves room for NumPy's fixed ufunc buffer (8192 elements × 8 B = 64 kB),
    which NumPy 2.0 takes for some reductions and later versions do not."""
    rng = np.random.default_rng(14)
    n = 20000
    m = MLP([2, 16, 16, 1], hidden, output)
    X, Y = rng.normal(size=(n, 2)), rng.integers(0, 2, (n, 1)).astype(float)
    m.cost(X, Y, loss)  # the first call for a batch size allocates the work arrays
    for regularization in ("none", "l1", "l2"):
        m.loss_and_gradients(X, Y, loss, regularization, 0.01)
        tracemalloc.start()
        try:
            m.loss_and_gradients(X, Y, loss, regularization, 0.01)
            m.cost(X, Y, loss, regularization, 0.01)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 100 * 1024, f"{regularization}: {peak} bytes allocated"


def test_deepcopy_and_pickle_give_working_independent_networks():
    import copy
    import pickle
    m = MLP([2, 3, 1], "relu", "sigmoid", seed=5)
    m.weights[0][0, 0] = 7.0
    X = np.random.default_rng(15).normal(size=(4, 2))
    for twin in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        np.testing.assert_array_equal(twin.forward(X), m.forward(X))
        assert twin.params[0] is twin.weights[0]
        twin.params[0][0, 0] = 1.0                 # an optimiser step on the copy reaches its network...
        assert twin.weights[0][0, 0] == 1.0 and not np.array_equal(twin.forward(X), m.forward(X))
        assert m.weights[0][0, 0] == 7.0           # ...and not the original
    assert m.config() == {"layer_sizes": [2, 3, 1], "hidden_activation": "relu", "output_activation": "sigmoid",
                          "init": "xavier", "seed": 5, "init_scale": 0.1}


def test_cross_entropy_natural_pair_matches_the_long_way_with_one_hot_targets():
    rng = np.random.default_rng(16)
    m = MLP([2, 4, 3], "tanh", "softmax", seed=2)
    X, Y = rng.normal(size=(5, 2)), np.eye(3)[[0, 2, 1, 1, 0]]
    m.loss_and_gradients(X, Y, "cross_entropy")
    a, z = m.activations[-1], m.zs[-1]
    long_way = get_activation("softmax").backward(z, a, cross_entropy.gradient(a, Y))
    np.testing.assert_allclose(m.deltas[-1], long_way, rtol=1e-12)
