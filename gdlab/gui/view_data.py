"""What crosses from the worker to the views (no Qt): the :class:`Frame` it sends, and what the
network's views draw besides the history, computed from a run (the headless exports in render.py
feed the same to their views); the answers to the window's questions: a :class:`LandscapeSlice`,
the run at an earlier iteration (:class:`NetworkMoment`, :class:`SurfaceMoment`) and a
:class:`WorksheetAnswer`. Arrays in them are copies."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.files.experiment import Experiment
from ..core.run.timeline import probe_at
from ..core.run.training import NetworkRun, SurfaceRace
from ..core.teaching.backprop_trace import trace_iteration

MAX_DIAGRAM_LAYERS, MAX_DIAGRAM_NEURONS = 8, 16  # neuron thumbnails only for diagrams drawn neuron by neuron
THUMBNAIL_RESOLUTION = 24
VIEW_PARTS = frozenset({"map", "network"})  # the data view's output map; the diagram's sample and neuron maps
GRAPH = "graph"  # the computation graph's one-sample trace: only while that view is on show, running or not
PEEK_PATH_ROWS = 20_000  # a scrubbed race's paths are sent up to the moment (at most this many rows)
WeightId = tuple[int, int, int]


@dataclass
class Frame:
    """One message from the worker: a snapshot plus the run's context.

    ``fresh`` means the history starts again (new experiment, reset, new weights): plots clear.
    """

    snapshot: Any
    experiment: Experiment
    running: bool
    iters_per_s: float
    fresh: bool
    view: dict[str, Any]
    twin: Any = None              # the twin run's snapshot (rows since its last frame), when forked
    twin_label: str = ""
    twin_fresh: bool = False      # the twin was just made: its plots start
    changes: tuple[str, ...] = ()  # how the run was changed while it trained (a fresh run would differ)
    ending: str = ""              # a finished race's ending in words (gdlab.core.run.outcome)


def around(values: np.ndarray) -> tuple[float, float]:
    """A view range around the values a weight took, with room to see the slope beyond them."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return (-1.0, 1.0)
    lo, hi = float(finite.min()), float(finite.max())
    pad = max(0.5, 0.35 * (hi - lo))
    return (lo - pad, hi + pad)


def network_view_data(run: NetworkRun, fresh: bool, sample: int, model=None,
                      parts: frozenset = VIEW_PARTS, aspect: float | None = None) -> dict[str, Any]:
    """What the network's views draw besides the history: the data and the network's output over
    the input plane ("map"; for more inputs a gallery or a projection), the selected sample's z and a,
    each neuron's output map for small networks and, for image data, the first layer's weights as
    images ("network"), and on a fresh start the points, the input labels and the number of
    training samples; with the part ``graph``, the one-sample trace of the next iteration the
    computation graph is built from. A view whose part is left out keeps what it drew last."""
    view = run.view_data(include_points=fresh, model=model, aspect=aspect) if fresh or "map" in parts else {}
    if "network" in parts:
        view["sample"] = run.sample_activations(sample, model=model)
        sizes = run.model.layer_sizes
        if len(sizes) - 1 <= MAX_DIAGRAM_LAYERS and max(sizes) <= MAX_DIAGRAM_NEURONS:
            view["neuron_maps"] = run.neuron_maps(THUMBNAIL_RESOLUTION, model=model)
        view["weight_images"] = run.weight_images(model=model)
    if GRAPH in parts and model is None:
        view[GRAPH] = trace_iteration(run, "sample", sample)
    if fresh:
        view["input_labels"] = list(run.input_labels)
        view["n_train"] = len(run.X_train)
    return view


@dataclass(frozen=True)
class LandscapeSlice:
    """The network's cost J over the plane of two weights, every other weight held at its value
    now: Z[i, j] = J(w_a = xs[j], w_b = ys[i]); ``path`` the (w_a, w_b) the run went through."""

    wids: tuple[WeightId, WeightId]
    xs: np.ndarray
    ys: np.ndarray
    Z: np.ndarray
    path: np.ndarray
    iteration: int


def landscape_slice(run: NetworkRun | SurfaceRace, wid_a: WeightId, wid_b: WeightId,
                    x_range: tuple[float, float] | None, y_range: tuple[float, float] | None,
                    n: int) -> LandscapeSlice | None:
    """The slice on n × n points (a range None: :func:`around` the weight's path); None when the
    run has no such weights (a question about the previous experiment, or another network shape)."""
    if not (isinstance(run, NetworkRun) and run.has_weight(wid_a) and run.has_weight(wid_b)):
        return None
    path = run.weight_path(wid_a, wid_b)
    if x_range is None or y_range is None:
        x_range, y_range = around(path[:, 0]), around(path[:, 1])
    xs, ys = np.linspace(*x_range, n), np.linspace(*y_range, n)
    Z = run.cost_slice(wid_a, wid_b, xs, ys)
    return LandscapeSlice((wid_a, wid_b), xs, ys, Z, path, run.iteration)


@dataclass(frozen=True)
class SurfaceMoment:
    """A race at an earlier ``iteration``: the weights w (K, d), their costs (K,) and the paths up
    to then (at most PEEK_PATH_ROWS rows)."""

    iteration: int
    w: np.ndarray
    costs: np.ndarray
    paths: np.ndarray


@dataclass(frozen=True)
class NetworkMoment:
    """A network at an earlier ``iteration``: the weights, biases and gradients at ``found``, the
    nearest iteration recorded (None: no longer recorded, and nothing else is filled in), and the
    view data then."""

    iteration: int
    found: int | None
    weights: list[np.ndarray] = field(default_factory=list)
    biases: list[np.ndarray] = field(default_factory=list)
    grad_weights: list[np.ndarray] = field(default_factory=list)
    grad_biases: list[np.ndarray] = field(default_factory=list)
    train_cost: float = math.nan
    view: dict[str, Any] = field(default_factory=dict)


def moment_at(run: NetworkRun | SurfaceRace, iteration: int, sample: int,
              aspect: float | None) -> NetworkMoment | SurfaceMoment:
    """The run as it was at ``iteration`` (the nearest recorded one): what the views show while the
    timeline is scrubbed back. The run itself is not changed."""
    iteration = max(run.first_iteration if isinstance(run, NetworkRun) else 0, min(iteration, run.iteration))
    if isinstance(run, SurfaceRace):
        row = iteration
        return SurfaceMoment(iteration, run.history.view("paths", row, row + 1)[0].copy(),
                             run.history.view("costs", row, row + 1)[0].copy(),
                             run.history.view("paths", max(0, row + 1 - PEEK_PATH_ROWS), row + 1).copy())
    found = probe_at(run, iteration)
    if found is None:
        return NetworkMoment(iteration, None)
    it, probe = found
    row = it - run.first_iteration
    with np.errstate(all="ignore"):
        probe.loss_and_gradients(run.X_train, run.Y_train, run.loss, run.experiment["regularization"],
                                 run.experiment["reg_rate"])
    grads = probe.gradients
    return NetworkMoment(iteration, it, [w.copy() for w in probe.weights], [b.copy() for b in probe.biases],
                         [g.copy() for g in grads[0::2]], [g.copy() for g in grads[1::2]],
                         float(run.history.view("train_cost", row, row + 1)[0]),
                         network_view_data(run, False, sample, model=probe, aspect=aspect))


@dataclass(frozen=True)
class WorksheetAnswer:
    """A worksheet of the run's next iteration (a gdlab.core.teaching.worksheet.Worksheet), or None and the
    problem in words (a surface race, a network too big for a page)."""

    worksheet: Any
    problem: str | None = None
