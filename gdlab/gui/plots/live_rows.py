"""The rows a live plot keeps: a plot's history (a :class:`~gdlab.core.run.decimate.DecimatedSeries`),
the :class:`~gdlab.gui.plots.base.Bounds` of its values and a dirty flag, filled as frames arrive
and drawn on the next refresh (the window's 30 Hz append → dirty → refresh pattern).

:class:`LiveRows` is a base of the cost, trajectory and metric plots; :func:`set_columns` draws
one curve per column.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

__all__ = ["LiveRows", "set_columns"]


class LiveRows:
    """Storing rows and drawing them on :meth:`refresh`; the plot sets ``_history`` (None until it
    is configured), ``_bounds`` and ``_dirty``, and draws in :meth:`_draw_rows`."""

    _history: Any
    _bounds: Any
    _dirty: bool

    def _store_rows(self, iterations: np.ndarray, values: np.ndarray) -> None:
        """Append rows to the history, widen the bounds and mark the plot for the next refresh."""
        self._history.extend(iterations, values)
        self._bounds.update(values)
        self._dirty = True

    def refresh(self) -> None:
        """Draw the rows (:meth:`_draw_rows`) if new ones came since the last refresh."""
        rows = self._take_rows()
        if rows is not None:
            self._draw_rows(*rows)

    def _draw_rows(self, x: np.ndarray, y: np.ndarray) -> None:
        """Draw the whole history: ``x`` the iterations, ``y`` one column per series."""
        raise NotImplementedError

    def _take_rows(self) -> tuple[np.ndarray, np.ndarray] | None:
        """(iterations, values) to draw, or None when nothing changed since the last refresh (or
        there is no history yet); clears the dirty flag."""
        if not self._dirty or self._history is None:
            return None
        self._dirty = False
        return self._history.arrays()


def set_columns(curves: Sequence[Any], x: np.ndarray, y: np.ndarray) -> None:
    """Curve ``k`` shows column ``k`` of ``y`` against ``x``; an all-NaN column empties its curve."""
    for k, curve in enumerate(curves):
        column = y[:, k]
        if np.isnan(column).all():
            curve.setData([], [])  # e.g. no test set
        else:
            curve.setData(x, column, connect="finite")
