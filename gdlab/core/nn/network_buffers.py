"""The arrays behind :class:`~gdlab.core.nn.network.MLP`: the per-layer parameter arrays that copy
assignments into themselves (so an optimiser's views stay linked), the work arrays kept for one
batch size (layers stored as (neurons, samples)), and Σ y·z without copying the targets.

The layout and why it is fast are described in :mod:`gdlab.core.nn.network`.
"""
from __future__ import annotations

from typing import Any, NoReturn, Sequence, SupportsIndex

import numpy as np

__all__ = ["Buffers", "LinkedArrays", "inner"]


class LinkedArrays(list[np.ndarray]):
    """The network's own arrays, one per layer. Assigning an item copies the values *into* the
    existing array (``net.weights[0] = [[1.0, 2.0]]`` works), so every view of it (the
    optimiser's ``params``) stays linked. The number of layers is fixed."""

    def __setitem__(self, index: SupportsIndex | slice, value: Any) -> None:
        if isinstance(index, slice):
            targets, values = list.__getitem__(self, index), list(value)
            if len(values) != len(targets):
                raise ValueError(f"expected {len(targets)} arrays, got {len(values)}")
        else:
            targets, values = [list.__getitem__(self, index)], [value]
        for target, v in zip(targets, values):
            v = np.asarray(v, dtype=np.float64)
            if v.shape != target.shape:
                raise ValueError(f"expected an array of shape {target.shape}, got {v.shape}")
            np.copyto(target, v)

    def _fixed(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("the layers of a network are fixed; build a new MLP for another shape")

    append = extend = insert = pop = remove = clear = sort = reverse = _fixed
    __delitem__ = __iadd__ = __imul__ = _fixed


class Buffers:
    """Work arrays for one batch size n, layers stored as (neurons, n)."""

    def __init__(self, sizes: Sequence[int], n: int, backward: bool):
        L = len(sizes) - 1
        # inputs of each layer with a last row of ones (for the bias): (fan_in + 1, n)
        self.inputs = [np.empty((sizes[l] + 1, n)) for l in range(L)]
        for x in self.inputs:
            x[-1] = 1.0
        self.z = [np.empty((sizes[l + 1], n)) for l in range(L)]
        self.out = np.empty((sizes[-1], n))
        # where layer l writes a_l: the next layer's input rows, or the output
        self.a = [x[:-1] for x in self.inputs[1:]] + [self.out]
        self.zs = [z.T for z in self.z]
        self.activation_views = [a.T for a in self.a]
        self.work = [np.empty_like(z) for z in self.z]
        self.scratch = np.empty_like(self.out)
        if backward:
            self.delta = [np.empty_like(z) for z in self.z]
            self.deltas = [d.T for d in self.delta]


def inner(Y: np.ndarray, zT: np.ndarray, scratch: np.ndarray) -> float:
    """Σ y·z for targets Y (n, k) and a layer zT stored as (k, n), without copying Y."""
    YT = Y.T
    if YT.flags.c_contiguous:  # one output: a plain dot product
        return float(np.vdot(YT, zT))
    np.multiply(YT, zT, out=scratch)
    return float(scratch.sum())
