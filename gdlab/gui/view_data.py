"""What crosses from the worker to the views (no Qt): the :class:`Frame` it sends, and what the
network's views draw besides the history, computed from a run (the headless exports in render.py
feed the same to their views)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.experiment import Experiment
from ..core.training import NetworkRun

MAX_DIAGRAM_LAYERS, MAX_DIAGRAM_NEURONS = 8, 16  # neuron thumbnails only for diagrams drawn neuron by neuron
THUMBNAIL_RESOLUTION = 24
VIEW_PARTS = frozenset({"map", "network"})  # the data view's output map; the diagram's sample and neuron maps


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
    ending: str = ""              # a finished race's ending in words (gdlab.core.outcome)


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
    the input plane ("map"), the selected sample's z and a and each neuron's output map for small
    networks ("network"), and on a fresh start the points, the input labels and the number of
    training samples. A view whose part is left out keeps what it drew last."""
    view = run.view_data(include_points=fresh, model=model, aspect=aspect) if fresh or "map" in parts else {}
    if "network" in parts:
        view["sample"] = run.sample_activations(sample, model=model)
        sizes = run.model.layer_sizes
        if len(sizes) - 1 <= MAX_DIAGRAM_LAYERS and max(sizes) <= MAX_DIAGRAM_NEURONS:
            view["neuron_maps"] = run.neuron_maps(THUMBNAIL_RESOLUTION, model=model)
    if fresh:
        view["input_labels"] = list(run.input_labels)
        view["n_train"] = len(run.X_train)
    return view
