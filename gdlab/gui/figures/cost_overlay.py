"""Cost overlays: dashed cost curves of earlier runs (:class:`~gdlab.gui.run_records.RunRecord`)
drawn over the live :class:`~gdlab.gui.plots.cost.CostPlot`, one colour each, named in the legend.

    view.overlay_changed.connect(lambda records: overlay_items(cost_plot, records))
"""
from __future__ import annotations

import weakref
from typing import Sequence

import numpy as np
from PySide6.QtCore import Qt

from ..palette import GREEN, PURPLE, SKY, VERMILLION
from ..plots.base import PathCurve, make_curve
from ..plots.cost import CostPlot
from ..run_records import RunRecord

__all__ = ["OVERLAY_COLORS", "CostOverlay", "cost_overlay", "overlay_items"]

# Not blue or orange (the live train and test curves); vermillion late, as it is close to orange.
OVERLAY_COLORS = (GREEN, PURPLE, SKY, VERMILLION, "#7F5F00", "#555555")


# -- cost overlays ------------------------------------------------------------------------------------
class CostOverlay:
    """Dashed cost curves of earlier runs drawn over a :class:`CostPlot` (one colour each, the run's
    name in the legend). :meth:`show` replaces the overlays; :meth:`refresh` redraws them (a run
    still going, a new legend after the plot was configured again, a new theme)."""

    def __init__(self, plot: CostPlot):
        self.plot = plot
        self.records: list[RunRecord] = []
        self.curves: list[PathCurve] = []
        self._legend = None
        self._theme = None
        plot.log_toggled.connect(self._on_log)

    def show(self, records: Sequence[RunRecord]) -> list[PathCurve]:
        self.clear()
        self.records = list(records)
        for k, record in enumerate(self.records):
            curve = make_curve(self._pen(k), record.name)
            curve.setZValue(-5)                 # under the live curves
            self.plot.plot_item.addItem(curve)  # a named curve joins the legend
            self.curves.append(curve)
        self._legend = self.plot.plot_item.legend
        self._theme = self.plot.theme
        self._set_data()
        if self.curves and self._legend is not None:
            self._legend.setVisible(True)
        self._show_all()
        return list(self.curves)

    def clear(self) -> None:
        for curve in self.curves:
            self.plot.plot_item.removeItem(curve)
            if self._legend is not None and self._legend is not self.plot.plot_item.legend:
                self._legend.removeItem(curve)
        self.curves, self.records = [], []

    def refresh(self) -> None:
        legend = self.plot.plot_item.legend
        if legend is not self._legend and legend is not None:    # the plot made a new legend
            for curve, record in zip(self.curves, self.records):
                legend.addItem(curve, record.name)
            if self.curves:
                legend.setVisible(True)
            self._legend = legend
        if self.plot.theme is not self._theme:
            self._theme = self.plot.theme
            for k, curve in enumerate(self.curves):
                curve.setPen(self._pen(k))
        self._set_data()

    def _pen(self, k: int):
        return self.plot.pen(OVERLAY_COLORS[k % len(OVERLAY_COLORS)], 1.0, Qt.PenStyle.DashLine)

    def _set_data(self) -> None:
        for curve, record in zip(self.curves, self.records):
            x, y = record.history
            if self.plot.log_scale:          # the cost axis shows 10^y, as CostPlot draws its own curves
                with np.errstate(divide="ignore", invalid="ignore"):
                    y = np.log10(np.where(y > 0, y, np.nan))
            curve.setData(x, y, connect="finite")

    def _on_log(self, _on: bool) -> None:
        self._set_data()
        self._show_all()

    def _show_all(self) -> None:
        """Widen the view if an overlay reaches past it (the plot's own follow logic narrows it again
        only while a run is going)."""
        if not self.curves:
            return
        xs, ys = [], []
        for curve in self.curves:
            x, y = curve.getData()
            if x is not None and len(x):
                keep = np.isfinite(y)
                xs.append(x[keep])
                ys.append(y[keep])
        if not xs or not sum(len(x) for x in xs):
            return
        x_max = max(float(x.max()) for x in xs if len(x))
        lo = min(float(y.min()) for y in ys if len(y))
        hi = max(float(y.max()) for y in ys if len(y))
        vb = self.plot.plot_item.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        if x_max <= x1 and lo >= y0 and hi <= y1:
            return
        span = max(hi - lo, 1e-12)
        vb.setRange(xRange=(min(x0, 0.0), max(x1, x_max * 1.02)), yRange=(min(y0, lo - 0.05 * span),
                                                                          max(y1, hi + 0.05 * span)), padding=0)


_OVERLAYS: "weakref.WeakKeyDictionary[CostPlot, CostOverlay]" = weakref.WeakKeyDictionary()


def overlay_items(plot: CostPlot, records: Sequence[RunRecord]) -> list[PathCurve]:
    """Overlay these runs' cost curves on ``plot`` (dashed, one colour each, named in the legend),
    replacing the previous overlay; ``[]`` removes it. Returns the curves drawn."""
    overlay = _OVERLAYS.get(plot)
    if overlay is None:
        overlay = _OVERLAYS[plot] = CostOverlay(plot)
    return overlay.show(records)


def cost_overlay(plot: CostPlot) -> CostOverlay | None:
    """The overlay :func:`overlay_items` keeps for ``plot`` (to :meth:`~CostOverlay.refresh` it), if any."""
    return _OVERLAYS.get(plot)
