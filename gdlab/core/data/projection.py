"""Principal components: a 2-D picture of inputs of more than two features.

For points X (n, d), centred as Xc = X − x̄ (x̄ the mean of the rows), the singular value
decomposition Xc = U·S·Vᵀ (numpy's ``np.linalg.svd``, singular values s₁ ≥ s₂ ≥ …) gives the
principal axes as the rows v₁, v₂, … of Vᵀ: v₁ is the direction along which the points vary most,
v₂ the most of what is left, at right angles to v₁. A point's coordinates in the plane of the first
two axes are

    p = (x − x̄)·[v₁ v₂]          (the projection; P = Xc·V[:, :2] for every row at once)

and axis k holds the share s_k² / Σ s_j² of the variance. An axis's sign is arbitrary in the SVD;
here each is turned so that its largest component (by size) is positive, so the picture does not
flip from one numpy to the next. Points too large for the SVD (an overflow, a non-finite value)
keep their first two coordinates as the axes (shares 0): a picture, never a warning.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Projection:
    """The mean x̄ (d,), the axes (k, d) as rows, and the share of the variance each holds (k,)."""

    mean: np.ndarray
    axes: np.ndarray
    explained: np.ndarray

    def apply(self, X: np.ndarray) -> np.ndarray:
        """p = (x − x̄)·Vₖ for every row of X (n, d): the coordinates (n, k)."""
        with np.errstate(all="ignore"):   # huge points project to huge (or inf) coordinates, as data
            P: np.ndarray = (np.asarray(X, dtype=np.float64) - self.mean) @ self.axes.T
        return P


def principal_components(X: np.ndarray, k: int = 2) -> Projection:
    """The first ``k`` principal axes of the rows of X (n, d) (see the module docstring); axes past
    the rank of X come out as they do from the SVD (their variance share is 0)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or len(X) < 1 or not 1 <= k <= X.shape[1]:
        raise ValueError(f"principal components need points (n, d) with k ≤ d, got {X.shape} and k = {k}")
    with np.errstate(all="ignore"):
        mean = X.mean(axis=0)
        centred = X - mean
        try:
            _, s, vt = np.linalg.svd(centred, full_matrices=False)   # Xc = U·S·Vᵀ
            usable = bool(np.isfinite(s).all() and np.isfinite(vt).all() and np.isfinite(np.sum(s * s)))
        except np.linalg.LinAlgError:
            usable = False
    if not (usable and np.isfinite(mean).all()):
        return Projection(np.where(np.isfinite(mean), mean, 0.0), np.eye(X.shape[1])[:k], np.zeros(k))
    axes = vt[:k].copy()
    signs = np.sign(axes[np.arange(k), np.abs(axes).argmax(axis=1)])
    axes *= np.where(signs == 0, 1.0, signs)[:, None]              # largest component positive
    total = float(np.sum(s * s))
    explained = (s[:k] ** 2) / total if total > 0 else np.zeros(k)  # s_k² / Σ s_j²
    return Projection(mean, axes, explained)
