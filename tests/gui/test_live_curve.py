"""The live curves' fast data bounds agree with pyqtgraph's own, including inf, NaN and empty data."""
import math

import numpy as np
import pyqtgraph as pg
import pytest

from gdlab.gui.plots.base import LiveCurve, make_curve

CASES = {
    "finite": ([0.0, 1.0, 2.0, 3.0], [3.0, -1.0, 2.0, 0.5]),
    "nan gaps": ([0.0, 1.0, 2.0, 3.0], [np.nan, 2.0, np.nan, -4.0]),
    "diverged to inf": ([0.0, 1.0, 2.0], [1.0, 5.0, np.inf]),
    "negative inf": ([0.0, 1.0, 2.0], [-np.inf, 5.0, 1.0]),
    "all nan": ([0.0, 1.0], [np.nan, np.nan]),
    "one point": ([7.0], [2.5]),
}


@pytest.mark.parametrize("x, y", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("width", [1, 3])
def test_data_bounds_match_pyqtgraph(qtbot, x, y, width):
    pen = pg.mkPen("#0072B2", width=width)
    fast, reference = LiveCurve(x, y, pen=pen, connect="finite"), pg.PlotCurveItem(x, y, pen=pen, connect="finite")
    for ax in (0, 1):
        got, want = fast.dataBounds(ax), reference.dataBounds(ax)
        assert len(got) == 2
        for g, w in zip(got, want):
            assert (g is None and w is None) or (math.isnan(g) and math.isnan(w)) or g == w


def test_bounds_follow_new_data_and_empty_data(qtbot):
    curve = make_curve(pg.mkPen("k"))
    assert isinstance(curve, LiveCurve) and curve.dataBounds(1) == (None, None)
    curve.setData([0.0, 1.0], [1.0, 2.0])
    assert curve.dataBounds(1) == (1.0, 2.0)
    curve.setData([0.0, 1.0, 2.0], [1.0, 2.0, -3.0])
    assert curve.dataBounds(1) == (-3.0, 2.0)
    rect = curve.boundingRect()
    assert rect.top() <= -3.0 and rect.bottom() >= 2.0
