"""A bounded-memory history of a long run: recent rows in full, older rows as min/max buckets.

A run of a million iterations produces a million rows, but a plot a thousand pixels wide can
show only about a thousand of them. :class:`DecimatedSeries` keeps

* the most recent ``recent`` rows exactly as they came, and
* everything older as buckets of s consecutive rows, each stored as (first x, last x, the
  minimum and the maximum of every column over the bucket, and its first and last value, which
  say whether the column fell or rose across the bucket). When there are more than
  ``buckets`` of them, neighbours merge in pairs (min of the minima, max of the maxima) and s
  doubles.

Nothing is dropped: every row is inside a bucket whose minimum and maximum bound it, so peaks
and divergence spikes stay visible (this is the "peak" downsampling that plotting libraries
use, done once as the data arrive instead of at every redraw). Memory and the work of drawing
stay bounded by about 2·buckets + recent rows, however long the run. NaN is ignored by the
minima and maxima (``np.fmin``/``np.fmax``); ±inf is kept.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


class DecimatedSeries:
    """Rows (x, y_1 … y_width) appended in order of increasing x."""

    def __init__(self, width: int, recent: int = 2048, buckets: int = 2048):
        if width < 0 or recent < 1 or buckets < 2:
            raise ValueError("width ≥ 0, recent ≥ 1 and buckets ≥ 2 are needed")
        self.width, self.recent, self.max_buckets = int(width), int(recent), int(buckets)
        self.bucket_size = 1                      # s: rows per newly formed bucket
        cap = 2 * recent + 2
        self._rx = np.empty(cap)
        self._ry = np.empty((cap, self.width))
        self._nr = 0
        bcap = buckets + 2
        self._bx = np.empty((bcap, 2))            # first and last x of each bucket
        self._bmin = np.empty((bcap, self.width))
        self._bmax = np.empty((bcap, self.width))
        self._bfirst = np.empty((bcap, self.width))  # each column's first and last value in the bucket
        self._blast = np.empty((bcap, self.width))
        self._nb = 0
        self._px = np.empty(2)                    # the bucket being filled: first/last x, min, max
        self._pmin = np.empty(self.width)
        self._pmax = np.empty(self.width)
        self._pfirst = np.empty(self.width)
        self._plast = np.empty(self.width)
        self._pn = 0                              # rows in it so far
        self.count = 0                            # rows appended in all

    def __len__(self) -> int:
        return self.count

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self._rx, self._ry, self._bx, self._bmin, self._bmax, self._bfirst,
                                      self._blast, self._pmin, self._pmax, self._pfirst, self._plast))

    def extend(self, x: ArrayLike, Y: ArrayLike) -> None:
        """Append m rows: x of shape (m,), Y of shape (m, width)."""
        x = np.asarray(x, dtype=float).reshape(-1)
        Y = np.asarray(Y, dtype=float).reshape(len(x), self.width)
        while len(x):
            room = len(self._rx) - self._nr
            take = min(room, len(x))
            self._rx[self._nr:self._nr + take] = x[:take]
            self._ry[self._nr:self._nr + take] = Y[:take]
            self._nr += take
            self.count += take
            x, Y = x[take:], Y[take:]
            self._compact()

    def _compact(self) -> None:
        """Fold the rows beyond the newest ``recent`` into buckets (the oldest first)."""
        excess = self._nr - self.recent
        if excess <= 0:
            return
        self._fold(self._rx[:excess], self._ry[:excess])
        rest = self._nr - excess
        self._rx[:rest] = self._rx[excess:self._nr]
        self._ry[:rest] = self._ry[excess:self._nr]
        self._nr = rest

    def _fold(self, xs: np.ndarray, ys: np.ndarray) -> None:
        """Rows leaving the recent window: whole buckets at once, the rest into the pending bucket."""
        i, n = 0, len(xs)
        while i < n:
            s = self.bucket_size
            if self._pn == 0 and n - i >= s:
                k = (n - i) // s
                block = ys[i:i + k * s].reshape(k, s, self.width)
                bx = xs[i:i + k * s].reshape(k, s)
                self._append_buckets(np.column_stack([bx[:, 0], bx[:, -1]]), np.fmin.reduce(block, axis=1),
                                     np.fmax.reduce(block, axis=1), block[:, 0], block[:, -1])
                i += k * s
                continue
            take = min(s - self._pn, n - i)
            part = ys[i:i + take]
            if self._pn == 0:
                self._px[0] = xs[i]
                self._pmin[:] = np.fmin.reduce(part, axis=0)
                self._pmax[:] = np.fmax.reduce(part, axis=0)
                self._pfirst[:] = part[0]
            else:
                np.fmin(self._pmin, np.fmin.reduce(part, axis=0), out=self._pmin)
                np.fmax(self._pmax, np.fmax.reduce(part, axis=0), out=self._pmax)
            self._px[1] = xs[i + take - 1]
            self._plast[:] = part[-1]
            self._pn += take
            i += take
            if self._pn >= self.bucket_size:
                self._append_buckets(self._px[None].copy(), self._pmin[None].copy(), self._pmax[None].copy(),
                                     self._pfirst[None].copy(), self._plast[None].copy())
                self._pn = 0

    def _append_buckets(self, bx: np.ndarray, bmin: np.ndarray, bmax: np.ndarray, bfirst: np.ndarray,
                        blast: np.ndarray) -> None:
        step = max(1, self.max_buckets // 2)
        for start in range(0, len(bx), step):
            part = slice(start, start + step)
            m = len(bx[part])
            while self._nb + m > len(self._bx):
                self._merge()
            self._bx[self._nb:self._nb + m] = bx[part]
            self._bmin[self._nb:self._nb + m] = bmin[part]
            self._bmax[self._nb:self._nb + m] = bmax[part]
            self._bfirst[self._nb:self._nb + m] = bfirst[part]
            self._blast[self._nb:self._nb + m] = blast[part]
            self._nb += m
            if self._nb > self.max_buckets:
                self._merge()

    def _merge(self) -> None:
        """Halve the number of buckets: neighbours combine; new buckets will be twice as large."""
        pairs = self._nb // 2
        odd = self._nb % 2
        a, b = slice(0, 2 * pairs, 2), slice(1, 2 * pairs, 2)
        bx = np.column_stack([self._bx[a, 0], self._bx[b, 1]])
        bmin = np.fmin(self._bmin[a], self._bmin[b])
        bmax = np.fmax(self._bmax[a], self._bmax[b])
        bfirst, blast = self._bfirst[a], self._blast[b]
        if odd:
            last = slice(self._nb - 1, self._nb)
            bx = np.vstack([bx, self._bx[last]])
            bmin, bmax = np.vstack([bmin, self._bmin[last]]), np.vstack([bmax, self._bmax[last]])
            bfirst, blast = np.vstack([bfirst, self._bfirst[last]]), np.vstack([blast, self._blast[last]])
        self._nb = len(bx)
        self._bx[:self._nb], self._bmin[:self._nb], self._bmax[:self._nb] = bx, bmin, bmax
        self._bfirst[:self._nb], self._blast[:self._nb] = bfirst, blast
        self.bucket_size *= 2

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, Y) to draw: each bucket as two points, (first x, min) and (last x, max), or
        (first x, max) and (last x, min) where the column fell across the bucket (so a falling
        cost curve is drawn falling, not as a saw), then the recent rows. New arrays, safe to hand
        to a plot."""
        nb, nr, p = self._nb, self._nr, 2 if self._pn else 0
        x = np.empty(2 * nb + p + nr)
        Y = np.empty((2 * nb + p + nr, self.width))
        x[0:2 * nb:2], x[1:2 * nb:2] = self._bx[:nb, 0], self._bx[:nb, 1]
        fell = self._bfirst[:nb] > self._blast[:nb]
        Y[0:2 * nb:2] = np.where(fell, self._bmax[:nb], self._bmin[:nb])
        Y[1:2 * nb:2] = np.where(fell, self._bmin[:nb], self._bmax[:nb])
        if p:
            x[2 * nb:2 * nb + 2] = self._px
            fell = self._pfirst > self._plast
            Y[2 * nb], Y[2 * nb + 1] = np.where(fell, self._pmax, self._pmin), np.where(fell, self._pmin, self._pmax)
        x[2 * nb + p:], Y[2 * nb + p:] = self._rx[:nr], self._ry[:nr]
        return x, Y

    def recent_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows still kept in full (copies)."""
        return self._rx[:self._nr].copy(), self._ry[:self._nr].copy()

    @property
    def last_x(self) -> float:
        if self._nr:
            return float(self._rx[self._nr - 1])
        if self._pn:
            return float(self._px[1])
        return float(self._bx[self._nb - 1, 1]) if self._nb else float("nan")
