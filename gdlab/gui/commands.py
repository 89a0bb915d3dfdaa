"""What crosses the training thread's boundary, both ways (no Qt): one frozen dataclass per
command the session sends the worker, and the answers the worker sends back besides its frames
(:class:`~gdlab.gui.view_data.Frame` and the payloads in :mod:`gdlab.gui.view_data`).

Every value in a command is a plain number, string or tuple the session made (arrays never go to
the worker; copies of arrays come back).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.experiment import Experiment

WeightId = tuple[int, int, int]   # (layer, row, column) of a weight
Range = tuple[float, float] | None


# -- commands: the session -> the worker -----------------------------------------------------
@dataclass(frozen=True)
class Load:
    """Train ``experiment`` from iteration 0 (at its own playback speed)."""
    experiment: Experiment


@dataclass(frozen=True)
class Start:
    pass


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class Step:
    """``n`` iterations now, interruptibly (0: just a fresh frame)."""
    n: int


@dataclass(frozen=True)
class Reset:
    pass


@dataclass(frozen=True)
class Reinitialize:
    seed: int


@dataclass(frozen=True)
class SetLearningRate:
    learning_rate: float


@dataclass(frozen=True)
class SetOptimizer:
    name: str
    values: tuple[tuple[str, Any], ...] = ()   # the optimiser's hyperparameters, as (name, value) pairs


@dataclass(frozen=True)
class SetMaxIterations:
    n: int


@dataclass(frozen=True)
class SetSpeed:
    """Iterations per second; 0 means as fast as possible."""
    iterations_per_second: float


@dataclass(frozen=True)
class SetTracked:
    ids: tuple[WeightId, ...]


@dataclass(frozen=True)
class SetStart:
    point: tuple[float, ...]


@dataclass(frozen=True)
class Sweep:
    lr_min: float
    lr_max: float
    count: int
    iterations: int


@dataclass(frozen=True)
class CancelSweep:
    pass


@dataclass(frozen=True)
class Landscape:
    """The cost over the plane of two weights, n × n points (a range None: around the weight's path)."""
    wid_a: WeightId
    wid_b: WeightId
    x_range: Range
    y_range: Range
    n: int


@dataclass(frozen=True)
class Trace:
    mode: str      # "batch" or "sample"
    sample: int


@dataclass(frozen=True)
class Sync:
    """A barrier: answered by :class:`Synced` once every command before it has been handled."""
    token: Any


@dataclass(frozen=True)
class Peek:
    iteration: int


@dataclass(frozen=True)
class Rewind:
    iteration: int


@dataclass(frozen=True)
class Fork:
    changes: tuple[tuple[str, Any], ...]   # e.g. (("learning_rate", 0.1),)


@dataclass(frozen=True)
class Unfork:
    pass


@dataclass(frozen=True)
class MakeWorksheet:
    pass


@dataclass(frozen=True)
class SetShown:
    parts: frozenset[str]


@dataclass(frozen=True)
class SetMapAspect:
    aspect: float


@dataclass(frozen=True)
class SelectSample:
    index: int


@dataclass(frozen=True)
class Quit:
    pass


# -- answers: the worker -> the session (besides frames and the view_data payloads) -----------
@dataclass(frozen=True)
class Failed:
    report: str      # a traceback, for the user's error message


@dataclass(frozen=True)
class SweepProgress:
    fraction: float  # 0 … 1


@dataclass(frozen=True)
class SweepDone:
    result: Any      # a gdlab.core.sweep.SweepResult, or None when cancelled


@dataclass(frozen=True)
class Synced:
    token: Any
