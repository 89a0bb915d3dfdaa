"""Gradient checking tools: finite differences on known functions, the relative error, and a
check that catches a broken backprop."""
from __future__ import annotations

import math

import numpy as np
import pytest

from gdlab.core.nn import activations as A
from gdlab.core.nn.gradcheck import (
    GradCheckResult,
    check_weight,
    gradient_check,
    numerical_gradient,
    parameter_names,
    relative_error,
)
from gdlab.core.nn.network import MLP


def test_numerical_gradient_of_a_cubic():
    x = np.array([[0.5, -1.0], [2.0, 3.0]])
    g = numerical_gradient(lambda: float(np.sum(x ** 3)), x)
    np.testing.assert_allclose(g, 3 * x ** 2, rtol=1e-8)
    assert g.shape == x.shape


def test_numerical_gradient_restores_x_exactly():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    before = x.copy()
    for order in (2, 4, 6):
        numerical_gradient(lambda: float(np.sum(np.sin(x))), x, eps=0.1, order=order)
        assert x.tobytes() == before.tobytes()

    calls = []

    def failing() -> float:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return float(x.sum())

    with pytest.raises(RuntimeError):
        numerical_gradient(failing, x)
    assert x.tobytes() == before.tobytes()


def test_numerical_gradient_perturbs_views():
    base = np.zeros((3, 2))
    view = base[:-1]  # like a network's weights, a view of a larger array
    view[:] = [[1.0, 2.0], [3.0, 4.0]]
    g = numerical_gradient(lambda: float(np.sum(base[:-1] ** 2) + 5 * base[-1].sum()), view)
    np.testing.assert_allclose(g, 2 * view, rtol=1e-8)


def test_higher_orders_are_more_accurate():
    x = np.array([0.7])
    exact = math.cos(0.7)
    errors = [abs(numerical_gradient(lambda: math.sin(x[0]), x, eps=0.05, order=k)[0] - exact) for k in (2, 4, 6)]
    assert errors[0] > 1e-4 > errors[1] > 1e-7 > errors[2]
    with pytest.raises(ValueError, match="order"):
        numerical_gradient(lambda: 0.0, x, order=3)


def test_relative_error():
    np.testing.assert_array_equal(relative_error([1.0, 1.0, 0.0, 1e-300, 3.0], [1.0, -1.0, 0.0, 0.0, 1.0]),
                                  [0.0, 1.0, 0.0, 1.0, 0.5])
    assert relative_error(np.zeros((2, 3)), np.zeros((2, 3))).shape == (2, 3)
    assert relative_error(1e-8, 1.0000001e-8) == pytest.approx(0.5e-7, rel=1e-6)


def test_parameter_names():
    assert parameter_names(3) == ["W1", "b1", "W2", "b2", "W3", "b3"]


def data(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(10, 2)), rng.integers(0, 2, (10, 1)).astype(float)


def test_gradient_check_of_a_typical_network_with_the_default_step():
    X, Y = data()
    model = MLP([2, 8, 8, 1], "tanh", "sigmoid", seed=0)
    result = gradient_check(model, X, Y, "bce", "l2", 1e-3)
    assert isinstance(result, GradCheckResult)
    assert result.names == ["W1", "b1", "W2", "b2", "W3", "b3"]
    for arrays in (result.analytic, result.numeric, result.relative_errors):
        assert [a.shape for a in arrays] == [p.shape for p in model.params]
    assert result.max_relative_error == max(float(e.max()) for e in result.relative_errors)
    assert result.max_relative_error < 1e-5  # plain central differences, ε = 1e-6
    assert "W2" in result.summary()


def test_gradient_check_leaves_the_model_as_it_was():
    X, Y = data(1)
    model = MLP([2, 4, 1], "tanh", "sigmoid", seed=3)
    before = [p.copy() for p in model.params]
    model.loss_and_gradients(X, Y, "bce")
    costs = model.last_data_cost, model.last_penalty
    result = gradient_check(model, X, Y, "bce")
    for p, q in zip(model.params, before):
        assert p.tobytes() == q.tobytes()
    assert (model.last_data_cost, model.last_penalty) == costs
    for g, a in zip(model.gradients, result.analytic):
        np.testing.assert_array_equal(g, a)


def test_a_broken_backprop_is_caught(monkeypatch):
    X, Y = data(2)
    model = MLP([2, 5, 1], "tanh", "sigmoid", seed=1)
    assert gradient_check(model, X, Y, "bce").max_relative_error < 1e-5

    def wrong_slope(self, z, a, out):  # the classic slip: 1 − a instead of 1 − a²
        np.subtract(1.0, a, out=out)

    monkeypatch.setattr(type(A.tanh), "_derivative_into", wrong_slope)
    result = gradient_check(model, X, Y, "bce")
    assert result.max_relative_error > 1e-2
    # the output layer's gradient does not pass through tanh', the first layer's does
    assert float(result.relative_errors[0].max()) > 1e-2
    assert float(result.relative_errors[2].max()) < 1e-5  # W2


def test_check_weight_matches_the_full_check():
    X, Y = data(3)
    model = MLP([2, 3, 2], "relu", "softmax", seed=4)
    Y2 = np.eye(2)[Y[:, 0].astype(int)]
    full = gradient_check(model, X, Y2, "cross_entropy", "l1", 0.01)
    for layer, i, j in [(1, 0, 0), (1, 1, 2), (2, 2, 1)]:
        before = [p.copy() for p in model.params]
        analytic, numeric, err = check_weight(model, X, Y2, layer, i, j, "cross_entropy", "l1", 0.01)
        assert analytic == full.analytic[2 * (layer - 1)][i, j]
        assert numeric == pytest.approx(full.numeric[2 * (layer - 1)][i, j], rel=1e-12, abs=1e-15)
        assert err == pytest.approx(float(relative_error(analytic, numeric)))
        for p, q in zip(model.params, before):
            assert p.tobytes() == q.tobytes()
    assert model.last_penalty == pytest.approx(0.01 * sum(np.abs(W).sum() for W in model.weights), rel=1e-14)


def test_check_weight_rejects_missing_weights():
    X, Y = data()
    model = MLP([2, 3, 1])
    with pytest.raises(ValueError, match="layer"):
        check_weight(model, X, Y, 0, 0, 0)
    with pytest.raises(ValueError, match="layer"):
        check_weight(model, X, Y, 3, 0, 0)
    with pytest.raises(ValueError, match="shape"):
        check_weight(model, X, Y, 1, 2, 0)
