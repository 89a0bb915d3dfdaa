"""What a checked lesson is: its steps, the pauses it plans (the state each one shows) and the
views a lesson may name; :class:`LessonError` locates what is wrong in a lesson file.

The format and its checks are described in :mod:`gdlab.core.teaching.lessons`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files.experiment import Experiment
from ..run.training import NetworkRun
from ..views import BESIDE, BOTTOM, TOP, lesson_names

__all__ = ["BOTTOM_VIEWS", "Inspect", "Lesson", "LessonError", "Pause", "Step", "TOP_VIEWS", "VIEW_NAMES"]

# The views a lesson may name (from the catalogue, :mod:`gdlab.core.views`): the tabs at the top
# right, the tabs at the bottom, and the cost plot.
TOP_VIEWS = lesson_names(TOP)
BOTTOM_VIEWS = lesson_names(BOTTOM)
VIEW_NAMES = TOP_VIEWS + BOTTOM_VIEWS + lesson_names(BESIDE)


class LessonError(ValueError):
    """A malformed lesson. ``file``, ``line`` (1-based) and ``step`` (1-based) locate it when known."""

    def __init__(self, file: str, message: str, line: int | None = None, step: int | None = None):
        self.file, self.line, self.step, self.message = file, line, step, message
        where = [file] + ([f"line {line}"] if line else []) + ([f"step {step}"] if step else [])
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class Inspect:
    """The backprop inspector on one weight at one phase. ``weight`` is (layer, i, j), 0-based as
    :class:`~gdlab.core.run.training.NetworkRun` numbers weights; ``label`` is ``W1[2,1]`` (1-based).
    ``sample`` (0-based) traces that training sample alone; None traces the whole batch."""

    weight: tuple[int, int, int] = (0, 0, 0)
    phase: str = "input"
    layer: int | None = None
    sample: int | None = None

    @property
    def label(self) -> str:
        return NetworkRun.weight_label(self.weight)

    def phase_index(self, num_layers: int) -> int:
        """The index into the inspector's phases (see :func:`gdlab.core.teaching.backprop_trace._phases`):
        input, forward 1 … L, cost, backward L … 1, update."""
        L = num_layers
        if self.phase == "input":
            return 0
        if self.phase == "forward":
            return L if self.layer is None else self.layer
        if self.phase == "cost":
            return L + 1
        if self.phase == "backward":
            layer = 1 if self.layer is None else self.layer
            return L + 2 + (L - layer)
        return 2 * L + 2


@dataclass(frozen=True)
class Step:
    """One ``[[step]]`` of the file, validated; ``number`` and ``line`` locate it (1-based)."""

    number: int
    line: int
    load: str | None = None
    set: dict[str, Any] | None = None
    run_to: int | None = None
    run_to_end: bool = False
    view: str | None = None
    inspect: Inspect | None = None
    pause: str | None = None
    highlight: str | None = None
    export: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Pause:
    """The state one pause shows, reachable from scratch: load ``experiment``, step ``iterations``
    from iteration 0 (fewer if the run ends first), show ``view`` and ``bottom``, set the inspector
    (``inspect``, when ``view`` is the inspector), say ``caption``."""

    number: int                 # 1-based, among the pauses
    step: int                   # 1-based number of its [[step]]
    line: int
    experiment: Experiment
    iterations: int
    until_end: bool
    view: str                   # the top-right tab on show
    bottom: str                 # the bottom tab on show
    caption: str
    inspect: Inspect | None = None
    highlight: str | None = None
    export: str = "window"
    slug: str = ""

    @property
    def file_name(self) -> str:
        """The slide's file name in an export: ``03-gradient-sign.png``."""
        return f"{self.number:02d}-{self.slug}.png"


@dataclass(frozen=True)
class Lesson:
    name: str
    path: Path
    title: str
    summary: str
    steps: tuple[Step, ...]
    _pauses: tuple[Pause, ...] = field(repr=False, default=())

    def pauses(self) -> list[Pause]:
        """The plan: every pause with the state it shows (see the module docstring)."""
        return list(self._pauses)
