"""A run of the session as a record: when it started, its setup, how far it got, its final costs and
status, the experiment it started with (JSON) and its cost curve, decimated as it arrives
(:class:`~gdlab.core.run.decimate.DecimatedSeries`: at most :data:`MAX_POINTS` points, older iterations
as min/max pairs, so peaks stay visible); and the runs table's saved form (JSON, :func:`_parse`).

The table that shows the records is :mod:`gdlab.gui.runs_table`.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from ..core.files.experiment import Experiment
from ..core.params import NETWORK
from ..core.run.decimate import DecimatedSeries

__all__ = ["MAX_EXPERIMENT_CHARS", "MAX_NAME", "MAX_POINTS", "MAX_RECORDS", "TERMINAL", "RunRecord", "summarize"]

MAX_RECORDS = 50
MAX_POINTS = 1000                 # points of a run's cost curve: 2·BUCKETS + 2 + RECENT ≤ MAX_POINTS
_RECENT, _BUCKETS = 200, 390
MAX_EXPERIMENT_CHARS = 20_000     # larger experiments (big imported data) are not kept with a run
MAX_NAME = 80
FORMAT = "gdlab-runs"
VERSION = 1
TERMINAL = ("converged", "diverged", "max_iterations", "finished")


# -- records ---------------------------------------------------------------------------------------
@dataclass(eq=False)
class RunRecord:
    """One run of the session; see the module docstring. ``history`` is (iterations, costs)."""

    id: int
    name: str
    started: datetime
    summary: str
    iterations: int = 0
    train_cost: float = math.nan
    test_cost: float = math.nan
    status: str = "running"
    reason: str = ""
    experiment_json: str | None = None
    _series: DecimatedSeries | None = field(default=None, repr=False)
    _saved: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def add_rows(self, iterations: Any, costs: Any) -> None:
        """Append cost rows (iterations in increasing order, after the ones already kept)."""
        x = np.asarray(iterations, dtype=float).reshape(-1)
        if not len(x):
            return
        if self._series is None:
            self._series = DecimatedSeries(1, _RECENT, _BUCKETS)
            if self._saved is not None:             # a saved run that goes on: its curve so far, then the new rows
                self._series.extend(*self._saved)
                self._saved = None
        self._series.extend(x, np.asarray(costs, dtype=float).reshape(-1, 1))

    @property
    def history(self) -> tuple[np.ndarray, np.ndarray]:
        """(iterations, costs) to draw: at most MAX_POINTS points; new arrays."""
        if self._series is not None:
            x, Y = self._series.arrays()
            return x, Y[:, 0]
        if self._saved is not None:
            return self._saved[0].copy(), self._saved[1].copy()
        return np.empty(0), np.empty(0)

    def experiment(self) -> Experiment | None:
        """The experiment the run started with (None if it was too large to keep)."""
        return Experiment.from_json(self.experiment_json) if self.experiment_json else None

    @property
    def status_text(self) -> str:
        return self.status.replace("_", " ")


def summarize(experiment: Experiment, start: Experiment | None = None) -> str:
    """A short setup: "2-4-1 tanh · sgd α=0.5 · full batch", or "rosenbrock · 6 runs". With ``start``
    (the experiment the run began with), live changes show as "sgd→adam α=0.5→0.1"."""
    if experiment.kind != NETWORK:
        runs = experiment.run_values()
        if len(runs) > 1:
            return f"{experiment['surface']} · {len(runs)} runs"
        return f"{experiment['surface']} · {_optimiser(experiment, start)}"
    hidden = experiment["hidden_layers"]
    sizes = "-".join(str(n) for n in experiment.layer_sizes())
    network = f"{sizes} {experiment['hidden_activation']}" if hidden else sizes
    batch = "full batch" if experiment["batch_size"] == 0 else f"batch {experiment['batch_size']}"
    return f"{network} · {_optimiser(experiment, start)} · {batch}"


def _optimiser(experiment: Experiment, start: Experiment | None) -> str:
    def changed(name: str, fmt: str) -> str:
        now = format(experiment[name], fmt)
        before = format(start[name], fmt) if start is not None and start.kind == experiment.kind else now
        return now if before == now else f"{before}→{now}"

    return f"{changed('optimizer', 's')} α={changed('learning_rate', 'g')}"


def _small(experiment: Experiment) -> bool:
    """Worth writing out with the run: no custom points, or few enough to keep the JSON small."""
    points = experiment.points
    return points is None or points.n_samples * (points.n_features + 1) <= MAX_EXPERIMENT_CHARS // 25


def _cost_rows(snap: Any) -> tuple[np.ndarray, np.ndarray]:
    """(iterations, cost) rows of a snapshot: the training cost, or a race's lowest cost per iteration."""
    if snap.kind == NETWORK:
        return snap.iterations, snap.train_cost
    costs = np.asarray(snap.costs, dtype=float)
    if not len(costs):
        return snap.iterations, np.empty(0)
    return snap.iterations, np.fmin.reduce(costs, axis=1)   # NaN (a run stopped) is passed over


def _final_costs(snap: Any, rows: tuple[np.ndarray, np.ndarray]) -> tuple[float, float]:
    if snap.kind == NETWORK:
        train = float(snap.train_cost[-1]) if len(snap.train_cost) else math.nan
        test = float(snap.test_cost[-1]) if len(snap.test_cost) else math.nan
        return train, test
    return (float(rows[1][-1]) if len(rows[1]) else math.nan), math.nan


def _json_number(value: float) -> float | str | None:
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def _number(value: Any, where: str) -> float:
    if value is None:
        return math.nan
    if value in ("inf", "-inf"):
        return float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: expected a number or null, got {value!r}")
    return float(value)


def _parse(text: Any) -> tuple[list[RunRecord], int]:
    if not isinstance(text, str):
        raise ValueError(f"expected the runs table as JSON text, got {type(text).__name__}")
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise ValueError(f"not a runs table (format {FORMAT!r}, version {VERSION})")
    runs = doc.get("runs")
    if not isinstance(runs, list):
        raise ValueError("runs: expected a list")
    next_id = doc.get("next_id", 1)
    if isinstance(next_id, bool) or not isinstance(next_id, int) or next_id < 1:
        raise ValueError("next_id: expected a whole number ≥ 1")
    records = []
    for i, run in enumerate(runs[-MAX_RECORDS:]):
        where = f"runs[{i}]"
        if not isinstance(run, dict):
            raise ValueError(f"{where}: expected an object")
        try:
            rid, name, summary, status = run["id"], run["name"], run["summary"], run["status"]
            iterations, history = run["iterations"], run["history"]
            started = datetime.fromisoformat(run["started"])
        except KeyError as exc:
            raise ValueError(f"{where}.{exc.args[0]}: missing") from None
        except (TypeError, ValueError):
            raise ValueError(f"{where}.started: expected a date and time (ISO 8601)") from None
        for key, value, kind in (("id", rid, int), ("iterations", iterations, int), ("name", name, str),
                                 ("summary", summary, str), ("status", status, str)):
            if isinstance(value, bool) or not isinstance(value, kind):
                raise ValueError(f"{where}.{key}: expected {'a whole number' if kind is int else 'text'}")
        reason = run.get("reason", "")
        experiment = run.get("experiment")
        if not isinstance(reason, str) or not (experiment is None or isinstance(experiment, str)):
            raise ValueError(f"{where}: reason and experiment must be text")
        if experiment is not None and len(experiment) > MAX_EXPERIMENT_CHARS:
            experiment = None
        if not isinstance(history, dict) or not isinstance(history.get("iterations"), list) or \
                not isinstance(history.get("costs"), list) or len(history["iterations"]) != len(history["costs"]):
            raise ValueError(f"{where}.history: expected {{\"iterations\": [...], \"costs\": [...]}} of equal length")
        x = np.array([_number(v, f"{where}.history.iterations") for v in history["iterations"][:MAX_POINTS]])
        y = np.array([_number(v, f"{where}.history.costs") for v in history["costs"][:MAX_POINTS]])
        if status not in TERMINAL:
            status, reason = "stopped", reason or "the session ended before the run did"
        records.append(RunRecord(id=rid, name=name.strip()[:MAX_NAME] or f"Run {rid}", started=started,
                                 summary=summary, iterations=iterations,
                                 train_cost=_number(run.get("train_cost"), f"{where}.train_cost"),
                                 test_cost=_number(run.get("test_cost"), f"{where}.test_cost"), status=status,
                                 reason=reason, experiment_json=experiment, _saved=(x, y)))
    return records, next_id
