"""One memory budget for everything whose size an input decides.

    require(nbytes, fields, what)    refuse, with a sentence, before allocating nbytes

A file or a form can ask for a network of 16 layers of 256 on 100,000 samples, a 10000×10000
GIF or a huge image; each value can be in range while their product does not fit in memory.
Every allocation that grows with such inputs asks :func:`require` first, and what does not fit is
refused as a :class:`BudgetError` (an :class:`~gdlab.core.params.ExperimentError`, so it reaches
the user the way a bad value does: the CLI exits 2, the window says so) naming the fields to make
smaller, never as numpy's MemoryError.

The budget is 2 GB, or ``GDLAB_MEMORY_BUDGET`` (``500M``, ``2G``, ``1500000000``).
"""
from __future__ import annotations

import os
import re
from typing import Sequence

from .strict_json import ExperimentError

ENV = "GDLAB_MEMORY_BUDGET"
DEFAULT_BYTES = 2_000_000_000
_UNITS = {"": 1, "K": 10 ** 3, "M": 10 ** 6, "G": 10 ** 9, "T": 10 ** 12}

__all__ = ["BudgetError", "ENV", "limit", "network_bytes", "require"]


class BudgetError(ExperimentError):
    """An operation that would need more memory than the budget; ``field`` names what to shrink."""


def limit() -> int:
    """The budget in bytes: ``GDLAB_MEMORY_BUDGET`` when it reads as a size, else 2 GB."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)B?\s*", os.environ.get(ENV, ""), re.IGNORECASE)
    if not found:
        return DEFAULT_BYTES
    return max(1, int(float(found.group(1)) * _UNITS[found.group(2).upper()]))


def _size(nbytes: float) -> str:
    return f"{nbytes / 1e9:.1f} GB" if nbytes >= 1e9 else f"{nbytes / 1e6:.0f} MB"


def require(nbytes: float, fields: str, what: str, advice: str = "") -> None:
    """Refuse ``what`` (e.g. "training this network") if it needs more than the budget; the message
    ends with ``advice`` (default: make the fields smaller)."""
    budget = limit()
    if nbytes > budget:
        advice = advice or f"make {fields.replace(', ', ' or ')} smaller"
        raise BudgetError(fields, f"{what} would need about {_size(nbytes)} of memory, more than gdlab's budget "
                                  f"of {_size(budget)} ({ENV}); {advice}")


def network_bytes(layer_sizes: Sequence[int], n_train: int, n_test: int) -> float:
    """Memory a network's training takes, as the MLP lays out its work arrays: per training sample
    each layer's inputs (with the bias row) and z for the backward pass and again for the cost,
    and δ; per test sample the inputs and z once; and the parameters with the optimiser's state (×4)."""
    ins = sum(k + 1 for k in layer_sizes[:-1])      # a layer's inputs and the row of ones
    outs = sum(layer_sizes[1:])                     # a layer's z (and δ)
    params = sum((a + 1) * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
    return 8.0 * ((2 * ins + 3 * outs) * n_train + (ins + outs) * n_test + 4 * params)
