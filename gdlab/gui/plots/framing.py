"""Views that follow a run: a range grows when a run's point leaves the middle of the view.

Used by the 1-D cost curve and the 2-D cost surface: a diverging run stays in the picture (seen
climbing the walls) instead of leaving it after one step.
"""
from __future__ import annotations

import numpy as np

INNER = 0.9            # a point, tangent or landing outside this middle part of the view grows the view
GROWTH = 1.5           # … by at least this factor
CAP = 1e6              # … up to this many times the surface's own view range; beyond, an edge marker


def grown_range(lo: float, hi: float, values: np.ndarray, limit: float = np.inf) -> tuple[float, float] | None:
    """The range (lo, hi) grown so ``values`` lie in its inner 90 %, at least 1.5 × wider, never past
    ±``limit``; None when they already lie there. A range only grows: a diverging run is seen
    climbing the walls instead of leaving the picture."""
    v = np.clip(values[np.isfinite(values)], -limit, limit)
    v = v[~(((v >= limit) & (hi >= limit)) | ((v <= -limit) & (lo <= -limit)))]  # at the cap already
    margin = (1 - INNER) / 2 * (hi - lo)
    if not v.size or (v.min() >= lo + margin and v.max() <= hi - margin):
        return None
    new_lo, new_hi = min(lo, float(v.min())), max(hi, float(v.max()))
    pad = 0.06 * (new_hi - new_lo)   # so the values end up inside the inner 90 % of the new range
    new_lo, new_hi = new_lo - pad, new_hi + pad
    short = GROWTH * (hi - lo) - (new_hi - new_lo)
    if short > 0:
        new_lo, new_hi = new_lo - short / 2, new_hi + short / 2
    return max(new_lo, -limit), min(new_hi, limit)
