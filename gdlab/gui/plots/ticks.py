"""Axes: tick labels that never run into each other on a logarithmic axis, and titles laid out only when changed.

pyqtgraph labels every 2…9 × 10ᵏ of a log axis when it has a decade or two to show, so a
200-pixel axis over 0.001 … 2 writes "0.003 0.0040.0050.006…". Here a log axis labels as many of
the decades (or of 1, 2, 5 × 10ᵏ when there is room) as fit at one label's width or height apart.
"""
from __future__ import annotations

import math
import types

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics

GAP_PX = 10  # at least this much space between two labels


def readable_log_ticks(axis: pg.AxisItem) -> None:
    """Make ``axis`` thin its labels whenever it is in log mode (linear mode is left as it is)."""
    axis.tickValues = types.MethodType(_tick_values, axis)


def _tick_values(axis: pg.AxisItem, min_value: float, max_value: float, size: float):
    if not axis.logMode:
        return pg.AxisItem.tickValues(axis, min_value, max_value, size)
    lo, hi = sorted((float(min_value), float(max_value)))
    metrics = QFontMetrics(axis.style.get("tickFont") or QFont())
    vertical = axis.orientation in ("left", "right")
    room = metrics.height() + GAP_PX if vertical else metrics.horizontalAdvance("0.0005") + GAP_PX
    fits = max(2, int(size // room))
    decades = list(range(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1))
    within = [v for k in range(math.floor(lo), math.ceil(hi) + 1) for v in
              (k, k + math.log10(2), k + math.log10(5)) if lo - 1e-9 <= v <= hi + 1e-9]
    if 2 <= len(within) <= fits:
        values = within
    elif decades:
        step = math.ceil(len(decades) / fits)
        values = [k for k in decades if k % step == 0] or decades[:1]
    else:  # less than a decade: the ends' 1, 2, 5 ticks, or the two ends
        values = within[:fits] or [lo, hi]
    return [(1.0, list(np.round(values, 12)))]


def quiet_label(axis: pg.AxisItem) -> None:
    """The axis re-parses its title's rich text only when it changed (pyqtgraph did on every pen,
    style or label call: a tenth of building a window)."""
    axis._updateLabel = types.MethodType(_update_label, axis)


def _update_label(axis: pg.AxisItem) -> None:
    html = axis.labelString()
    if html != getattr(axis, "_label_html", None):
        axis.label.setHtml(html)
        axis._label_html = html
    axis._adjustSize()
    axis.picture = None
    axis.update()
