"""The tape: a network's weights before each of its recent steps, and checkpoints further back.

It keeps the last ``recent`` iterations exactly, in a ring of preallocated arrays that *is* the
run's "weights before this step" buffer (so recording costs nothing extra), and a checkpoint
every s iterations further back; when there are more than ``archive`` checkpoints, every other
one goes and s doubles. Both sizes come from a memory budget, so a big network keeps fewer
iterations. :mod:`gdlab.core.run.timeline` attaches a tape to a run and rewinds and forks with it.
"""
from __future__ import annotations

import numpy as np

DEFAULT_BUDGET_BYTES = 24_000_000
MAX_RECENT, MAX_ARCHIVE = 5_000, 2_000


class WeightTape:
    """The weights [W_l; b_l] of a network before each step (see the module docstring)."""

    def __init__(self, blocks: list[np.ndarray], budget_bytes: int = DEFAULT_BUDGET_BYTES):
        per = sum(b.nbytes for b in blocks)
        slots = max(4, budget_bytes // max(per, 1))
        self.recent = int(min(MAX_RECENT, max(2, slots * 3 // 4)))
        self.archive_size = int(min(MAX_ARCHIVE, max(2, slots - self.recent)))
        self._ring = [np.empty((self.recent, *b.shape)) for b in blocks]
        self._ring_iter = np.full(self.recent, -1, dtype=np.int64)
        self._archive: list[tuple[int, list[np.ndarray]]] = []
        self.stride = 1

    @property
    def nbytes(self) -> int:
        return sum(r.nbytes for r in self._ring) + sum(sum(b.nbytes for b in blocks) for _, blocks in self._archive)

    def slot(self, iteration: int) -> list[np.ndarray]:
        """The buffers to write the weights of ``iteration`` into (before its step). The slot's
        previous content, ``recent`` iterations old, becomes a checkpoint if it falls on the stride."""
        k = iteration % self.recent
        old = int(self._ring_iter[k])
        if old >= 0 and old != iteration and old % self.stride == 0:
            self._keep(old, [r[k].copy() for r in self._ring])
        self._ring_iter[k] = iteration
        return [r[k] for r in self._ring]

    def _keep(self, iteration: int, blocks: list[np.ndarray]) -> None:
        if self._archive and self._archive[-1][0] >= iteration:
            return
        self._archive.append((iteration, blocks))
        if len(self._archive) > self.archive_size:
            self.stride *= 2
            self._archive = [(it, b) for it, b in self._archive if it % self.stride == 0]

    def weights_at(self, iteration: int) -> tuple[int, list[np.ndarray]] | None:
        """(the iteration found, copies of its blocks): exactly ``iteration`` if recorded, else the
        latest earlier checkpoint; None if nothing that early is kept."""
        k = iteration % self.recent
        if self._ring_iter[k] == iteration:
            return iteration, [r[k].copy() for r in self._ring]
        best = None
        for it, blocks in self._archive:
            if it <= iteration:
                best = (it, [b.copy() for b in blocks])
        ring_its = self._ring_iter[(self._ring_iter >= 0) & (self._ring_iter <= iteration)]
        if ring_its.size and (best is None or ring_its.max() > best[0]):
            it = int(ring_its.max())
            j = it % self.recent
            best = (it, [r[j].copy() for r in self._ring])
        return best

    def forget_after(self, iteration: int) -> None:
        """Drop everything recorded after ``iteration`` (a rewind starts a new branch there)."""
        self._ring_iter[self._ring_iter > iteration] = -1
        self._archive = [(it, b) for it, b in self._archive if it <= iteration]

    def is_exact(self, iteration: int) -> bool:
        return bool(self._ring_iter[iteration % self.recent] == iteration) or any(
            it == iteration for it, _ in self._archive)
