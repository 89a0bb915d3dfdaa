"""Growable column storage for a run's history (one row per iteration).

Rows are appended in the hot loop, so columns are preallocated numpy arrays whose
capacity doubles when full; ``view(name, start)`` reads without copying and
``copy(name, start)`` hands out copies that later appends can never change.
"""
from __future__ import annotations

import numpy as np


class History:
    """Columns of equal length; each column has a fixed trailing shape (``()`` for scalars)."""

    def __init__(self, columns: dict[str, tuple[int, ...]], capacity: int = 1024):
        self._shapes = dict(columns)
        self._data = {name: np.full((capacity, *shape), np.nan) for name, shape in columns.items()}
        self._len = 0

    def __len__(self) -> int:
        return self._len

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self._shapes)

    def next_row(self) -> int:
        """Claim the next row index (growing storage if needed); the caller then fills it."""
        i = self._len
        if i == len(next(iter(self._data.values()))):
            for name, arr in self._data.items():
                grown = np.full((2 * len(arr), *self._shapes[name]), np.nan)
                grown[:i] = arr[:i]
                self._data[name] = grown
        self._len = i + 1
        return i

    def extend(self, rows: dict[str, np.ndarray]) -> None:
        """Append m rows at once: ``rows`` maps every column to an array of m rows."""
        m = len(next(iter(rows.values()))) if rows else 0
        if m == 0:
            return
        if set(rows) != set(self._shapes):
            raise ValueError(f"extend needs every column: {', '.join(self._shapes)}")
        start = self._len
        need = start + m
        capacity = len(next(iter(self._data.values())))
        if need > capacity:
            while capacity < need:
                capacity *= 2
            for name, arr in self._data.items():
                grown = np.full((capacity, *self._shapes[name]), np.nan)
                grown[:start] = arr[:start]
                self._data[name] = grown
        for name, values in rows.items():
            self._data[name][start:need] = np.asarray(values, dtype=float).reshape(m, *self._shapes[name])
        self._len = need

    def column(self, name: str) -> np.ndarray:
        """The whole backing array (including unused capacity); write row ``i`` into it."""
        return self._data[name]

    def view(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Rows ``start:stop`` of a column without copying (do not keep it across appends)."""
        stop = self._len if stop is None else min(stop, self._len)
        return self._data[name][start:stop]

    def copy(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        return self.view(name, start, stop).copy()

    def truncate(self, length: int) -> None:
        """Forget rows from ``length`` on (used by reset)."""
        self._len = max(0, min(length, self._len))
        for arr in self._data.values():
            arr[self._len:] = np.nan

    def replace_column(self, name: str, shape: tuple[int, ...]) -> None:
        """Give a column a new trailing shape; earlier rows become NaN (no data for them)."""
        self._shapes[name] = shape
        self._data[name] = np.full((len(next(iter(self._data.values()))), *shape), np.nan)
