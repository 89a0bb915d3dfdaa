"""Cost landscapes for drawing: J on a grid over a view, and contour levels that suit it.

A cost surface's values span many decades (Rosenbrock's valley: from 0 at the minimum to 10⁴ on
the walls), so evenly spaced contour levels show either the walls or the valley, never both.
Levels here are log-spaced above the lowest value in view:

    level_k = J_low + (J_high − J_low)^(k / (K − 1)) − 1 + …   — precisely:
    level_k = J_low + δ · r^k,   δ = (J_high − J_low) / r^(K − 1),  r = (range / δ₀)^(1/(K − 1))

i.e. the heights above the floor J_low grow geometrically from a small first step δ₀ (a
thousandth of the range) to the full range, so a plain bowl and a flat-bottomed valley both get
rings everywhere. :func:`shade` gives the matching colour coordinate log(1 + (J − J_low)/δ₀).
"""
from __future__ import annotations

from typing import cast

import numpy as np
from numpy.typing import ArrayLike

from .surfaces import Surface

FIRST_STEP = 1e-3   # δ₀ as a fraction of the range in view


def grid(surface: Surface, x_range: tuple[float, float], y_range: tuple[float, float] | None = None,
         resolution: int = 160) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """J over a view: (xs, ys, Z) with Z of shape (len(ys), len(xs)) in 2-D; (ws, None, J) in 1-D."""
    if not 2 <= resolution <= 2000:
        raise ValueError(f"resolution must be 2 … 2000, got {resolution}")
    xs = np.linspace(float(x_range[0]), float(x_range[1]), resolution)
    with np.errstate(all="ignore"):
        if surface.dim == 1:
            return xs, None, np.asarray(surface.value(xs[:, None]), dtype=float)
        y_span = cast("tuple[float, float]", y_range)          # a 2-D surface is given its y range
        ys = np.linspace(float(y_span[0]), float(y_span[1]), resolution)
        gx, gy = np.meshgrid(xs, ys)
        return xs, ys, np.asarray(surface.value(np.stack([gx, gy], axis=-1)), dtype=float)


def _floor_and_range(Z: np.ndarray) -> tuple[float, float]:
    finite = Z[np.isfinite(Z)]
    if not finite.size:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return low, max(high - low, 1e-300)


def log_levels(Z: np.ndarray, count: int = 14) -> np.ndarray:
    """``count`` contour levels, log-spaced above the lowest value of Z (see the module docstring)."""
    if count < 2:
        raise ValueError("at least two levels are needed")
    low, span = _floor_and_range(Z)
    heights = np.geomspace(FIRST_STEP * span, span, count)   # δ₀ · r^k, k = 0 … K−1
    return low + heights


def signed_levels(Z: np.ndarray, count: int = 13) -> np.ndarray:
    """``count`` contour levels evenly spaced and symmetric about J = 0, for a surface that goes
    below zero one way and above it the other (a saddle): the boundaries of ``count + 1`` equal
    bands from −m to m, m the largest |J| in view (J = 0 is a level when ``count`` is odd)."""
    finite = np.abs(Z[np.isfinite(Z)])
    m = max(float(finite.max()), 1e-300) if finite.size else 1.0
    return np.linspace(-m, m, count + 2)[1:-1]


def shade(Z: np.ndarray) -> np.ndarray:
    """A colour coordinate for Z: log(1 + (J − J_low)/δ₀), 0 at the floor; non-finite → the maximum."""
    low, span = _floor_and_range(Z)
    with np.errstate(all="ignore"):
        s = np.log1p((Z - low) / (FIRST_STEP * span))
    top = np.log1p(1.0 / FIRST_STEP)
    return np.where(np.isfinite(s), s, top)


def shade_of(values: ArrayLike, Z: np.ndarray) -> np.ndarray:
    """The :func:`shade` coordinate of given values (e.g. the levels) for the colour scale of Z."""
    low, span = _floor_and_range(Z)
    with np.errstate(all="ignore"):
        return np.log1p((np.asarray(values, dtype=float) - low) / (FIRST_STEP * span))
