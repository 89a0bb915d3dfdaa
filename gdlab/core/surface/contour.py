"""Contour lines of a function sampled on a grid (marching squares), vectorised with numpy.

``isoline(xs, ys, Z, level)`` returns the line segments where Z crosses ``level`` as an array of
shape (m, 2, 2): segment k runs from (x, y) = seg[k, 0] to seg[k, 1]. A plot draws them as
disconnected pairs. Z has shape (len(ys), len(xs)) (rows are y), the layout of ``np.meshgrid``.

Each grid cell's four corners are classified as above/below the level (16 cases); the crossing
on an edge from corner a to corner b sits at a + t (b − a) with t = (level − Z_a) / (Z_b − Z_a)
(linear interpolation). The two ambiguous saddle cases are resolved by the cell's mean value.
"""
from __future__ import annotations

import numpy as np

# Edges of a cell by their corners, corners numbered 0 = (i, j), 1 = (i, j+1), 2 = (i+1, j+1), 3 = (i+1, j)
# (i is the row, i.e. y; j the column, i.e. x). Edge e joins corners _EDGES[e].
_EDGES = ((0, 1), (1, 2), (2, 3), (3, 0))
# For each case (bit k set when corner k is above the level): the pairs of edges joined by a segment.
_CASES: dict[int, tuple[tuple[int, int], ...]] = {
    0: (), 15: (),
    1: ((3, 0),), 14: ((3, 0),),
    2: ((0, 1),), 13: ((0, 1),),
    4: ((1, 2),), 11: ((1, 2),),
    8: ((2, 3),), 7: ((2, 3),),
    3: ((3, 1),), 12: ((3, 1),),
    6: ((0, 2),), 9: ((0, 2),),
    5: ((3, 0), (1, 2)),   # saddle, corners 0 and 2 above; mean above joins them instead (see below)
    10: ((0, 1), (2, 3)),  # saddle, corners 1 and 3 above
}


def isoline(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray, level: float) -> np.ndarray:
    """Segments (m, 2, 2) of the contour Z = level; cells with a non-finite corner are skipped."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    Z = np.asarray(Z, dtype=float)
    if Z.shape != (len(ys), len(xs)):
        raise ValueError(f"Z must have shape (len(ys), len(xs)) = ({len(ys)}, {len(xs)}), got {Z.shape}")
    if Z.shape[0] < 2 or Z.shape[1] < 2:
        return np.empty((0, 2, 2))
    corners = np.stack([Z[:-1, :-1], Z[:-1, 1:], Z[1:, 1:], Z[1:, :-1]])          # (4, ny−1, nx−1)
    cx = np.stack([xs[None, :-1], xs[None, 1:], xs[None, 1:], xs[None, :-1]])    # corner x
    cy = np.stack([ys[:-1, None], ys[:-1, None], ys[1:, None], ys[1:, None]])    # corner y
    cx = np.broadcast_to(cx, corners.shape)
    cy = np.broadcast_to(cy, corners.shape)
    finite = np.isfinite(corners).all(axis=0)
    above = corners > level
    case = (above[0] * 1 + above[1] * 2 + above[2] * 4 + above[3] * 8) * finite
    centre_above = corners.mean(axis=0) > level
    out = []
    for code, pairs in _CASES.items():
        if not pairs:
            continue
        cells = np.nonzero(case == code)
        if not len(cells[0]):
            continue
        if code in (5, 10):
            # saddle: if the centre is on the side of the two "above" corners, they are joined,
            # which swaps which edges pair up
            flip = centre_above[cells]
            alt = ((0, 1), (2, 3)) if code == 5 else ((3, 0), (1, 2))
            for sel, use in ((~flip, pairs), (flip, alt)):
                sub = tuple(c[sel] for c in cells)
                if len(sub[0]):
                    out.extend(_segments(sub, use, corners, cx, cy, level))
        else:
            out.extend(_segments(cells, pairs, corners, cx, cy, level))
    return np.concatenate(out) if out else np.empty((0, 2, 2))


def _segments(cells: tuple[np.ndarray, ...], pairs: tuple[tuple[int, int], ...], corners: np.ndarray,
              cx: np.ndarray, cy: np.ndarray, level: float) -> list[np.ndarray]:
    segs = []
    for e1, e2 in pairs:
        p1 = _crossing(cells, e1, corners, cx, cy, level)
        p2 = _crossing(cells, e2, corners, cx, cy, level)
        segs.append(np.stack([p1, p2], axis=1))
    return segs


def _crossing(cells: tuple[np.ndarray, ...], edge: int, corners: np.ndarray, cx: np.ndarray, cy: np.ndarray,
              level: float) -> np.ndarray:
    a, b = _EDGES[edge]
    za, zb = corners[a][cells], corners[b][cells]
    t = (level - za) / (zb - za)                       # where the linear interpolation reaches the level
    x = cx[a][cells] + t * (cx[b][cells] - cx[a][cells])
    y = cy[a][cells] + t * (cy[b][cells] - cy[a][cells])
    return np.stack([x, y], axis=1)
