"""Losses: values against hand-computed cases, gradients against finite differences, the fused
logit forms against the plain ones, and saturated outputs."""
from __future__ import annotations

import math

import numpy as np
import pytest

from gdlab.core.nn import activations as A
from gdlab.core.nn.losses import LOSS_NAMES, bce, cross_entropy, get_loss, log_softmax, mse, softplus


def test_names_and_lookup():
    assert LOSS_NAMES == ("mse", "bce", "cross_entropy")
    for name in LOSS_NAMES:
        assert get_loss(name).name == name
        assert get_loss(get_loss(name)) is get_loss(name)
    with pytest.raises(ValueError, match="cross_entropy"):
        get_loss("hinge")
    assert bce.natural_activation == "sigmoid"
    assert cross_entropy.natural_activation == "softmax"
    assert mse.natural_activation is None


def test_mse_by_hand():
    y_hat, y = np.array([[1.0], [2.0]]), np.array([[0.0], [4.0]])
    assert mse.value(y_hat, y) == 1.25                                  # (1² + 2²) / (2·2)
    np.testing.assert_array_equal(mse.gradient(y_hat, y), [[0.5], [-1.0]])  # (ŷ − y)/n


def test_mse_averages_over_rows_and_sums_over_outputs():
    y_hat, y = np.array([[1.0, 1.0]]), np.array([[0.0, 3.0]])
    assert mse.value(y_hat, y) == 2.5                                   # (1 + 4) / (2·1)


def test_bce_by_hand():
    y_hat, y = np.array([[0.8], [0.4]]), np.array([[1.0], [0.0]])
    assert bce.value(y_hat, y) == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2, rel=1e-15)
    np.testing.assert_allclose(bce.gradient(y_hat, y), [[-1 / 0.8 / 2], [1 / 0.6 / 2]], rtol=1e-15)


def test_cross_entropy_by_hand():
    y_hat = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    y = np.array([[1.0, 0, 0], [0, 0, 1.0]])
    assert cross_entropy.value(y_hat, y) == pytest.approx(-(math.log(0.7) + math.log(0.8)) / 2, rel=1e-15)
    np.testing.assert_allclose(cross_entropy.gradient(y_hat, y), [[-1 / 0.7 / 2, 0, 0], [0, 0, -1 / 0.8 / 2]],
                               rtol=1e-15)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_gradients_match_central_differences(name):
    loss = get_loss(name)
    rng = np.random.default_rng(0)
    y_hat = rng.uniform(0.1, 0.9, size=(4, 3))
    y = np.eye(3)[[0, 2, 1, 2]] if name == "cross_entropy" else rng.uniform(0, 1, size=(4, 3))
    numeric = np.zeros_like(y_hat)
    for idx in np.ndindex(y_hat.shape):
        p, m = y_hat.copy(), y_hat.copy()
        p[idx] += 1e-6
        m[idx] -= 1e-6
        numeric[idx] = (loss.value(p, y) - loss.value(m, y)) / 2e-6
    np.testing.assert_allclose(loss.gradient(y_hat, y), numeric, rtol=1e-7, atol=1e-12)


def test_bce_from_logits_equals_bce_of_sigmoid():
    rng = np.random.default_rng(1)
    z = rng.normal(scale=4, size=(6, 2))
    y = rng.integers(0, 2, size=(6, 2)).astype(float)
    assert bce.value_from_logits(z, y) == pytest.approx(bce.value(A.sigmoid.value(z), y), rel=1e-13)
    soft = rng.uniform(size=(6, 2))  # soft labels too
    assert bce.value_from_logits(z, soft) == pytest.approx(bce.value(A.sigmoid.value(z), soft), rel=1e-13)


def test_cross_entropy_from_logits_equals_cross_entropy_of_softmax():
    rng = np.random.default_rng(2)
    z = rng.normal(scale=4, size=(5, 4))
    y = np.eye(4)[[3, 0, 1, 1, 2]]
    assert cross_entropy.value_from_logits(z, y) == pytest.approx(
        cross_entropy.value(A.softmax.value(z), y), rel=1e-13)


def test_helpers_softplus_and_log_softmax():
    z = np.array([-50.0, -1.0, 0.0, 2.0, 50.0])
    np.testing.assert_allclose(softplus(z), [math.log1p(math.exp(v)) for v in z], rtol=1e-15)
    zz = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(log_softmax(zz), np.log(A.softmax.value(zz)), rtol=1e-15)


@pytest.mark.parametrize("loss, activation, y", [
    (bce, A.sigmoid, np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]])),
    (cross_entropy, A.softmax, np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])),
])
def test_output_delta_is_the_chain_rule_and_the_logit_derivative(loss, activation, y):
    z = np.array([[0.3, -1.1], [2.0, 0.4], [-0.7, 1.5]])
    a = activation.value(z)
    delta = loss.output_delta(a, y)
    np.testing.assert_allclose(delta, (a - y) / 3, rtol=1e-15)
    # the same as going the long way: δ = f'(z)ᵀ ∂J/∂ŷ
    np.testing.assert_allclose(delta, activation.backward(z, a, loss.gradient(a, y)), rtol=1e-12)
    # and the derivative of the logit form
    numeric = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        p, m = z.copy(), z.copy()
        p[idx] += 1e-6
        m[idx] -= 1e-6
        numeric[idx] = (loss.value_from_logits(p, y) - loss.value_from_logits(m, y)) / 2e-6
    np.testing.assert_allclose(delta, numeric, rtol=1e-7)


def test_mse_has_no_fused_form():
    with pytest.raises(NotImplementedError):
        mse.value_from_logits(np.zeros((1, 1)), np.zeros((1, 1)))
    with pytest.raises(NotImplementedError):
        mse.output_delta(np.zeros((1, 1)), np.zeros((1, 1)))


def test_saturated_outputs_stay_finite():
    # every numpy warning is an error in this test suite, so these also check "no warning"
    y_hat = np.array([[0.0], [1.0], [1.0], [0.0]])
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    j = bce.value(y_hat, y)
    assert math.isfinite(j) and j == pytest.approx(-math.log(1e-15) / 2, rel=1e-3)
    assert np.all(np.isfinite(bce.gradient(y_hat, y)))
    p = np.array([[1.0, 0.0], [0.0, 1.0]])
    y2 = np.array([[0.0, 1.0], [0.0, 1.0]])
    assert math.isfinite(cross_entropy.value(p, y2))
    assert np.all(np.isfinite(cross_entropy.gradient(p, y2)))


def test_logit_forms_are_exact_far_out():
    assert bce.value_from_logits(np.array([[1e4]]), np.array([[0.0]])) == 1e4   # softplus(1e4)
    assert bce.value_from_logits(np.array([[1e4]]), np.array([[1.0]])) == 0.0
    assert bce.value_from_logits(np.array([[-1e4]]), np.array([[1.0]])) == 1e4
    # tiny costs keep their relative accuracy (a log-scale cost curve shows them)
    assert bce.value_from_logits(np.array([[-40.0]]), np.array([[0.0]])) == pytest.approx(
        math.log1p(math.exp(-40.0)), rel=1e-14)
    z = np.array([[1e4, 0.0, -1e4]])
    assert cross_entropy.value_from_logits(z, np.array([[0.0, 1.0, 0.0]])) == 1e4
    assert cross_entropy.value_from_logits(z, np.array([[1.0, 0.0, 0.0]])) == 0.0


def test_shape_mismatch_and_empty_input_are_errors():
    with pytest.raises(ValueError, match="shape"):
        mse.value(np.zeros((3, 1)), np.zeros((3,)))
    with pytest.raises(ValueError, match="sample"):
        mse.value(np.zeros((0, 1)), np.zeros((0, 1)))
