"""The activations as pure numpy kernels: a = f(z), and the slope backprop takes through it.

Layers hold one sample a column, (neurons, samples), so the softmax works down each column (axis
0). Every slope is computed from a = f(z) (relu′(z) = [z > 0] = [a > 0]), which gives the same
numbers as computing it from z. These functions are what the script ``gdlab export-code`` writes
includes, as they are here (numpy only, no type annotations); the network's hot path keeps its
allocation-free forms in :mod:`gdlab.core.nn.activations`, which the tests check against these.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

EXP_MAX = 709.0                                     # e^709 is about the largest float
LEAKY_SLOPE = 0.01                                  # the slope of leaky relu for z < 0


def linear(z):
    """f(z) = z: the identity."""
    return z


def sigmoid(z):
    """σ(z) = 1/(1 + e^{−z}): squashes z into (0, 1).

    e^{−z} is formed from −z capped at 709, so it never overflows; the cap only matters where
    σ(z) < 1e-308, which is 0 to a float anyway.
    """
    return 1.0 / (1.0 + np.exp(np.minimum(-z, EXP_MAX)))


def sigmoid_prime(a):
    """σ′(z) = σ(z)(1 − σ(z)), from a = σ(z)."""
    return (1.0 - a) * a


def tanh(z):
    """f(z) = tanh z: squashes z into (−1, 1)."""
    return np.tanh(z)


def tanh_prime(a):
    """f′(z) = 1 − tanh² z, from a = tanh z."""
    return 1.0 - a * a


def relu(z):
    """f(z) = max(0, z): the rectifier passes positive z and blocks negative z."""
    return np.maximum(z, 0.0)


def relu_prime(a):
    """f′(z) = 1 where z > 0, else 0 (0 at the kink), from a = max(0, z): a > 0 exactly where z > 0."""
    return np.heaviside(a, 0.0)


def leaky_relu(z):
    """f(z) = max(z, s·z) with s = 0.01: like relu, but negative z leak through with slope s."""
    return np.maximum(z, LEAKY_SLOPE * z)


def leaky_relu_prime(a):
    """f′(z) = 1 where z > 0, else s = 0.01, from a = max(z, s·z): a > 0 exactly where z > 0."""
    return np.heaviside(a, 0.0) * (1.0 - LEAKY_SLOPE) + LEAKY_SLOPE


def softmax(z):
    """s_k = e^{z_k} / Σ_j e^{z_j} over each column (sample): positive, and summing to 1.

    Computed as e^{z_k − m} / Σ_j e^{z_j − m} with m = max_j z_j, so no exponent is positive.
    """
    e = np.exp(z - z.max(axis=0, keepdims=True))    # e^{z − m}
    return e / e.sum(axis=0, keepdims=True)         # s = e^{z − m} / Σ e^{z − m}


def softmax_backward(s, g):
    """∂J/∂z from g = ∂J/∂s, back through s = softmax(z).

    Every s_k depends on every z_j, ∂s_k/∂z_j = s_k(δ_kj − s_j), so by the chain rule
    ∂J/∂z_j = Σ_k g_k s_k(δ_kj − s_j) = s_j (g_j − Σ_k g_k s_k).
    """
    return (g - (g * s).sum(axis=0, keepdims=True)) * s


VALUES: dict[str, Callable[..., Any]] = {"linear": linear, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
                                         "leaky_relu": leaky_relu, "softmax": softmax}
# The slope backprop takes through each activation: f′ from a (softmax: its Jacobian applied to g).
SLOPES: dict[str, Callable[..., Any]] = {"sigmoid": sigmoid_prime, "tanh": tanh_prime, "relu": relu_prime,
                                         "leaky_relu": leaky_relu_prime, "softmax": softmax_backward}
