"""What a run reports: its status words, the stopping rules' reasons, and its snapshots.

A run ends as ``converged`` (gradient norm or cost change below tolerance), ``max_iterations``,
or ``diverged`` (a non-finite cost or weight, or a cost past ``DIVERGENCE_FACTOR`` times its
start), reported as data with the iteration and a plain-words reason. The optimiser and the
schedule a run's values describe are built here too, for both kinds of run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from ..optim.optimizers import Optimizer, make_optimizer
from ..optim.schedules import Schedule, make_schedule
from ..params import NETWORK, SURFACE, optimizer_hyper
from .stopping_kernels import DIVERGENCE_FACTOR, convergence_reason, divergence_reason, shown_below

if TYPE_CHECKING:
    pass

__all__ = ["CONVERGED", "DIVERGED", "DIVERGENCE_FACTOR", "FINISHED", "HISTORY_KEEP", "MAX_ITERATIONS", "MAX_TRACKED",
           "READY", "RUNNING", "TERMINAL", "NetworkSnapshot", "SurfaceSnapshot", "optimizer_from_values",
           "schedule_from_values", "shown_below"]

READY, RUNNING, CONVERGED, DIVERGED, MAX_ITERATIONS, FINISHED = (
    "ready", "running", "converged", "diverged", "max_iterations", "finished")
TERMINAL = frozenset({CONVERGED, DIVERGED, MAX_ITERATIONS, FINISHED})
HISTORY_KEEP = 10_000  # history rows a run keeps in memory (about twice this); older ones go to disk
MAX_TRACKED = 20


def optimizer_from_values(values: dict[str, Any], lr: Any = None) -> Optimizer:
    """Build the optimiser a run's values describe (torch-style hyperparameter names)."""
    return make_optimizer(values["optimizer"], values["learning_rate"] if lr is None else lr,
                          **optimizer_hyper(values))


def schedule_from_values(values: dict[str, Any]) -> Schedule:
    """The learning-rate schedule, in TensorFlow's (decay_rate, decay_steps) convention:

    step: lr0 · rate^⌊t/k⌋;  exponential: lr0 · rate^(t/k);  inverse_time: lr0 / (1 + rate · t / k).
    """
    name, rate, k = values["schedule"], values["decay_rate"], values["decay_steps"]
    if name == "step":
        return make_schedule("step", step_size=k, gamma=rate)
    if name == "exponential":
        return make_schedule("exponential", gamma=rate ** (1.0 / k))
    if name == "inverse_time":
        return make_schedule("inverse_time", decay=rate / k)
    return make_schedule("constant")


def _divergence(cost: float, start_cost: float, iteration: int) -> str | None:
    """A plain-words reason if ``cost`` shows divergence, else None (the kernel's rule)."""
    return cast("str | None", divergence_reason(cost, start_cost, iteration))


def _convergence(cost: float, previous: float, grad_norm: float, values: dict[str, Any],
                 iteration: int, step_norm: float = 0.0, weight_norm: float = 1.0) -> str | None:
    """A plain-words reason if the run has converged, else None (the kernel's rule, with the
    tolerances of ``values``)."""
    return cast("str | None", convergence_reason(cost, previous, grad_norm, iteration, step_norm, weight_norm,
                                                 values["grad_tolerance"], values["tolerance"]))


# ---------------------------------------------------------------------------------------------
@dataclass
class NetworkSnapshot:
    """What the GUI needs to draw a network run at one moment. Arrays are copies.

    ``iterations``/``train_cost``/... hold every row since the previous snapshot (``start`` is
    the first row's index), so a cost curve built from snapshots never misses a point.
    """

    kind = NETWORK
    iteration: int
    epoch: float
    status: str
    reason: str
    learning_rate: float
    optimizer: str
    start: int
    iterations: np.ndarray
    train_cost: np.ndarray
    test_cost: np.ndarray
    data_cost: np.ndarray
    penalty: np.ndarray
    grad_norms: np.ndarray
    tracked: np.ndarray
    tracked_ids: list[tuple[int, int, int]]
    tracked_labels: list[str]
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    grad_weights: list[np.ndarray]
    grad_biases: list[np.ndarray]
    last_update: list[np.ndarray] = field(default_factory=list)  # [ΔW_l; Δb_l] of the last step, per layer
    extra: dict[str, Any] = field(default_factory=dict)
    # accuracy (classification) or R² (regression), rows since the previous snapshot like train_cost
    metric_name: str = ""
    train_metric: np.ndarray = field(default_factory=lambda: np.empty(0))
    test_metric: np.ndarray = field(default_factory=lambda: np.empty(0))
    confusion: dict[str, np.ndarray] = field(default_factory=dict)  # "train"/"test": C[true, predicted] now
    class_names: list[str] = field(default_factory=list)            # C names; [] for regression
    epochs_per_iteration: float = 1.0                                # batch / n: an iteration is this much of an epoch


@dataclass
class SurfaceSnapshot:
    """A surface race at one moment: K runs; arrays are copies; rows since the previous snapshot."""

    kind = SURFACE
    iteration: int
    status: str
    reason: str
    labels: list[str]
    learning_rates: np.ndarray
    run_status: list[str]
    run_reason: list[str]
    start: int
    iterations: np.ndarray
    costs: np.ndarray        # (m, K)
    paths: np.ndarray        # (m, K, d)
    w: np.ndarray            # (K, d) current weights
    gradient: np.ndarray     # (K, d) gradient at w (what the next step uses)
    w_next: np.ndarray | None = None     # (K, d) the weights after the next step (a preview)
    cost_next: np.ndarray | None = None  # (K,) the cost there
    step_terms: list[dict[str, np.ndarray]] = field(default_factory=list)  # optimiser quantities after it
    optimizers: list[str] = field(default_factory=list)
    hyper: list[dict[str, float]] = field(default_factory=list)  # make_optimizer's keywords (optimizer_hyper)
    extra: dict[str, Any] = field(default_factory=dict)
