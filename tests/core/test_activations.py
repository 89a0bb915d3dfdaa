"""Activations: values against the textbook formulas, slopes against finite differences,
softmax's Jacobian-vector product, and stability far out in the tails."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gdlab.core.nn import activations as A
from gdlab.core.nn.activations import ACTIVATION_NAMES, get_activation

ELEMENTWISE = ("linear", "sigmoid", "tanh", "relu", "leaky_relu")

# Points away from relu's kink at 0 (finite differences straddling it would be meaningless).
Z = np.array([[-6.0, -2.5, -0.7, -0.1], [0.05, 0.3, 1.7, 5.0]])

REFERENCE = {
    "linear": lambda z: z,
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "tanh": math.tanh,
    "relu": lambda z: max(0.0, z),
    "leaky_relu": lambda z: z if z > 0 else 0.01 * z,
}


def central_difference(f, z, h=1e-6):
    return (f(z + h) - f(z - h)) / (2 * h)


def test_names_and_lookup():
    assert ACTIVATION_NAMES == ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")
    for name in ACTIVATION_NAMES:
        f = get_activation(name)
        assert f.name == name
        assert getattr(A, name) is f
        assert get_activation(f) is f
    with pytest.raises(ValueError, match="tanh") as info:
        get_activation("swish")
    assert "swish" in str(info.value) and "leaky_relu" in str(info.value)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_values_match_the_formulas(name):
    f = get_activation(name)
    expected = np.vectorize(REFERENCE[name])(Z)
    np.testing.assert_allclose(f.value(Z), expected, rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivatives_match_central_differences(name):
    f = get_activation(name)
    numeric = central_difference(f.value, Z)
    np.testing.assert_allclose(f.derivative(Z, f.value(Z)), numeric, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(f.derivative(Z), numeric, rtol=1e-8, atol=1e-10)  # a computed when omitted


def test_derivative_formulas_by_hand():
    z = np.array([-2.0, 0.5, 3.0])
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(A.sigmoid.derivative(z, s), s * (1 - s), rtol=1e-15)
    np.testing.assert_allclose(A.tanh.derivative(z, np.tanh(z)), 1 - np.tanh(z) ** 2, rtol=1e-15)
    np.testing.assert_array_equal(A.relu.derivative(z, None), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(A.leaky_relu.derivative(z, None), [0.01, 1.0, 1.0])
    np.testing.assert_array_equal(A.linear.derivative(z, z), [1.0, 1.0, 1.0])
    # at the kink relu's slope is taken as 0 (and leaky_relu's as the leak)
    assert A.relu.derivative(np.array([0.0]))[0] == 0.0
    assert A.leaky_relu.derivative(np.array([0.0]))[0] == 0.01


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_backward_is_grad_times_slope(name):
    f = get_activation(name)
    g = np.random.default_rng(0).normal(size=Z.shape)
    g_before = g.copy()
    a = f.value(Z)
    np.testing.assert_allclose(f.backward(Z, a, g), g * f.derivative(Z, a), rtol=1e-15)
    np.testing.assert_array_equal(g, g_before)  # inputs are not modified


def test_softmax_rows_sum_to_one_and_match_the_formula():
    z = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 0.5]])
    s = A.softmax.value(z)
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(s, expected, rtol=1e-15)
    np.testing.assert_allclose(s.sum(axis=1), 1.0, rtol=1e-15)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)),
              elements=st.floats(-1e4, 1e4, allow_nan=False)))
def test_softmax_rows_always_sum_to_one(z):
    s = A.softmax.value(z)
    assert np.all(np.isfinite(s)) and np.all(s >= 0) and np.all(s <= 1)
    np.testing.assert_allclose(s.sum(axis=-1), 1.0, rtol=1e-12)


def test_softmax_backward_is_the_full_jacobian_vector_product():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(3, 4))
    g = rng.normal(size=(3, 4))
    s = A.softmax.value(z)
    # numerically: grad_z = ∂/∂z Σ g·softmax(z), one entry at a time
    numeric = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += 1e-6
        zm[idx] -= 1e-6
        numeric[idx] = (np.sum(g * A.softmax.value(zp)) - np.sum(g * A.softmax.value(zm))) / 2e-6
    np.testing.assert_allclose(A.softmax.backward(z, s, g), numeric, rtol=1e-7, atol=1e-10)
    # and by the formula s ⊙ (g − Σ g s)
    np.testing.assert_allclose(A.softmax.backward(z, s, g), s * (g - np.sum(g * s, axis=-1, keepdims=True)),
                               rtol=1e-13)


def test_softmax_derivative_is_the_jacobian_diagonal():
    z = np.array([[0.3, -1.2, 2.0]])
    s = A.softmax.value(z)
    diag = np.zeros_like(z)
    for k in range(3):
        zp, zm = z.copy(), z.copy()
        zp[0, k] += 1e-6
        zm[0, k] -= 1e-6
        diag[0, k] = (A.softmax.value(zp)[0, k] - A.softmax.value(zm)[0, k]) / 2e-6
    np.testing.assert_allclose(A.softmax.derivative(z, s), diag, rtol=1e-8)


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_no_overflow_or_warning_far_out(name):
    # pytest turns every numpy warning into an error, so this also checks that none is emitted
    f = get_activation(name)
    z = np.array([[-1e4, -800.0, -709.9, -40.0, 0.0, 40.0, 709.9, 800.0, 1e4]])
    a = f.value(z)
    assert np.all(np.isfinite(a))
    d = f.derivative(z, a)
    assert np.all(np.isfinite(d))
    assert np.all(np.isfinite(f.backward(z, a, np.ones_like(z))))


def test_limits_far_out():
    z = np.array([-1e4, 1e4])
    assert A.sigmoid.value(z)[0] < 1e-300 and A.sigmoid.value(z)[1] == 1.0
    np.testing.assert_array_equal(A.tanh.value(z), [-1.0, 1.0])
    np.testing.assert_array_equal(A.softmax.value(np.array([[1e4, 0.0, -1e4]])), [[1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(A.relu.value(z), [0.0, 1e4])
    np.testing.assert_array_equal(A.leaky_relu.value(z), [-100.0, 1e4])


def test_sigmoid_keeps_relative_accuracy_in_the_left_tail():
    for z in (-20.0, -36.0, -100.0, -700.0):
        exact = math.exp(z) / (1 + math.exp(z))
        assert A.sigmoid.value(np.array([z]))[0] == pytest.approx(exact, rel=1e-14)
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(A.sigmoid.value(z) + A.sigmoid.value(-z), 1.0, rtol=1e-15)


def test_hot_path_forms_work_on_the_transposed_layout():
    # the network stores layers as (neurons, samples) and passes axis=0
    z = np.random.default_rng(2).normal(size=(5, 3))
    g = np.random.default_rng(3).normal(size=(5, 3))
    for f in map(get_activation, ACTIVATION_NAMES):
        out = np.empty((3, 5))
        f._value_into(z.T, out, 0)
        np.testing.assert_allclose(out.T, f.value(z), rtol=1e-15)
        grad = np.ascontiguousarray(g.T)
        f._backward_inplace(z.T, out, grad, np.empty_like(grad), 0)
        np.testing.assert_allclose(grad.T, f.backward(z, f.value(z), g), rtol=1e-14, atol=1e-17)


def test_value_does_not_modify_its_input_and_accepts_lists():
    z = Z.copy()
    for f in map(get_activation, ACTIVATION_NAMES):
        f.value(z)
        np.testing.assert_array_equal(z, Z)
    np.testing.assert_allclose(A.tanh.value([0.0, 1.0]), [0.0, math.tanh(1.0)])
