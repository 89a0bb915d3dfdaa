"""A surface race: K optimiser runs on one analytic cost surface J(w), stepped as one batch.

The K runs are stacked as rows of one (K, d) array: one batched gradient evaluation per
iteration. After each update the cost and the gradient at the new weights are computed at once,
so the gradient on show is always the one the next step will use.
"""
from __future__ import annotations

import math
from typing import Any, Iterable, cast

import numpy as np
from numpy.typing import ArrayLike

from ..files.experiment import MAX_RUNS, Experiment, run_label
from ..params import OPTIMIZER_PARAMS, RUN_LEVEL_PARAMS, SURFACE, optimizer_hyper
from ..surface.surfaces import get_surface
from .history import History
from .run_state import RunState, check_fits, frozen, optimizer_state, restore_optimizer
from .run_status import (
    CONVERGED,
    DIVERGED,
    DIVERGENCE_FACTOR,
    FINISHED,
    HISTORY_KEEP,
    MAX_ITERATIONS,
    READY,
    RUNNING,
    TERMINAL,
    SurfaceSnapshot,
    _convergence,
    _divergence,
    optimizer_from_values,
    schedule_from_values,
)


class SurfaceRace:
    """K optimiser runs on one cost surface from a common start, stepped as one batch.

    The weights of all runs form one (K, d) array ``w``; runs that share an optimiser type and
    hyperparameters share one optimiser whose learning rate is a (k, 1) column, so a race of
    learning rates is a single vectorised update.
    """

    kind = SURFACE

    def __init__(self, experiment: Experiment, runs: list[dict[str, Any]] | None = None):
        """``runs`` (each a full set of run values, as :meth:`Experiment.run_values` gives) replaces
        the experiment's own runs; a learning-rate sweep uses it for more runs than a file holds."""
        if experiment.kind != SURFACE:
            raise ValueError("SurfaceRace needs a surface experiment")
        self._settings(experiment, [dict(r) for r in runs] if runs is not None else experiment.run_values())
        v = self._values
        self.surface = get_surface(v["surface"])
        self.start_point = np.array(v["start"] or self.surface.default_start, dtype=float)
        K, d = len(self.runs), self.surface.dim
        self._build_groups()
        self.history = History({"costs": (K,), "paths": (K, d)}, keep=HISTORY_KEEP)
        self.w = np.empty((K, d))
        self._w_prev = np.empty((K, d))
        self._bound: tuple[np.ndarray | None, np.ndarray] = (None, np.empty(0))  # (start costs, divergence bound)
        self._start()

    # -- state as a value ----------------------------------------------------------------------
    def get_state(self) -> RunState:
        """The race now, as a value (copies): see :mod:`gdlab.core.run.run_state`."""
        return RunState(
            iteration=self.iteration, first_iteration=self.first_iteration, status=self.status, reason=self.reason,
            weights=(frozen(self.w),), start_cost=frozen(self._start_cost), active=frozen(self.active),
            optimizer=tuple((tuple(idx.tolist()), optimizer_state(opt)) for idx, opt, _ in self._groups),
            run_status=tuple(self.run_status), run_reason=tuple(self.run_reason))

    def set_state(self, state: RunState) -> None:
        """Put the race back in ``state`` (its settings stay: see :mod:`gdlab.core.run.run_state`);
        the history is cut after the state's iteration, whose row is computed again."""
        check_fits(state, len(self.history), [self.w])
        self.w[:] = state.weights[0]
        saved = dict(state.optimizer)
        for idx, opt, _ in self._groups:
            restore_optimizer(opt, saved.get(tuple(idx.tolist())))
        self.iteration, self.first_iteration = state.iteration, state.first_iteration
        self.status, self.reason = state.status, state.reason
        self.run_status, self.run_reason = list(state.run_status), list(state.run_reason)
        self.active = np.ones(len(self.runs), dtype=bool) if state.active is None else state.active.copy()
        self.history.truncate(state.history_rows)
        with np.errstate(all="ignore"):
            self._evaluate()
        self._start_cost = np.array(self.history.view("costs", 0, 1)[0] if state.start_cost is None
                                    else state.start_cost, dtype=float)

    def _build_groups(self) -> None:
        groups: dict[tuple, list[int]] = {}
        for k, r in enumerate(self.runs):
            key = (r["optimizer"], *(r[p] for p in OPTIMIZER_PARAMS), r["schedule"], r["decay_rate"],
                   r["decay_steps"])
            groups.setdefault(key, []).append(k)
        self._groups = []
        for idx in groups.values():
            values = self.runs[idx[0]]
            lr = self.base_lr[idx][:, None].copy()
            self._groups.append((np.array(idx, dtype=np.intp), optimizer_from_values(values, lr=lr),
                                 schedule_from_values(values)))

    def _start(self) -> None:
        K = len(self.runs)
        self.iteration = 0
        self.first_iteration = 0    # a twin forked at iteration k starts its history at k
        self.status, self.reason = READY, ""
        self.run_status = [READY] * K
        self.run_reason = [""] * K
        self.active = np.ones(K, dtype=bool)
        self.w[:] = self.start_point
        for _, opt, _ in self._groups:
            opt.reset()
        self.history.truncate(0)
        with np.errstate(all="ignore"):
            self._evaluate()
        self._start_cost = self.history.column("costs")[0].copy()

    def reset(self) -> None:
        self._start()

    def set_start(self, point: ArrayLike) -> None:
        """A new common start point; the history starts again."""
        point = np.asarray(point, dtype=float).reshape(self.surface.dim)
        self._settings(self.experiment.replace(start=[float(v) for v in point]), self.runs)
        self.start_point = point.copy()
        self._start()

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    def set_learning_rate(self, lr: float, run: int | None = None) -> None:
        """Change the base learning rate of one run (or of all runs), used from the next step on."""
        self._change(range(len(self.runs)) if run is None else (run,), learning_rate=float(lr))

    def set_optimizer(self, name: str, **values: Any) -> None:
        """Switch every run to optimiser ``name`` (state starts fresh)."""
        self._change(range(len(self.runs)), optimizer=name, **values)
        self._build_groups()

    # -- settings: the experiment is their one source ----------------------------------------
    @property
    def experiment(self) -> Experiment:
        """The race's settings, live changes included: its runs are ``experiment.run_values()``
        (but for a sweep's race of more runs than an experiment holds, whose runs were given)."""
        return self._experiment

    @property
    def max_iterations(self) -> int:
        return int(self._values["max_iterations"])

    def _settings(self, experiment: Experiment, runs: list[dict[str, Any]]) -> None:
        """Take ``experiment`` and its ``runs`` as the race's settings; the one place they change."""
        self._experiment, self._values, self.runs = experiment, experiment.values, runs
        self.labels = [r["label"] for r in runs]
        self.base_lr = np.array([r["learning_rate"] for r in runs], dtype=float)

    def _change(self, which: Iterable[int], **changes: Any) -> None:
        """A live change of the runs ``which``; a run named after its optimiser and α (it had no
        label of its own) is renamed, so legends say the α in use. A change of every run changes
        the experiment's own value too."""
        which = list(which)
        runs = [dict(r) for r in self.runs]
        for k in which:
            named_by_values = runs[k]["label"] == run_label(runs[k])
            runs[k].update(changes)
            if named_by_values:
                runs[k]["label"] = run_label(runs[k])
        experiment = self.experiment.replace(**changes) if len(which) == len(runs) else self.experiment
        if len(runs) <= MAX_RUNS:
            experiment = experiment.replace(runs=run_entries(runs, experiment.values))
        self._settings(experiment, runs)

    def set_max_iterations(self, n: int) -> None:
        self._settings(self.experiment.replace(max_iterations=int(n)), self.runs)
        if self.status == MAX_ITERATIONS and self.iteration < n:
            self.status, self.reason = RUNNING, ""
            for k, s in enumerate(self.run_status):
                if s == MAX_ITERATIONS:
                    self.run_status[k], self.active[k] = RUNNING, True

    def _evaluate(self) -> None:
        self.cost = cast(np.ndarray, self.surface.value(self.w))   # (K,): w is (K, d), never a single point
        self.gradient = self.surface.gradient(self.w)
        row = self.history.next_row()
        self.history.column("costs")[row] = self.cost
        self.history.column("paths")[row] = self.w

    def step(self, n: int = 1) -> str:
        """Advance every active run by up to ``n`` iterations, in lockstep; returns the overall status."""
        if self.finished:
            return self.status
        with np.errstate(all="ignore"):
            for _ in range(n):
                if self.iteration >= self.max_iterations:
                    self._stop_all(MAX_ITERATIONS, f"reached the iteration limit ({self.max_iterations}).")
                    break
                stopped = ~self.active
                before = self.w[stopped] if stopped.any() else None
                np.copyto(self._w_prev, self.w)  # for the step length ‖Δw‖ in the stopping tests
                for idx, opt, schedule in self._groups:
                    opt.lr = schedule(self.base_lr[idx][:, None], self.iteration)
                    if len(idx) == len(self.runs):  # one group: the whole race is one update, in place
                        opt.step([self.w], [self.gradient])  # w <- w - lr * dJ/dw (or the optimiser's rule)
                        continue
                    p = self.w[idx]
                    opt.step([p], [self.gradient[idx]])
                    self.w[idx] = p
                if before is not None:
                    self.w[stopped] = before  # stopped runs stay where they stopped
                self.iteration += 1
                self._evaluate()
                self._check_runs()
                if not self.active.any():
                    self._finish()
                    break
                self.status = RUNNING
            else:
                if self.iteration >= self.max_iterations:
                    self._stop_all(MAX_ITERATIONS, f"reached the iteration limit ({self.max_iterations}).")
        return self.status

    def _check_runs(self) -> None:
        """The stopping tests of :func:`_divergence` and :func:`_convergence` for all runs at once
        (vectorised: a race of K runs costs no K-fold Python loop); words only for runs that stop."""
        costs = self.history.column("costs")
        row = len(self.history) - 1 - self.history.offset
        cost, active = self.cost, self.active
        if self._bound[0] is not self._start_cost:  # the bound of these start costs (a fork sets its own)
            self._bound = (self._start_cost, DIVERGENCE_FACTOR * np.maximum(1.0, np.abs(self._start_cost)))
        bad = active & (~np.isfinite(cost) | (cost > self._bound[1]) | ~np.isfinite(self.w).all(axis=1))
        if bad.any():
            for k in np.flatnonzero(bad):
                reason = _divergence(float(cost[k]), float(self._start_cost[k]), self.iteration)
                self._stop_run(k, DIVERGED, reason or f"a weight became infinite or NaN at iteration {self.iteration}.")
            ok = active & ~bad
        else:
            ok = active.copy()  # _stop_run below clears entries of active
        gnorm = np.sqrt(np.einsum("kd,kd->k", self.gradient, self.gradient))   # ‖∂J/∂w‖ per run
        tol, gtol = self._values["tolerance"], self._values["grad_tolerance"]
        flat = (gnorm < gtol) if gtol > 0 else np.zeros_like(ok)
        if tol > 0 or flat.any():
            moved = self.w - self._w_prev
            step = np.sqrt(np.einsum("kd,kd->k", moved, moved))   # ‖Δw‖ per run
            size = np.sqrt(np.einsum("kd,kd->k", self.w, self.w))
        if tol > 0:
            flat = flat | ((np.abs(costs[row - 1] - cost) <= tol * np.maximum(1.0, np.abs(cost)))
                           & (step <= math.sqrt(tol) * np.maximum(1.0, size)))
        if not (self.iteration == 1 or flat.any()):
            return
        for k in np.flatnonzero(ok & flat):
            reason = _convergence(float(cost[k]), float(costs[row - 1, k]), float(gnorm[k]), self._values_tol(),
                                  self.iteration, float(step[k]), float(size[k]))
            # flat is _convergence's own test, vectorised, so it gives a reason (never None) here
            self._stop_run(k, CONVERGED, cast(str, reason))
        if self.iteration == 1:
            for k in np.flatnonzero(ok & ~flat):
                self.run_status[k] = RUNNING

    def _values_tol(self) -> dict[str, float]:
        return {"tolerance": self._values["tolerance"], "grad_tolerance": self._values["grad_tolerance"]}

    def _stop_run(self, k: int | np.integer, status: str, reason: str) -> None:
        self.active[k] = False
        self.run_status[k], self.run_reason[k] = status, reason

    def _stop_all(self, status: str, reason: str) -> None:
        for k in np.flatnonzero(self.active):
            self._stop_run(k, status, reason)
        self._finish()

    def _finish(self) -> None:
        kinds = set(self.run_status)
        if len(kinds) == 1:
            self.status = self.run_status[0]
            self.reason = self.run_reason[0] if len(self.runs) == 1 else f"every run {self.status}."
            if len(self.runs) == 1:
                return
        else:
            self.status = FINISHED
        parts = [f"{lab}: {st} ({why})" for lab, st, why in zip(self.labels, self.run_status, self.run_reason)]
        self.reason = ("every run " + self.status + ". " if len(kinds) == 1 else "all runs stopped. ") + \
            " ".join(parts)

    def preview(self) -> tuple[np.ndarray, np.ndarray, list[dict[str, np.ndarray]]]:
        """What the next step will do, without doing it: (learning rates (K,), weights after the
        step (K, d), and per run the optimiser's running quantities after the step, e.g.
        ``{"velocity": v}``). The step is taken on copies of the optimisers, exactly as
        :meth:`step` would take it; stopped runs stay where they are."""
        K = len(self.runs)
        lrs = np.empty(K)
        w_next = self.w.copy()
        terms: list[dict[str, np.ndarray]] = [{} for _ in range(K)]
        with np.errstate(all="ignore"):
            for idx, opt, schedule in self._groups:
                trial = opt.copy()
                trial.lr = schedule(self.base_lr[idx][:, None], self.iteration)
                lrs[idx] = np.asarray(trial.lr, dtype=float)[:, 0]
                p = self.w[idx]  # a copy (indexing by an array)
                trial.step([p], [self.gradient[idx]])
                w_next[idx] = p
                for slot, arrays in trial.state.items():
                    for row, k in enumerate(idx.tolist()):
                        terms[k][slot] = arrays[0][row].copy()
        w_next[~self.active] = self.w[~self.active]
        return lrs, w_next, terms

    def snapshot(self, since: int = 0) -> SurfaceSnapshot:
        h = self.history
        since = max(0, min(since, len(h)))
        lrs, w_next, terms = self.preview()
        with np.errstate(all="ignore"):
            cost_next = np.asarray(self.surface.value(w_next), dtype=float).reshape(len(self.runs))
        return SurfaceSnapshot(
            iteration=self.iteration, status=self.status, reason=self.reason, labels=list(self.labels),
            learning_rates=lrs, run_status=list(self.run_status), run_reason=list(self.run_reason),
            start=since, iterations=np.arange(since, len(h)) + self.first_iteration, costs=h.copy("costs", since),
            paths=h.copy("paths", since), w=self.w.copy(), gradient=np.array(self.gradient, copy=True),
            w_next=w_next, cost_next=cost_next, step_terms=terms, optimizers=[r["optimizer"] for r in self.runs],
            hyper=[optimizer_hyper(r) for r in self.runs])

    def view_data(self, resolution: int = 200) -> dict[str, Any]:
        """The surface for drawing: ``curve`` = (w, J(w)) in 1-D, ``grid`` = (xs, ys, J) in 2-D, and minima."""
        s = self.surface
        out: dict[str, Any] = {"dim": s.dim, "title": s.title, "formula": s.formula,
                               "minima": [np.array(m, dtype=float) for m in s.minima]}
        with np.errstate(all="ignore"):
            if s.dim == 1:
                w = np.linspace(*s.view_range[0], resolution)
                out["curve"] = (w, s.value(w[:, None]))
            else:
                xs = np.linspace(*s.view_range[0], resolution)
                ys = np.linspace(*s.view_range[1], resolution)
                gx, gy = np.meshgrid(xs, ys)
                Z = s.value(np.stack([gx, gy], axis=-1))
                out["grid"] = (xs, ys, Z)
                # Colour by log(1 + J − min J): readable on a plain bowl and on Rosenbrock's valley alike.
                finite = np.where(np.isfinite(Z), Z, np.nanmax(np.where(np.isfinite(Z), Z, -np.inf)))
                out["shading"] = np.log1p(finite - finite.min())
        return out

    def history_columns(self, start: int = 0, stop: int | None = None) -> dict[str, np.ndarray]:
        """The history of rows ``start:stop`` (all by default): iteration, and per run k (1-based)
        its cost and each weight."""
        h = self.history
        stop = len(h) if stop is None else min(stop, len(h))
        cols: dict[str, np.ndarray] = {"iteration": np.arange(start, max(start, stop))}
        costs, paths = h.copy("costs", start, stop), h.copy("paths", start, stop)
        for k in range(len(self.runs)):
            cols[f"run{k + 1}_cost"] = costs[:, k]
            for i in range(self.surface.dim):
                cols[f"run{k + 1}_w{i + 1}"] = paths[:, k, i]
        return cols


def run_entries(runs: list[dict[str, Any]], values: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    """The ``runs`` of an experiment with these base ``values`` whose :meth:`Experiment.run_values`
    are ``runs``: each run's label (none if it is named by its optimiser and α) and the values in
    which it differs from ``values``; none at all for one run that has neither."""
    entries = tuple({"label": "" if r["label"] == run_label(r) else r["label"],
                     **{k: r[k] for k in RUN_LEVEL_PARAMS if r[k] != values[k]}} for r in runs)
    return () if entries == ({"label": ""},) else entries
