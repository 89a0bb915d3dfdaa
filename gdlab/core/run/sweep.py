"""The learning-rate sweep: the same run at K learning rates, and the final cost against α.

    α_k = α_min · (α_max / α_min)^(k / (K − 1)),   k = 0 … K − 1      (log-spaced)

Every run starts from the same initial weights and takes N steps (or stops earlier, converged or
diverged). On a cost surface the K runs are one :class:`~gdlab.core.run.training.SurfaceRace`, stepped
together as one batched computation; a network is trained K times, one after the other.

Each α is then put in a region from its own trajectory, the picture every lecture on the
learning rate draws:

* ``diverged``   the core stopped the run as diverged (its cost became non-finite or exploded),
                 or it is diverging: it ended with a higher cost than it started with (just past
                 the stability limit the cost grows slowly, and N steps may not be enough for it
                 to explode);
* ``too large``  it oscillates: on a cost surface the weight crosses the minimum back and forth
                 (at least twice) in the last half of the N steps; for a network the training cost
                 rises between two of ``CHECKPOINTS`` checkpoints by more than ``RISE_TOLERANCE``
                 of the starting cost J₀;
* ``good``       it got (nearly) as far as the best run: its progress
                 p = (J₀ − J_final) / (J₀ − J_best) is at least ``GOOD_PROGRESS`` (and the best run
                 got somewhere: J₀ − J_best above ``RISE_TOLERANCE`` · J₀);
* ``too small``  otherwise, below the best run's α: the steps were too short (slow). (Above it, a
                 run that neither oscillates nor gets as far is put with the ``too large`` ones.)

:func:`sweep` is a generator: it yields the fraction done (0 … 1) as it goes, so a worker thread
can report progress and stop between yields, and returns the :class:`SweepResult`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Generator

import numpy as np
from numpy.typing import ArrayLike

from ..files.experiment import Experiment
from ..params import NETWORK
from .driver import Driver
from .training import DIVERGED, NetworkRun, SurfaceRace

GOOD_PROGRESS = 0.95   # a network's cost creeps towards 0: 99 % of the best run's progress was too strict
CHECKPOINTS = 20        # a network's training cost is compared at this many evenly spaced iterations
RISE_TOLERANCE = 0.01   # … and a rise of more than this share of J₀ between two of them is oscillation
REGIONS = ("too small", "good", "too large", "diverged")
MAX_RATES = 200


@dataclass
class SweepResult:
    """Per learning rate: the final cost, the status the run ended in and its region."""

    learning_rates: np.ndarray
    initial_cost: float
    final_costs: np.ndarray
    statuses: list[str]
    iterations: int
    regions: list[str] = field(default_factory=list)
    oscillates: list[bool] = field(default_factory=list)  # per α: see the module docstring (too large)

    @property
    def best(self) -> int:
        """Index of the run with the lowest finite final cost (-1 if every run diverged)."""
        finite = [k for k, (c, s) in enumerate(zip(self.final_costs, self.statuses))
                  if math.isfinite(c) and s != DIVERGED and c <= self.initial_cost]
        return min(finite, key=lambda k: self.final_costs[k]) if finite else -1

    def region_bounds(self) -> list[tuple[str, float, float]]:
        """Consecutive stretches of one region: (region, first α, last α)."""
        out: list[tuple[str, float, float]] = []
        for lr, region in zip(self.learning_rates, self.regions):
            if out and out[-1][0] == region:
                out[-1] = (region, out[-1][1], float(lr))
            else:
                out.append((region, float(lr), float(lr)))
        return out


def log_spaced(lr_min: float, lr_max: float, count: int) -> np.ndarray:
    """α_k = α_min · (α_max/α_min)^(k/(K − 1)): K rates evenly spaced on a log axis."""
    if not (math.isfinite(lr_min) and math.isfinite(lr_max) and 0 < lr_min < lr_max):
        raise ValueError(f"the learning rates must satisfy 0 < α_min < α_max, got {lr_min!r} and {lr_max!r}")
    if not 2 <= count <= MAX_RATES:
        raise ValueError(f"the number of learning rates must be 2 … {MAX_RATES}, got {count!r}")
    return np.geomspace(lr_min, lr_max, count)


def classify(result: SweepResult) -> list[str]:
    """The region of every α (see the module docstring)."""
    best = result.best
    oscillates = result.oscillates or [False] * len(result.final_costs)
    out = []
    for k, (cost, status) in enumerate(zip(result.final_costs, result.statuses)):
        if status == DIVERGED or not math.isfinite(cost) or cost > result.initial_cost:
            out.append("diverged")
            continue
        if oscillates[k]:
            out.append("too large")
            continue
        j0, jb = result.initial_cost, result.final_costs[best]
        progress = 1.0 if j0 - jb <= 0 else (j0 - cost) / (j0 - jb)   # p = (J₀ − J) / (J₀ − J_best)
        if j0 - jb <= RISE_TOLERANCE * abs(j0) and j0 - jb > 0:  # no run got anywhere: all are slow
            out.append("too small")
        elif progress >= GOOD_PROGRESS:
            out.append("good")
        else:
            out.append("too small" if k < best else "too large")
    return out


def sweep(experiment: Experiment, learning_rates: ArrayLike, iterations: int) -> Generator[float, None, SweepResult]:
    """Run ``experiment`` at each learning rate for ``iterations`` steps; yields progress, returns the result.

    On a surface every run of the sweep uses the experiment's first run's optimiser settings.
    """
    lrs = np.asarray(learning_rates, dtype=float)
    if lrs.ndim != 1 or len(lrs) < 2 or not (np.isfinite(lrs).all() and (lrs > 0).all()):
        raise ValueError("learning_rates must be at least two finite numbers > 0")
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) or iterations < 1:
        raise ValueError(f"iterations must be a whole number ≥ 1, got {iterations!r}")
    lrs = np.sort(lrs)
    exp = experiment.replace(max_iterations=int(iterations))
    if exp.kind == NETWORK:
        finals, statuses, initial = np.empty(len(lrs)), [], math.nan
        oscillates: list[bool] = []
        for k, lr in enumerate(lrs):
            run = NetworkRun(exp.replace(learning_rate=float(lr)))
            initial = float(run.history.view("train_cost")[0])
            for done in Driver(run).chunks(chunk=max(1, iterations // 20)):
                yield (k + done / iterations) / len(lrs)
            costs = run.history.view("train_cost")
            finals[k] = float(costs[-1])
            statuses.append(run.status)
            oscillates.append(cost_rises(costs, initial))
    else:
        base = exp.run_values()[0]
        runs = [dict(base, learning_rate=float(lr), label=f"α={lr:.3g}") for lr in lrs]
        race = SurfaceRace(exp, runs=runs)
        initial = float(race.history.view("costs")[0, 0])
        for done in Driver(race).chunks(chunk=max(1, iterations // 50)):
            yield done / iterations
        costs = race.history.view("costs")
        # each run's cost where it stopped (a stopped run's later rows repeat its last state)
        finals = costs[-1].copy()
        statuses = list(race.run_status)
        paths = race.history.view("paths")
        minima = race.surface.minima
        oscillates = [crosses_back_and_forth(paths[:, k, :], minima) for k in range(len(lrs))]
    yield 1.0
    result = SweepResult(lrs, initial, finals, statuses, int(iterations), oscillates=oscillates)
    result.regions = classify(result)
    return result


def crosses_back_and_forth(path: np.ndarray, minima: tuple[tuple[float, ...], ...]) -> bool:
    """Whether a weight path (rows of w) crosses the minimum at least twice in its last half.

    A crossing is a sign change of w − m in any coordinate, m the minimum nearest the path's end
    (on a surface without a minimum: of the step w_{t+1} − w_t, a reversal of direction).
    """
    half = np.asarray(path, dtype=float)[len(path) // 2:]
    if len(half) < 3 or not np.isfinite(half).all():
        return False
    if minima:
        centres = np.asarray(minima, dtype=float)
        m = centres[np.argmin(np.linalg.norm(centres - half[-1], axis=1))]
        side = np.sign(half - m)
    else:
        side = np.sign(np.diff(half, axis=0))
    crossings = (side[1:] * side[:-1] < 0).any(axis=1)   # s_t · s_{t−1} < 0 in some coordinate
    return int(crossings.sum()) >= 2


def cost_rises(costs: np.ndarray, initial: float) -> bool:
    """Whether a training cost rises between two of ``CHECKPOINTS`` evenly spaced iterations by more
    than ``RISE_TOLERANCE`` · J₀ (a network's run that overshoots)."""
    costs = np.asarray(costs, dtype=float)
    if len(costs) < 2 or not math.isfinite(initial):
        return False
    marks = costs[np.unique(np.linspace(0, len(costs) - 1, CHECKPOINTS + 1).round().astype(int))]
    with np.errstate(invalid="ignore"):
        return bool((np.diff(marks) > RISE_TOLERANCE * abs(initial)).any())


def run_sweep(experiment: Experiment, learning_rates: ArrayLike, iterations: int) -> SweepResult:
    """:func:`sweep` run to its end (for scripts and tests)."""
    gen = sweep(experiment, learning_rates, iterations)
    while True:
        try:
            next(gen)
        except StopIteration as done:
            result: SweepResult = done.value                  # the generator's return value
            return result
