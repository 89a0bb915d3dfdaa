"""Input features: expansions of the raw inputs, as TensorFlow Playground offers them.

For inputs x = (x_1, …, x_d) the available groups are

* ``x``        x_i                 (the raw inputs)
* ``square``   x_i²
* ``product``  x_i·x_j for i < j   (none when d = 1)
* ``sin``      sin x_i

Columns always come in that order (raw, squares, products, sines) whatever order the
features are listed in, so a network's first layer means the same thing from run to run.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

FEATURE_NAMES: tuple[str, ...] = ("x", "square", "product", "sin")


def _check(features: Iterable[str]) -> set[str]:
    if isinstance(features, str):
        features = [features]  # a single name
    chosen = list(features)
    if not chosen:
        raise ValueError(f"choose at least one feature out of {', '.join(FEATURE_NAMES)}")
    unknown = [f for f in chosen if f not in FEATURE_NAMES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; choose from {', '.join(FEATURE_NAMES)}")
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"a feature is listed twice: {chosen}")
    return set(chosen)


def _pairs(d: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(d) for j in range(i + 1, d)]


def num_features(d: int, features: Sequence[str]) -> int:
    """How many columns :func:`expand_features` makes from d inputs (at least one, or ValueError)."""
    chosen = _check(features)
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
        raise ValueError(f"the number of inputs d must be an integer ≥ 1, got {d!r}")
    sizes = {"x": d, "square": d, "product": d * (d - 1) // 2, "sin": d}
    count = sum(sizes[f] for f in FEATURE_NAMES if f in chosen)
    if count == 0:
        raise ValueError("product needs at least two inputs; with one input choose x, square or sin too")
    return count


def expand_features(X: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """The feature matrix for inputs X of shape (n, d): columns x_i, x_i², x_i·x_j (i < j), sin x_i
    for the chosen groups, in that order. A new float64 array."""
    chosen = _check(features)
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must have shape (n, d), got {X.shape}")
    n, d = X.shape
    out = np.empty((n, num_features(d, list(chosen))))
    c = 0
    if "x" in chosen:
        out[:, c:c + d] = X                                   # x_i
        c += d
    with np.errstate(over="ignore"):  # |x| > 1e154: the square is inf, and a run on it diverges and says so
        if "square" in chosen:
            np.multiply(X, X, out=out[:, c:c + d])            # x_i²
            c += d
        if "product" in chosen:
            for i, j in _pairs(d):
                np.multiply(X[:, i], X[:, j], out=out[:, c])  # x_i·x_j
                c += 1
    if "sin" in chosen:
        np.sin(X, out=out[:, c:c + d])                        # sin x_i
        c += d
    return out


def feature_labels(d: int, features: Sequence[str]) -> list[str]:
    """Column names matching :func:`expand_features`, e.g. ["x1", "x2", "x1²", "x2²", "x1·x2", "sin x1", "sin x2"]."""
    chosen = _check(features)
    num_features(d, features)  # validates d and the choice
    labels: list[str] = []
    if "x" in chosen:
        labels += [f"x{i + 1}" for i in range(d)]
    if "square" in chosen:
        labels += [f"x{i + 1}²" for i in range(d)]
    if "product" in chosen:
        labels += [f"x{i + 1}·x{j + 1}" for i, j in _pairs(d)]
    if "sin" in chosen:
        labels += [f"sin x{i + 1}" for i in range(d)]
    return labels
