"""The learning-rate schedules' formulas as pure kernels: α_t / α₀ at iteration t (t = 0 first).

    constant_factor(t)                      1
    step_factor(t, gamma, step_size)        γ^⌊t / k⌋        (× γ every k iterations)
    exponential_factor(t, gamma)            γᵗ
    inverse_time_factor(t, decay)           1 / (1 + d·t)

A rate that grows past the largest float is inf (the run then diverges and says so). These
functions are the only implementation: :mod:`gdlab.core.optim.schedules` calls them, and the script
``gdlab export-code`` writes includes their source as it is here (numpy and math only, no type
annotations).
"""
from __future__ import annotations

import math


def power_or_inf(base, exponent):
    """base^exponent, or inf when that is too large for a float (instead of an OverflowError)."""
    try:
        return base ** exponent
    except OverflowError:  # a growing rate past the largest float: the run will diverge
        return math.inf


def constant_factor(t):
    """α_t / α₀ = 1: the rate stays the same."""
    return 1.0


def step_factor(t, gamma, step_size):
    """Step decay: α_t / α₀ = γ^⌊t/k⌋, with k = step_size."""
    return power_or_inf(gamma, t // step_size)


def exponential_factor(t, gamma):
    """Exponential decay: α_t / α₀ = γᵗ."""
    return power_or_inf(gamma, t)


def inverse_time_factor(t, decay):
    """Inverse-time decay: α_t / α₀ = 1 / (1 + d·t), with d = decay."""
    return 1.0 / (1.0 + decay * t)
