"""Marching squares: contour segments lie on the level set."""
import numpy as np
import pytest

from gdlab.core.surface.contour import isoline


def grid(f, n=41, lo=-2.0, hi=2.0):
    xs = np.linspace(lo, hi, n)
    ys = np.linspace(lo, hi + 0.5, n + 3)   # a non-square grid catches swapped axes
    X, Y = np.meshgrid(xs, ys)
    return xs, ys, f(X, Y)


def test_a_linear_function_gives_its_exact_line():
    xs, ys, Z = grid(lambda x, y: x + 2 * y)
    segs = isoline(xs, ys, Z, 1.0)
    assert len(segs) > 10
    pts = segs.reshape(-1, 2)
    np.testing.assert_allclose(pts[:, 0] + 2 * pts[:, 1], 1.0, atol=1e-12)


def test_a_circle_is_closed_and_round():
    xs, ys, Z = grid(lambda x, y: x * x + y * y, n=81)
    segs = isoline(xs, ys, Z, 1.0)
    r = np.hypot(*segs.reshape(-1, 2).T)
    assert np.abs(r - 1).max() < 2e-3                     # linear interpolation error only
    # closed: every endpoint is shared by exactly two segments
    ends = np.round(segs.reshape(-1, 2), 9)
    _, counts = np.unique(ends, axis=0, return_counts=True)
    assert (counts == 2).all()
    assert abs(np.linalg.norm(segs[:, 1] - segs[:, 0], axis=1).sum() - 2 * np.pi) < 1e-2


def test_saddle_cells_and_levels_outside_give_sensible_results():
    xs, ys, Z = grid(lambda x, y: x * y)
    segs = isoline(xs, ys, Z, 0.0001)
    assert len(segs) and np.allclose(np.prod(segs.reshape(-1, 2), axis=1), 0.0001, atol=1e-3)
    assert isoline(xs, ys, Z, 100.0).shape == (0, 2, 2)


def test_non_finite_cells_are_skipped_and_shapes_checked():
    xs, ys, Z = grid(lambda x, y: x)
    Z[:, :5] = np.nan
    segs = isoline(xs, ys, Z, 0.0)
    assert len(segs) and np.isfinite(segs).all()
    with pytest.raises(ValueError, match="shape"):
        isoline(xs, ys, Z.T, 0.0)
