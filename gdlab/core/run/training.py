"""The training loop: runs that step gradient descent and hand out snapshots.

Two kinds of run share one interface (``step``, ``snapshot``, ``reset``, ``set_learning_rate``,
``set_optimizer``, ``status``):

* :class:`NetworkRun` trains an :class:`~gdlab.core.nn.network.MLP` on a dataset. Each iteration is
  one weight update ``w <- w - lr * dJ/dw``; backpropagation computes ``dJ/dw``.
* :class:`SurfaceRace` moves one or more points (a race of optimisers or learning rates) across
  an analytic cost surface J(w). The K runs are stacked as rows of one (K, d) array and stepped
  together: one batched gradient evaluation per iteration.

History row ``k`` holds the state *after* ``k`` updates: row 0 is the initial weights and their
cost. After each update the cost and the gradient at the new weights are computed at once, so
the gradient on show is always the one the next step will use.

A run ends as ``converged`` (gradient norm or cost change below tolerance), ``max_iterations``,
or ``diverged`` (a non-finite cost or weight, or a cost past ``DIVERGENCE_FACTOR`` times its
start) — reported as data with the iteration and a plain-words reason, never as an exception or
a numpy warning. :func:`train` is the plain generator of snapshots that drives a run (through the
one driver, :mod:`gdlab.core.run.driver`).
"""
from __future__ import annotations

from typing import Iterator

from ..files.experiment import Experiment
from ..params import NETWORK
from .driver import Driver
from .network_run import NetworkRun
from .run_status import *  # noqa: F403  (re-exported: the status words, snapshots and builders importers use from here)
from .run_status import NetworkSnapshot, SurfaceSnapshot
from .surface_race import SurfaceRace


# ---------------------------------------------------------------------------------------------
def make_run(experiment: Experiment) -> NetworkRun | SurfaceRace:
    """The run an experiment describes."""
    return NetworkRun(experiment) if experiment.kind == NETWORK else SurfaceRace(experiment)


def train(run: NetworkRun | SurfaceRace, chunk: int = 1,
          max_iterations: int | None = None) -> Iterator[NetworkSnapshot | SurfaceSnapshot]:
    """The plain generator that drives a run: step ``chunk`` iterations, yield a snapshot.

    Each snapshot carries every history row since the previous one. The first yield is the
    state before any step; the last is the final state (converged, diverged or at the limit).
    """
    if max_iterations is not None:
        run.set_max_iterations(max_iterations)
    since = 0
    snap = run.snapshot(since)
    since = snap.start + len(snap.iterations)
    yield snap
    for _ in Driver(run).chunks(chunk=chunk):
        snap = run.snapshot(since)
        since = snap.start + len(snap.iterations)
        yield snap
