"""The cost surfaces' formulas as pure numpy kernels: J(w) and its exact gradient ∂J/∂w.

Every kernel takes w of shape (..., d), d = 1 or 2 (one row a run, or a whole grid, in one call):
``NAME_cost(w)`` has shape (...) and ``NAME_gradient(w)`` the shape of w. These functions are the
only implementation: :mod:`gdlab.core.surface.surfaces` wraps them as :class:`~gdlab.core.surface.surfaces.Surface`
objects, and the race script ``gdlab export-code`` writes includes their source (and the constants
they read) as it is here, so they use numpy only and carry no type annotations.
"""
from __future__ import annotations

import numpy as np


def stack_pair(g1, g2):
    """The gradient (..., 2) from its two components: np.stack(np.broadcast_arrays(g1, g2), axis=-1),
    without that call's overhead."""
    g1, g2 = np.asarray(g1), np.asarray(g2)
    out = np.empty((*np.broadcast(g1, g2).shape, 2), dtype=np.result_type(g1, g2))
    out[..., 0] = g1
    out[..., 1] = g2
    return out


# -- 1-D ------------------------------------------------------------------------------------------
def parabola_cost(w):
    """J(w) = w²."""
    return w[..., 0] ** 2


def parabola_gradient(w):
    """dJ/dw = 2w."""
    return 2.0 * w


TILT = 0.3                                          # tilts the double well, so one valley is deeper


def double_well_cost(w):
    """J(w) = (w² − 1)² + 0.3·w."""
    w1 = w[..., 0]
    return (w1 * w1 - 1.0) ** 2 + TILT * w1


def double_well_gradient(w):
    """dJ/dw = 4w(w² − 1) + 0.3."""
    w1 = w[..., 0]
    return (4.0 * w1 * (w1 * w1 - 1.0) + TILT)[..., None]


# The model ŷ = w·x fitted by mean squared error to five fixed points (x_i, y_i).
MODEL_X = np.array([0.5, 1.0, 1.5, 2.0, 2.5])
MODEL_Y = np.array([0.9, 2.1, 2.9, 4.2, 4.9])
MODEL_N = len(MODEL_X)
SXX, SXY, SYY = float(MODEL_X @ MODEL_X), float(MODEL_X @ MODEL_Y), float(MODEL_Y @ MODEL_Y)  # Σx², Σxy, Σy²


def one_weight_model_cost(w):
    """J(w) = 1/(2n) Σ (w·x_i − y_i)² = (w²Σx² − 2wΣxy + Σy²)/(2n)."""
    w1 = w[..., 0]
    return (w1 * w1 * SXX - 2.0 * w1 * SXY + SYY) / (2 * MODEL_N)


def one_weight_model_gradient(w):
    """dJ/dw = 1/n Σ (w·x_i − y_i)·x_i = (wΣx² − Σxy)/n."""
    return ((w[..., 0] * SXX - SXY) / MODEL_N)[..., None]


# -- 2-D ------------------------------------------------------------------------------------------
def bowl_cost(w):
    """J(w) = w₁² + w₂²."""
    w1, w2 = w[..., 0], w[..., 1]
    return w1 * w1 + w2 * w2


def bowl_gradient(w):
    """∇J = (2w₁, 2w₂)."""
    return 2.0 * w


ELONGATION = 25.0                                   # the valley is 25 times steeper across than along


def elongated_bowl_cost(w):
    """J(w) = ½(w₁² + 25·w₂²)."""
    w1, w2 = w[..., 0], w[..., 1]
    return 0.5 * (w1 * w1 + ELONGATION * w2 * w2)


def elongated_bowl_gradient(w):
    """∇J = (w₁, 25·w₂)."""
    w1, w2 = w[..., 0], w[..., 1]
    return stack_pair(w1, ELONGATION * w2)


def saddle_cost(w):
    """J(w) = w₁² − w₂²."""
    w1, w2 = w[..., 0], w[..., 1]
    return w1 * w1 - w2 * w2


def saddle_gradient(w):
    """∇J = (2w₁, −2w₂)."""
    w1, w2 = w[..., 0], w[..., 1]
    return stack_pair(2.0 * w1, -2.0 * w2)


ROSENBROCK_A, ROSENBROCK_B = 1.0, 100.0


def rosenbrock_cost(w):
    """J(w) = (a − w₁)² + b(w₂ − w₁²)², a = 1, b = 100."""
    w1, w2 = w[..., 0], w[..., 1]
    return (ROSENBROCK_A - w1) ** 2 + ROSENBROCK_B * (w2 - w1 * w1) ** 2


def rosenbrock_gradient(w):
    """∇J = (−2(a − w₁) − 4b·w₁(w₂ − w₁²), 2b(w₂ − w₁²))."""
    w1, w2 = w[..., 0], w[..., 1]
    r = w2 - w1 * w1
    return stack_pair(-2.0 * (ROSENBROCK_A - w1) - 4.0 * ROSENBROCK_B * w1 * r, 2.0 * ROSENBROCK_B * r)


def himmelblau_cost(w):
    """J(w) = (w₁² + w₂ − 11)² + (w₁ + w₂² − 7)²."""
    w1, w2 = w[..., 0], w[..., 1]
    return (w1 * w1 + w2 - 11.0) ** 2 + (w1 + w2 * w2 - 7.0) ** 2


def himmelblau_gradient(w):
    """∇J = (4w₁p + 2q, 2p + 4w₂q) with p = w₁² + w₂ − 11, q = w₁ + w₂² − 7."""
    w1, w2 = w[..., 0], w[..., 1]
    p, q = w1 * w1 + w2 - 11.0, w1 + w2 * w2 - 7.0
    return stack_pair(4.0 * w1 * p + 2.0 * q, 2.0 * p + 4.0 * w2 * q)


BEALE_C = (1.5, 2.25, 2.625)


def beale_cost(w):
    """J(w) = Σ_k (c_k − w₁ + w₁w₂ᵏ)², k = 1, 2, 3."""
    w1, w2 = w[..., 0], w[..., 1]
    return sum((c - w1 + w1 * w2 ** k) ** 2 for k, c in enumerate(BEALE_C, 1))


def beale_gradient(w):
    """∂J/∂w₁ = Σ 2r_k(w₂ᵏ − 1),  ∂J/∂w₂ = Σ 2r_k·k·w₁w₂ᵏ⁻¹,  with r_k = c_k − w₁ + w₁w₂ᵏ."""
    w1, w2 = w[..., 0], w[..., 1]
    g1 = g2 = 0.0
    for k, c in enumerate(BEALE_C, 1):
        r = c - w1 + w1 * w2 ** k
        g1 = g1 + 2.0 * r * (w2 ** k - 1.0)
        g2 = g2 + 2.0 * r * k * w1 * w2 ** (k - 1)
    return stack_pair(g1, g2)


def booth_cost(w):
    """J(w) = (w₁ + 2w₂ − 7)² + (2w₁ + w₂ − 5)²."""
    w1, w2 = w[..., 0], w[..., 1]
    return (w1 + 2.0 * w2 - 7.0) ** 2 + (2.0 * w1 + w2 - 5.0) ** 2


def booth_gradient(w):
    """∇J = (2p + 4q, 4p + 2q) with p = w₁ + 2w₂ − 7, q = 2w₁ + w₂ − 5."""
    w1, w2 = w[..., 0], w[..., 1]
    p, q = w1 + 2.0 * w2 - 7.0, 2.0 * w1 + w2 - 5.0
    return stack_pair(2.0 * p + 4.0 * q, 4.0 * p + 2.0 * q)


def six_hump_camel_cost(w):
    """J(w) = (4 − 2.1w₁² + w₁⁴/3)·w₁² + w₁w₂ + (−4 + 4w₂²)·w₂²."""
    w1, w2 = w[..., 0], w[..., 1]
    s1, s2 = w1 * w1, w2 * w2
    return (4.0 - 2.1 * s1 + s1 * s1 / 3.0) * s1 + w1 * w2 + (-4.0 + 4.0 * s2) * s2


def six_hump_camel_gradient(w):
    """∇J = (8w₁ − 8.4w₁³ + 2w₁⁵ + w₂, w₁ − 8w₂ + 16w₂³)."""
    w1, w2 = w[..., 0], w[..., 1]
    s1 = w1 * w1
    g1 = 8.0 * w1 - 8.4 * s1 * w1 + 2.0 * s1 * s1 * w1 + w2
    g2 = w1 - 8.0 * w2 + 16.0 * w2 * w2 * w2
    return stack_pair(g1, g2)
