"""Growable column storage for a run's history (one row per iteration).

Rows are appended in the hot loop, so columns are preallocated numpy arrays; ``view(name, start)``
reads without copying and ``copy(name, start)`` hands out copies that later appends can never
change.

A long run must not fill the memory: with ``keep=R`` at most about 2R rows stay in memory and
older rows move, R at a time, to temporary files on disk (one per column, raw float64), from
which :meth:`view` reads them back. Nothing is dropped: every row can still be read, exported
and written by ``gdlab run``; only the recent rows (what a live display asks for) are served from
memory. Without ``keep`` the arrays simply double when full.

Row indices given to and returned by :meth:`view`, :meth:`copy`, :meth:`truncate` and ``len`` are
absolute (0 = the first row ever). :meth:`next_row` returns the *local* index of the new row in
the arrays :meth:`column` returns, which is what the hot loop writes into.
"""
from __future__ import annotations

import tempfile
import weakref
from typing import BinaryIO, Sequence

import numpy as np


class History:
    """Columns of equal length; each column has a fixed trailing shape (``()`` for scalars)."""

    def __init__(self, columns: dict[str, tuple[int, ...]], capacity: int = 1024, keep: int | None = None):
        if keep is not None and keep < 2:
            raise ValueError("keep must be at least 2 rows")
        self._shapes = dict(columns)
        self.keep = keep
        capacity = 2 * keep if keep is not None else capacity
        self._data = {name: np.full((capacity, *shape), np.nan) for name, shape in columns.items()}
        self._len = 0          # rows in all
        self._offset = 0       # absolute index of the first row still in memory
        self._files: dict[str, BinaryIO] = {}
        # close (and so delete) the files when the history goes, without a ResourceWarning
        self._finalizer = weakref.finalize(self, _close_files, self._files)

    def __len__(self) -> int:
        return self._len

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self._shapes)

    @property
    def offset(self) -> int:
        """Rows before this absolute index live on disk."""
        return self._offset

    @property
    def nbytes(self) -> int:
        """Bytes held in memory (the spilled rows are on disk)."""
        return sum(a.nbytes for a in self._data.values())

    def _capacity(self) -> int:
        return len(next(iter(self._data.values())))

    # -- appending ------------------------------------------------------------------------------
    def next_row(self) -> int:
        """Claim the next row (growing or spilling if needed); returns its local index into
        :meth:`column`'s arrays, which the caller then fills."""
        local = self._len - self._offset
        if local == self._capacity():
            if self.keep is not None:
                self._spill(self.keep)
                local -= self.keep
            else:
                self._grow(2 * local)
        self._len += 1
        return local

    def _grow(self, capacity: int) -> None:
        n = self._len - self._offset
        for name, arr in self._data.items():
            grown = np.full((capacity, *self._shapes[name]), np.nan)
            grown[:n] = arr[:n]
            self._data[name] = grown

    def _spill(self, rows: int) -> None:
        """Move the oldest ``rows`` rows in memory to the end of the column files."""
        n = self._len - self._offset
        for name, arr in self._data.items():
            handle = self._files.get(name)
            if handle is None:
                handle = self._files[name] = tempfile.TemporaryFile(prefix=f"gdlab-history-{name}-")
            handle.seek(0, 2)
            handle.write(np.ascontiguousarray(arr[:rows]).tobytes())
            arr[:n - rows] = arr[rows:n]
            arr[n - rows:] = np.nan
        self._offset += rows

    def extend(self, rows: dict[str, np.ndarray]) -> None:
        """Append m rows at once: ``rows`` maps every column to an array of m rows."""
        m = len(next(iter(rows.values()))) if rows else 0
        if m == 0:
            return
        if set(rows) != set(self._shapes):
            raise ValueError(f"extend needs every column: {', '.join(self._shapes)}")
        values = {name: np.asarray(v, dtype=float).reshape(m, *self._shapes[name]) for name, v in rows.items()}
        done = 0
        while done < m:
            local = self._len - self._offset
            room = self._capacity() - local
            if room == 0:
                if self.keep is not None:
                    self._spill(self.keep)
                else:
                    self._grow(max(2 * self._capacity(), local + m - done))
                continue
            take = min(room, m - done)
            for name, v in values.items():
                self._data[name][local:local + take] = v[done:done + take]
            self._len += take
            done += take

    # -- reading --------------------------------------------------------------------------------
    def column(self, name: str) -> np.ndarray:
        """The in-memory backing array (including unused capacity), indexed by local row."""
        return self._data[name]

    def view(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Rows ``start:stop`` (absolute) of a column. A view without copying when they are all in
        memory (do not keep it across appends); a new array when some come from disk."""
        stop = self._len if stop is None else max(0, min(stop, self._len))
        start = max(0, min(start, stop))
        if start >= self._offset:
            return self._data[name][start - self._offset:stop - self._offset]
        disk = self._read(name, start, min(stop, self._offset))
        if stop <= self._offset:
            return disk
        return np.concatenate([disk, self._data[name][:stop - self._offset]])

    def _read(self, name: str, start: int, stop: int) -> np.ndarray:
        shape = self._shapes[name]
        row_bytes = 8 * int(np.prod(shape, dtype=np.int64))
        handle = self._files[name]
        handle.seek(start * row_bytes)
        raw = handle.read((stop - start) * row_bytes)
        return np.frombuffer(raw, dtype=np.float64).reshape(stop - start, *shape).copy()

    def copy(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Rows ``start:stop`` as a new array that later appends can never change."""
        part = self.view(name, start, stop)
        return part.copy() if start >= self._offset else part  # rows from disk are already a new array

    # -- changing -------------------------------------------------------------------------------
    def truncate(self, length: int) -> None:
        """Forget rows from ``length`` on (used by reset)."""
        length = max(0, min(length, self._len))
        if length < self._offset:
            # the last rows kept come back from disk into memory; the files are cut where they start
            first = max(0, length - self._capacity() // 2)
            kept = {name: self._read(name, first, length) for name in self._shapes} if length > first else {}
            for name, handle in self._files.items():
                handle.truncate(first * 8 * int(np.prod(self._shapes[name], dtype=np.int64)))
            for name, arr in self._data.items():
                arr[:] = np.nan
                if kept:
                    arr[:length - first] = kept[name]
            self._offset = first
        else:
            self._data_fill_nan(length - self._offset, self._len - self._offset)
        self._len = length

    def _data_fill_nan(self, start: int, stop: int) -> None:
        """NaN in local rows ``start:stop``; the rows past the last one claimed are NaN already
        (a reset of a fresh or short run does not refill the whole capacity)."""
        for arr in self._data.values():
            arr[start:stop] = np.nan

    def replace_column(self, name: str, shape: tuple[int, ...], mapping: Sequence[int | None] = ()) -> None:
        """Give a column a new trailing shape (1-D: a list of sub-columns). ``mapping[c]`` is the old
        sub-column whose history the new sub-column c keeps (on disk too), or None: NaN before now."""
        old_shape = self._shapes[name]
        old = self._data[name]
        new = np.full((len(old), *shape), np.nan)
        for c, source in enumerate(mapping):
            if source is not None:
                new[:, c] = old[:, source]
        if name in self._files:
            spilled = self._read(name, 0, self._offset) if self._offset else np.empty((0, *old_shape))
            moved = np.full((len(spilled), *shape), np.nan)
            for c, source in enumerate(mapping):
                if source is not None:
                    moved[:, c] = spilled[:, source]
            handle = self._files[name]
            handle.seek(0)
            handle.truncate(0)
            handle.write(moved.tobytes())
        self._shapes[name] = shape
        self._data[name] = new

    def close(self) -> None:
        """Delete the temporary files (they also go when the history is garbage-collected)."""
        _close_files(self._files)


def _close_files(files: dict) -> None:
    for handle in files.values():
        handle.close()
    files.clear()
