"""The bounded history: recent rows exact, older rows bounded by their bucket's min and max."""
import numpy as np
import pytest

from gdlab.core.run.decimate import DecimatedSeries


def feed(series, x, Y, chunks):
    for part in np.array_split(np.arange(len(x)), chunks):
        series.extend(x[part], Y[part])


@pytest.mark.parametrize("chunks", [1, 7, 500])
def test_short_runs_are_kept_exactly(chunks):
    s = DecimatedSeries(2, recent=100, buckets=10)
    x = np.arange(80.0)
    Y = np.column_stack([np.sin(x), np.cos(x)])
    feed(s, x, Y, chunks)
    gx, gY = s.arrays()
    np.testing.assert_array_equal(gx, x)
    np.testing.assert_array_equal(gY, Y)


@pytest.mark.parametrize("chunks", [1, 13, 1000])
def test_long_runs_stay_bounded_and_every_row_is_inside_its_bucket(chunks):
    rng = np.random.default_rng(0)
    n, recent, buckets = 100_000, 64, 32
    x = np.arange(float(n))
    Y = np.cumsum(rng.normal(size=(n, 3)), axis=0)
    Y[54_321, 1] = 1e9                      # a spike must survive decimation
    s = DecimatedSeries(3, recent=recent, buckets=buckets)
    feed(s, x, Y, chunks)
    gx, gY = s.arrays()
    assert len(s) == n and s.last_x == n - 1
    assert len(gx) <= 2 * buckets + 2 + recent
    np.testing.assert_array_equal(gx[-recent:], x[-recent:])        # recent rows exact
    np.testing.assert_array_equal(gY[-recent:], Y[-recent:])
    assert gY[:, 1].max() == 1e9
    assert np.all(np.diff(gx) >= 0) and gx[0] == 0
    # every bucket (pairs of points before the recent rows) bounds the rows it covers: its
    # minimum and maximum, the maximum first where the column fell from its first row to its last
    body = len(gx) - recent
    for b in range(0, body, 2):
        lo, hi = int(gx[b]), int(gx[b + 1])
        rows = Y[lo:hi + 1]
        fell = rows[0] > rows[-1]
        np.testing.assert_array_equal(gY[b], np.where(fell, rows.max(axis=0), rows.min(axis=0)))
        np.testing.assert_array_equal(gY[b + 1], np.where(fell, rows.min(axis=0), rows.max(axis=0)))
    # the buckets tile the old rows without gaps or overlaps
    firsts, lasts = gx[0:body:2], gx[1:body:2]
    np.testing.assert_array_equal(firsts[1:], lasts[:-1] + 1)
    assert lasts[-1] + 1 == gx[body]


@pytest.mark.parametrize("chunks", [1, 9, 3000])
def test_a_falling_curve_is_drawn_falling(chunks):
    """A cost that only falls: every drawn point lies on the curve and the drawn line never rises
    (drawing each bucket as (first x, min), (last x, max) would turn it into a saw)."""
    x = np.arange(3000.0)
    Y = np.column_stack([np.exp(-x / 500), -np.exp(-x / 500)])  # one column falls, the other rises
    s = DecimatedSeries(2, recent=50, buckets=40)
    feed(s, x, Y, chunks)
    gx, gY = s.arrays()
    assert len(gx) < len(x) / 10
    assert np.all(np.diff(gY[:, 0]) <= 0) and np.all(np.diff(gY[:, 1]) >= 0)
    np.testing.assert_array_equal(gY[:, 0], np.exp(-gx / 500))


def test_nan_is_ignored_and_inf_kept():
    s = DecimatedSeries(1, recent=2, buckets=4)
    Y = np.array([[1.0], [np.nan], [3.0], [np.inf], [0.5], [2.0], [1.0], [1.0]])
    s.extend(np.arange(8.0), Y)
    _, gY = s.arrays()
    assert np.isinf(gY).any() and not np.isnan(gY[:-2]).any()


def test_memory_does_not_grow_with_the_run():
    s = DecimatedSeries(20, recent=512, buckets=512)
    before = s.nbytes
    for k in range(200):
        s.extend(np.arange(k * 5000, (k + 1) * 5000, dtype=float), np.ones((5000, 20)))
    assert s.nbytes == before and len(s) == 1_000_000
    assert len(s.arrays()[0]) <= 2 * 512 + 2 + 512
