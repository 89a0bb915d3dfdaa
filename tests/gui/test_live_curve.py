"""The live curves (PathCurve): data bounds agree with pyqtgraph's own, including inf, NaN and
empty data; non-finite values leave gaps; and drawing one never calls back into Python (the reason
the class exists: each call from Qt into Python takes the GIL from the training thread)."""
import math
import sys

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

from gdlab.gui.plots.base import PathCurve, make_curve

CASES = {
    "finite": ([0.0, 1.0, 2.0, 3.0], [3.0, -1.0, 2.0, 0.5]),
    "nan gaps": ([0.0, 1.0, 2.0, 3.0], [np.nan, 2.0, np.nan, -4.0]),
    "diverged to inf": ([0.0, 1.0, 2.0], [1.0, 5.0, np.inf]),
    "negative inf": ([0.0, 1.0, 2.0], [-np.inf, 5.0, 1.0]),
    "all nan": ([0.0, 1.0], [np.nan, np.nan]),
    "one point": ([7.0], [2.5]),
}


def _no_bounds(pair) -> bool:
    return all(v is None or math.isnan(v) for v in pair)


@pytest.mark.parametrize("x, y", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("width", [1, 3])
def test_data_bounds_match_pyqtgraph(qtbot, x, y, width):
    pen = pg.mkPen("#0072B2", width=width)
    fast = make_curve(pen)
    fast.setData(x, y)
    reference = pg.PlotCurveItem(x, y, pen=pen, connect="finite")
    for ax in (0, 1):
        got, want = fast.dataBounds(ax), reference.dataBounds(ax)
        assert len(got) == 2
        if _no_bounds(want):
            assert _no_bounds(got), "no finite value: no bounds"
        else:
            assert got == tuple(float(v) for v in want)
    assert fast.pixelPadding() == pytest.approx(reference.pixelPadding())


def test_bounds_follow_new_data_and_empty_data(qtbot):
    curve = make_curve(pg.mkPen("k"))
    assert isinstance(curve, PathCurve) and curve.dataBounds(1) == (None, None)
    curve.setData([0.0, 1.0], [1.0, 2.0])
    assert curve.dataBounds(1) == (1.0, 2.0)
    curve.setData([0.0, 1.0, 2.0], [1.0, 2.0, -3.0])
    assert curve.dataBounds(1) == (-3.0, 2.0)
    rect = curve.boundingRect()
    assert rect.top() <= -3.0 and rect.bottom() >= 2.0


def _render(scene: QGraphicsScene, width: int, height: int) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, width, height), QRectF(0, 0, width, height))
    painter.end()
    return image


def test_non_finite_values_leave_a_gap(qtbot):
    scene = QGraphicsScene()
    curve = make_curve(pg.mkPen("#000000", width=1))
    scene.addItem(curve)
    curve.setData([0, 10, 20, 30, 40], [2, 2, np.nan, 2, 2])
    image = _render(scene, 45, 5)
    dark = [x for x in range(45) if QColor(image.pixel(x, 2)).lightness() < 128]
    assert 5 in dark and 35 in dark, "the finite stretches are drawn"
    assert not any(12 <= x <= 28 for x in dark), "nothing is drawn across the NaN"


def test_drawing_calls_no_python(qtbot):
    """Qt draws the path and asks for its bounds from C++: no Python frame runs while it renders."""
    scene = QGraphicsScene()
    curve = make_curve(pg.mkPen("#D55E00", width=2), "train")
    scene.addItem(curve)
    x = np.arange(500.0)
    curve.setData(x, np.sin(x / 30) * 20 + 25)
    _render(scene, 500, 50)  # the first draw lets Qt find out there are no Python overrides
    curve.setData(x, np.cos(x / 30) * 20 + 25)
    calls = []

    def profile(frame, event, _arg):
        if event == "call":
            calls.append(frame.f_code.co_qualname)

    image = QImage(500, 50, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    sys.setprofile(profile)
    try:
        scene.render(painter, QRectF(0, 0, 500, 50), QRectF(0, 0, 500, 50))
    finally:
        sys.setprofile(None)
        painter.end()
    assert calls == [], f"Python ran while Qt drew the curve: {calls[:5]}"
    assert QColor(image.pixel(0, 45)).red() > 200 and QColor(image.pixel(0, 45)).green() < 150, "it drew"


def test_legend_and_pen_follow_set_pen(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    legend = plot.addLegend()
    curve = make_curve(pg.mkPen("#0072B2", width=2), "train")
    plot.addItem(curve)
    assert [label.text for _, label in legend.items] == ["train"]
    curve.setPen(pg.mkPen("#D55E00", width=1))
    assert curve.opts["pen"].color().name() == "#d55e00" and curve.pen().color().name() == "#d55e00"
