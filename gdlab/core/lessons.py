"""Lessons: a rehearsable sequence of steps through presets and experiments, written in TOML.

A lesson is a small TOML file (read with the standard library's :mod:`tomllib`; nothing in it is
ever executed). It has a ``title``, an optional ``summary`` and a list of ``[[step]]`` tables::

    title = "One weight, one cost curve"
    summary = "The gradient's sign gives the direction, the learning rate the step."

    [[step]]
    load = "lr-just-right"     # a preset name, or an experiment file (relative to this file)
    view = "curve"
    pause = "This is the cost J(w) = w² of one weight. We start at w = 1.5."

    [[step]]
    run_to = 1                 # run until iteration 1 (fewer if the run ends first)
    pause = "One step: w ← w − α·dJ/dw = 1.5 − 0.25·3 = 0.75."
    highlight = "curve"        # draw a coloured frame around a view during this pause

    [[step]]
    set = { learning_rate = 0.5, start = [1.5] }   # change parameters: training starts again at 0
    run = "end"                # run until converged, diverged or max_iterations
    pause = "With α = 0.5 one step lands exactly on the minimum."
    export = "curve"           # `gdlab lesson … --export DIR`: this slide shows the curve alone

    [[step]]
    load = "xor"
    inspect = { weight = "W1[2,1]", phase = "backward", layer = 1 }
    pause = "δ flows backward: the chain rule for one weight."

The keys of a step, applied in this order whatever their order in the file (a step may hold
several, so a typical step reads "load this, run to 5, show that view, pause and say this"):

``load``     a preset name (``gdlab presets``) or an experiment file, relative to the lesson
             file. Training starts from iteration 0 with the experiment's own settings; the view
             goes back to the first one of its kind (data, curve or surface) unless a later key
             names another.
``set``      a table of experiment parameters (``gdlab run --help`` lists them; ``runs`` too, for
             a race): applied to the experiment with :meth:`Experiment.replace`, so each value
             is checked by its declaration. Training starts again from iteration 0, as it does in
             the window when the data or the network changes.
``run_to``   a whole number N ≥ 0: run until iteration N (counted from the last load or set; the
             run stops sooner if it converges or diverges). N may not lie past the experiment's
             ``max_iterations`` or before an iteration already reached.
``run``      ``"end"``: run until the run converges, diverges or reaches ``max_iterations``.
``view``     show a view: ``data``, ``network``, ``inspector``, ``landscape``, ``curve``,
             ``surface`` (the tabs at the top right), ``trajectories``, ``gradients``, ``sweep``,
             ``runs`` (the tabs at the bottom); ``cost`` is always on show. The view must suit the
             experiment (``curve`` a one-weight surface, ``surface`` a two-weight one, the rest of
             the top tabs and ``gradients`` a network).
``inspect``  open the backpropagation inspector (network experiments): a table with ``weight``
             (``"W1[2,1]"``: layer 1, from input 2 to neuron 1, as the window labels weights),
             ``phase`` (``input``, ``forward``, ``cost``, ``backward`` or ``update``; default
             ``input``) and ``layer`` (for ``forward``/``backward``; without it the pass is shown
             complete: ``forward`` at the output layer, ``backward`` at layer 1).
``pause``    the caption of a pause: one or two sentences, shown in the window's message bar,
             large in lecture mode. Every step up to a pause sets the state the pause shows.
``highlight`` (with ``pause``) a view to point at: it is shown and framed in colour.
``export``   (with ``pause``) what this pause's slide shows in ``gdlab lesson NAME --export DIR``:
             ``window`` (the default) or one view.
``name``     (with ``pause``) a short name for the slide's file, ``03-name.png`` (default: the
             first words of the caption).

A lesson is checked completely when it is loaded: every key known, every value of its type,
every preset and file found, every parameter valid for its experiment, every view suited to the
experiment on show. An error is a :class:`LessonError` naming the file, the line and the step,
e.g. ``intro.toml, line 14, step 3: unknown key "runto" (did you mean run_to?); known: …``.

:meth:`Lesson.pauses` is the plan: for each pause, the state it shows — the experiment after the
loads and sets before it, the number of iterations to run from iteration 0, the views, the
inspector's weight and phase, the caption. Training is deterministic, so loading that experiment
and stepping exactly that many iterations reaches the same state every time: a pause can be
reached from scratch, forwards or backwards (:mod:`gdlab.gui.lesson_player` does so).
"""
from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .experiment import Experiment, ExperimentError
from .features import num_features
from .params import NETWORK, PARAMS_BY_NAME
from .presets import resolve, resources_dir
from .reading import FileRefused, exists, is_file, read_bounded
from .surfaces import get_surface
from .training import NetworkRun

__all__ = ["Inspect", "Lesson", "LessonError", "Pause", "Step", "TOP_VIEWS", "BOTTOM_VIEWS", "VIEW_NAMES",
           "lesson_names", "lessons_dir", "load_lesson", "parse_lesson"]

MAX_FILE_BYTES = 64_000
MAX_STEPS = 200
MAX_ITERATIONS = 200_000    # iterations a pause may ask for (it is rebuilt from scratch each time)
MAX_CAPTION = 400           # one or two sentences
MAX_TITLE, MAX_SUMMARY, MAX_NAME = 120, 300, 40

STEP_KEYS = ("load", "set", "run_to", "run", "view", "inspect", "pause", "highlight", "export", "name")
TOP_KEYS = ("title", "summary", "step")
INSPECT_KEYS = ("weight", "phase", "layer")
PHASES = ("input", "forward", "cost", "backward", "update")

# The views a lesson may name: the tabs at the top right, the tabs at the bottom, and the cost plot.
TOP_VIEWS = ("data", "network", "inspector", "landscape", "curve", "surface")
BOTTOM_VIEWS = ("trajectories", "gradients", "sweep", "runs")
VIEW_NAMES = TOP_VIEWS + BOTTOM_VIEWS + ("cost",)
_NETWORK_ONLY = frozenset({"data", "network", "inspector", "landscape", "gradients"})

_ORDER = ("one-weight", "backpropagation", "network-descent")


class LessonError(ValueError):
    """A malformed lesson. ``file``, ``line`` (1-based) and ``step`` (1-based) locate it when known."""

    def __init__(self, file: str, message: str, line: int | None = None, step: int | None = None):
        self.file, self.line, self.step, self.message = file, line, step, message
        where = [file] + ([f"line {line}"] if line else []) + ([f"step {step}"] if step else [])
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class Inspect:
    """The backprop inspector on one weight at one phase. ``weight`` is (layer, i, j), 0-based as
    :class:`~gdlab.core.training.NetworkRun` numbers weights; ``label`` is ``W1[2,1]`` (1-based)."""

    weight: tuple[int, int, int] = (0, 0, 0)
    phase: str = "input"
    layer: int | None = None

    @property
    def label(self) -> str:
        return NetworkRun.weight_label(self.weight)

    def phase_index(self, num_layers: int) -> int:
        """The index into the inspector's phases (see :func:`gdlab.core.backprop_trace._phases`):
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


# -- finding lessons ------------------------------------------------------------------------------
def lessons_dir() -> Path:
    return resources_dir() / "lessons"


def lesson_names() -> list[str]:
    """The shipped lessons, in the order they are taught."""
    order = {name: i for i, name in enumerate(_ORDER)}
    names = [p.stem for p in lessons_dir().glob("*.toml")] if lessons_dir().is_dir() else []
    return sorted(names, key=lambda n: (order.get(n, len(order)), n))


def lesson_heading(name: str) -> tuple[str, str]:
    """(title, summary) of a shipped lesson, read without checking its steps: cheap enough for a
    menu built at start-up (:func:`load_lesson` checks the lesson when it is played)."""
    doc = tomllib.loads((lessons_dir() / f"{name}.toml").read_text(encoding="utf-8"))
    return str(doc.get("title", name)).strip(), str(doc.get("summary", "")).strip()


def load_lesson(path_or_name: str | os.PathLike) -> Lesson:
    """A shipped lesson by name, or a lesson file by path; parsed and checked (see the module
    docstring). Raises :class:`LessonError`."""
    text = os.fspath(path_or_name)
    shipped = lessons_dir() / f"{text}.toml"
    if os.sep not in text and "/" not in text and is_file(shipped):
        path = shipped
    else:
        path = Path(text)
        if not exists(path):  # something that is there but not a file: read_bounded says what
            names = ", ".join(lesson_names()) or "none"
            raise LessonError(path.name, f"no lesson named {text!r} and no such file; lessons: {names}")
    try:
        raw = read_bounded(path, MAX_FILE_BYTES, "lesson file", keep_excess=True)  # parse_lesson says where
    except FileRefused as exc:
        raise LessonError(path.name, str(exc)) from None
    except OSError as exc:
        raise LessonError(path.name, f"cannot read it: {exc.strerror or exc}") from None
    return parse_lesson(raw, path)


def parse_lesson(raw: bytes | str, path: str | os.PathLike = "lesson.toml") -> Lesson:
    """Parse and check a lesson's text; ``path`` names it in errors and anchors relative files."""
    path = Path(path)
    file = path.name
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        head = raw[:MAX_FILE_BYTES].decode("utf-8", "replace")
        line = head.count("\n") + 1
        raise LessonError(file, f"the file passes {MAX_FILE_BYTES:,} bytes here; a lesson is at most "
                          f"{MAX_FILE_BYTES:,} bytes (a few dozen steps take a few kB)", line,
                          _Layout.scan(head).step_at(line))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        above = raw[:exc.start].decode("utf-8", "replace")  # the step: the [[step]] headers above the bad byte
        raise LessonError(file, "not UTF-8 text", line, _Layout.scan(above).step_at(line)) from None
    layout = _Layout.scan(text)
    try:
        doc = tomllib.loads(text)
    except RecursionError:
        raise LessonError(file, "its values are nested too deeply to read (brackets within brackets)") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column (\d+)\)$", message)
        line = int(found.group(1)) if found else max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", message)
        where = f" (column {found.group(2)})" if found else " (at the end of the file)"
        raise LessonError(file, f"not valid TOML: {reason}{where}", line, layout.step_at(line)) from None
    return _Checker(file, path, layout).check(doc)


# -- where things are in the text -------------------------------------------------------------------
@dataclass
class _Layout:
    """Line numbers of the top-level keys and of each ``[[step]]`` header and its keys.

    tomllib reports lines for syntax errors only; a semantic error is located by this scan of the
    text, which follows TOML's strings, comments and brackets well enough to find keys and headers.
    """

    top: dict[str, int] = field(default_factory=dict)
    steps: list[tuple[int, dict[str, int]]] = field(default_factory=list)  # (header line, {key: line})
    end: int = 1

    @classmethod
    def scan(cls, text: str) -> "_Layout":
        out = cls()
        lines = text.split("\n")
        out.end = max(1, len(lines) - (1 if text.endswith("\n") else 0))
        state = None  # None, '"', "'", '"""', "'''" (inside a string of that kind)
        depth = 0     # [ and { nesting of values
        section: str | None = None  # None: top level; "step": inside a [[step]]; other: another table
        for number, line in enumerate(lines, start=1):
            start_state, start_depth = state, depth
            if start_state is None and start_depth == 0:
                stripped = line.strip()
                header = re.match(r"^\[\[\s*([A-Za-z0-9_\-\"'. ]+?)\s*\]\]", stripped)
                table = re.match(r"^\[\s*([A-Za-z0-9_\-\"'. ]+?)\s*\]", stripped)
                key = re.match(r"^(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)\s*[.=]", stripped)
                if header:
                    parts = _key_parts(header.group(1))
                    if parts == ["step"]:
                        out.steps.append((number, {}))
                        section = "step"
                    elif parts[0] == "step" and out.steps:
                        out.steps[-1][1].setdefault(parts[1], number)
                        section = "other"
                    else:
                        out.top.setdefault(parts[0], number)
                        section = "other"
                    line = line[line.index("]]") + 2:]
                elif table:
                    parts = _key_parts(table.group(1))
                    if parts[0] == "step" and len(parts) > 1 and out.steps:
                        out.steps[-1][1].setdefault(parts[1], number)
                    else:
                        out.top.setdefault(parts[0], number)
                    section = "other"
                    line = line[line.index("]") + 1:]
                elif key:
                    name = _key_parts(key.group(1))[0]
                    if section == "step":
                        out.steps[-1][1].setdefault(name, number)
                    elif section is None:
                        out.top.setdefault(name, number)
            state, depth = _scan_line(line, state, depth)
        return out

    def step_at(self, line: int) -> int | None:
        """The 1-based step whose table holds ``line`` (None above the first ``[[step]]``)."""
        found = None
        for k, (header, _) in enumerate(self.steps, start=1):
            if header <= line:
                found = k
        return found

    def step_line(self, step: int, key: str | None = None) -> int:
        if 1 <= step <= len(self.steps):
            header, keys = self.steps[step - 1]
            return keys.get(key, header) if key else header
        return self.end


def _key_parts(text: str) -> list[str]:
    return [p.strip().strip("\"'") for p in text.split(".")]


def _scan_line(line: str, state: str | None, depth: int) -> tuple[str | None, int]:
    """Follow strings, comments and brackets through one line; returns the state at its end."""
    i, n = 0, len(line)
    while i < n:
        if state in ('"""', "'''"):
            if line.startswith(state, i):
                state, i = None, i + 3
                continue
            i += 2 if (state == '"""' and line[i] == "\\") else 1
            continue
        if state in ('"', "'"):
            if state == '"' and line[i] == "\\":
                i += 2
                continue
            if line[i] == state:
                state = None
            i += 1
            continue
        c = line[i]
        if c == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            state, i = line[i:i + 3], i + 3
            continue
        if c in "\"'":
            state = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    if state in ('"', "'"):
        state = None  # a one-line string cannot go on past the end of the line
    return state, depth


# -- checking ----------------------------------------------------------------------------------------
class _Checker:
    """Walks the parsed document step by step, keeping the state a player would be in."""

    def __init__(self, file: str, path: Path, layout: _Layout):
        self.file, self.path, self.layout = file, path, layout
        self.step_number = 0
        self.experiment: Experiment | None = None
        self.iterations = 0
        self.until_end = False
        self.view = self.bottom = ""
        self.inspect: Inspect | None = None

    def fail(self, message: str, key: str | None = None, step: int | None = None) -> LessonError:
        step = self.step_number if step is None else step
        if step:
            return LessonError(self.file, message, self.layout.step_line(step, key), step)
        return LessonError(self.file, message, self.layout.top.get(key or "", 1))

    def check(self, doc: dict[str, Any]) -> Lesson:
        unknown = [k for k in doc if k not in TOP_KEYS]
        if unknown:
            raise self.fail(_unknown("key", unknown[0], TOP_KEYS), unknown[0])
        title = doc.get("title")
        if not isinstance(title, str) or not title.strip():
            raise self.fail('missing title: start the file with title = "…"' if title is None else
                            f"title must be text, got {_kind(title)}", "title")
        if len(title) > MAX_TITLE:
            raise self.fail(f"the title has {len(title)} characters; at most {MAX_TITLE}", "title")
        summary = doc.get("summary", "")
        if not isinstance(summary, str) or len(summary) > MAX_SUMMARY:
            raise self.fail(f"summary must be text of at most {MAX_SUMMARY} characters", "summary")
        steps = doc.get("step")
        if steps is None:
            raise self.fail("no steps: add [[step]] tables, e.g. [[step]] load = \"lr-just-right\"")
        if not isinstance(steps, list) or not all(isinstance(s, dict) for s in steps):
            raise self.fail("step must be a list of [[step]] tables", "step")
        if len(steps) > MAX_STEPS:
            raise self.fail(f"{len(steps)} steps; a lesson has at most {MAX_STEPS}", step=MAX_STEPS + 1)
        checked: list[Step] = []
        pauses: list[Pause] = []
        for number, raw in enumerate(steps, start=1):
            self.step_number = number
            step = self.check_step(raw)
            checked.append(step)
            if step.pause is not None:
                pauses.append(self.pause_of(step, len(pauses) + 1))
        self.step_number = 0
        if not pauses:
            raise self.fail("the lesson has no pause: add pause = \"…\" to a step", step=len(steps))
        name = self.path.stem
        return Lesson(name=name, path=self.path, title=title.strip(), summary=summary.strip(), steps=tuple(checked),
                      _pauses=tuple(pauses))

    # -- one step ------------------------------------------------------------------------------------
    def check_step(self, raw: dict[str, Any]) -> Step:
        unknown = [k for k in raw if k not in STEP_KEYS]
        if unknown:
            raise self.fail(_unknown("key", unknown[0], STEP_KEYS), unknown[0])
        for key in ("highlight", "export", "name"):
            if key in raw and "pause" not in raw:
                raise self.fail(f"{key} belongs to a pause: add pause = \"…\" to this step", key)
        if not raw:
            raise self.fail("a step with no action: give it one of " + ", ".join(STEP_KEYS[:7]))
        if "run" in raw and "run_to" in raw:
            raise self.fail("a step has run or run_to, not both", "run")
        values: dict[str, Any] = {"number": self.step_number, "line": self.layout.step_line(self.step_number)}
        if "load" in raw:
            values["load"] = self.do_load(raw["load"])
        if "set" in raw:
            values["set"] = self.do_set(raw["set"])
        if "run_to" in raw:
            values["run_to"] = self.do_run_to(raw["run_to"])
        if "run" in raw:
            values["run_to_end"] = self.do_run_end(raw["run"])
        if "view" in raw:
            values["view"] = self.do_view(raw["view"], "view")
        if "inspect" in raw:
            values["inspect"] = self.do_inspect(raw["inspect"])
        if "pause" in raw:
            values["pause"] = self.do_pause(raw["pause"])
            for key in ("highlight", "export"):
                if key in raw:
                    values[key] = self.do_view(raw[key], key, allow_window=key == "export")
            if "name" in raw:
                values["name"] = self.do_name(raw["name"])
        return Step(**values)

    def need_experiment(self, key: str) -> Experiment:
        if self.experiment is None:
            raise self.fail(f"{key} needs an experiment: load a preset or an experiment file first "
                            f"(load = \"lr-just-right\")", key)
        return self.experiment

    def do_load(self, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"load must be a preset name or a file name, got {_kind(value)}", "load")
        text = value.strip()
        try:
            experiment = resolve(text, base=self.path.parent)  # a file's name is taken from the lesson's folder
        except ExperimentError as exc:
            raise self.fail(f"cannot load {text!r}: {exc}", "load") from None
        self.restart(experiment)
        self.view, self.bottom = _default_view(experiment), "trajectories"
        self.inspect = None
        return text

    def do_set(self, value: Any) -> dict[str, Any]:
        experiment = self.need_experiment("set")
        if not isinstance(value, dict) or not value:
            raise self.fail("set must be a table of parameters, e.g. set = { learning_rate = 0.1 }", "set")
        for key in value:
            if key not in PARAMS_BY_NAME and key != "runs":
                raise self.fail(_unknown("parameter", key, tuple(PARAMS_BY_NAME) + ("runs",)), "set")
        try:
            changed = experiment.replace(**value)
        except ExperimentError as exc:
            raise self.fail(f"set: {exc}", "set") from None
        except TypeError as exc:  # a TOML date or time where a number belongs, in a run
            raise self.fail(f"set: {exc}", "set") from None
        self.restart(changed)
        if not _view_suits(self.view, changed):
            self.view = _default_view(changed)
        if not _view_suits(self.bottom, changed):
            self.bottom = "trajectories"
        if self.inspect is not None and _weight_problem(self.inspect.weight, changed) is not None:
            self.inspect = None
        return dict(value)

    def restart(self, experiment: Experiment) -> None:
        self.experiment = experiment
        self.iterations, self.until_end = 0, False

    def do_run_to(self, value: Any) -> int:
        experiment = self.need_experiment("run_to")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"run_to must be a whole number of iterations, got {_kind(value)}", "run_to")
        if value < 0:
            raise self.fail(f"run_to must be 0 or more, got {value}", "run_to")
        if self.until_end:
            raise self.fail("the run has already gone to its end (run = \"end\"); load or set to start again",
                            "run_to")
        if value < self.iterations:
            raise self.fail(f"run_to = {value} lies before iteration {self.iterations}, already reached; "
                            "load or set to start again from 0", "run_to")
        limit = experiment["max_iterations"]
        if value > limit:
            raise self.fail(f"run_to = {value} lies past the experiment's max_iterations ({limit}); raise it "
                            f"with set = {{ max_iterations = {value} }}", "run_to")
        if value > MAX_ITERATIONS:
            raise self.fail(f"run_to = {value}: a pause runs at most {MAX_ITERATIONS:,} iterations", "run_to")
        self.iterations = value
        return value

    def do_run_end(self, value: Any) -> bool:
        experiment = self.need_experiment("run")
        if value != "end":
            raise self.fail(f"run must be \"end\" (until converged, diverged or max_iterations), got "
                            f"{_kind(value)}; use run_to = N for iteration N", "run")
        limit = experiment["max_iterations"]
        if limit > MAX_ITERATIONS:
            raise self.fail(f"run = \"end\" would run up to max_iterations = {limit:,}; a pause runs at most "
                            f"{MAX_ITERATIONS:,}: set a smaller max_iterations", "run")
        self.iterations, self.until_end = limit, True
        return True

    def do_view(self, value: Any, key: str, allow_window: bool = False) -> str:
        experiment = self.need_experiment(key)
        names = VIEW_NAMES + (("window",) if allow_window else ())
        if not isinstance(value, str) or value not in names:
            if isinstance(value, str):
                raise self.fail(_unknown("view", value, names), key)
            raise self.fail(f"{key} must be a view name ({', '.join(names)}), got {_kind(value)}", key)
        if value != "window" and not _view_suits(value, experiment):
            raise self.fail(f"the view {value} does not suit {experiment.name}: {_view_needs(value)}", key)
        if value in TOP_VIEWS:
            if value != self.view:
                self.inspect = None
            self.view = value
        elif value in BOTTOM_VIEWS:
            self.bottom = value
        return value

    def do_inspect(self, value: Any) -> Inspect:
        experiment = self.need_experiment("inspect")
        if experiment.kind != NETWORK:
            raise self.fail(f"the inspector takes a network apart; {experiment.name} is a cost surface", "inspect")
        if not isinstance(value, dict):
            raise self.fail('inspect must be a table, e.g. inspect = { weight = "W1[1,1]", phase = "backward" }',
                            "inspect")
        unknown = [k for k in value if k not in INSPECT_KEYS]
        if unknown:
            raise self.fail("inspect: " + _unknown("key", unknown[0], INSPECT_KEYS), "inspect")
        sizes = _layer_sizes(experiment)
        L = len(sizes) - 1
        weight = (0, 0, 0)
        if "weight" in value:
            text = value["weight"]
            pattern = r"\s*W(\d{1,6})\[\s*(\d{1,6})\s*,\s*(\d{1,6})\s*\]\s*"  # 5,000 digits are not an index
            found = re.fullmatch(pattern, text) if isinstance(text, str) else None
            if found is None:
                raise self.fail(f"inspect: weight must read like \"W1[2,1]\" (layer 1, from input 2 to neuron 1), "
                                f"got {_kind(text)}", "inspect")
            weight = (int(found.group(1)) - 1, int(found.group(2)) - 1, int(found.group(3)) - 1)
            problem = _weight_problem(weight, experiment)
            if problem:
                raise self.fail(f"inspect: {problem}", "inspect")
        phase = value.get("phase", "input")
        if phase not in PHASES:
            raise self.fail("inspect: " + (_unknown("phase", phase, PHASES) if isinstance(phase, str) else
                                           f"phase must be one of {', '.join(PHASES)}, got {_kind(phase)}"),
                            "inspect")
        layer = value.get("layer")
        if layer is not None:
            if phase not in ("forward", "backward"):
                raise self.fail(f"inspect: layer goes with the forward or backward phase, not {phase}", "inspect")
            if isinstance(layer, bool) or not isinstance(layer, int) or not 1 <= layer <= L:
                raise self.fail(f"inspect: layer must be a whole number from 1 to {L} (this network has {L} "
                                f"layers of weights), got {_kind(layer)}", "inspect")
        self.view = "inspector"
        self.inspect = Inspect(weight, phase, layer)
        return self.inspect

    def do_pause(self, value: Any) -> str:
        self.need_experiment("pause")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"pause must be a caption (one or two sentences), got {_kind(value)}", "pause")
        text = " ".join(value.split())
        if len(text) > MAX_CAPTION:
            raise self.fail(f"the caption has {len(text)} characters; keep it to one or two sentences "
                            f"(at most {MAX_CAPTION})", "pause")
        return text

    def do_name(self, value: Any) -> str:
        if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value) or len(value) > MAX_NAME:
            raise self.fail(f"name must be a short slug such as \"gradient-sign\" (lower-case letters, digits and "
                            f"dashes, at most {MAX_NAME}), got {_kind(value)}", "name")
        return value

    def pause_of(self, step: Step, number: int) -> Pause:
        inspect = self.inspect
        if self.view == "inspector" and inspect is None:
            inspect = Inspect()  # the inspector at its start, on the first weight: the same each time
        experiment, caption = self.experiment, step.pause
        assert experiment is not None and caption is not None  # a pause step; do_pause checked the experiment
        return Pause(number=number, step=step.number, line=step.line, experiment=experiment,
                     iterations=self.iterations, until_end=self.until_end, view=self.view, bottom=self.bottom,
                     caption=caption, inspect=inspect if self.view == "inspector" else None,
                     highlight=step.highlight, export=step.export or "window",
                     slug=step.name or _slug(caption))


# -- helpers --------------------------------------------------------------------------------------------
def _unknown(what: str, name: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown {what} \"{name}\"{hint}; known: {', '.join(known)}"


def _kind(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f"text \"{shown}\""
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _default_view(experiment: Experiment) -> str:
    if experiment.kind == NETWORK:
        return "data"
    return "curve" if get_surface(experiment["surface"]).dim == 1 else "surface"


def _view_suits(view: str, experiment: Experiment) -> bool:
    if view in _NETWORK_ONLY:
        return experiment.kind == NETWORK
    if view in ("curve", "surface"):
        return experiment.kind != NETWORK and get_surface(experiment["surface"]).dim == (1 if view == "curve" else 2)
    return True


def _view_needs(view: str) -> str:
    if view in _NETWORK_ONLY:
        return "it shows a network"
    return "it shows a cost of one weight" if view == "curve" else "it shows a cost of two weights"


def _layer_sizes(experiment: Experiment) -> list[int]:
    d, k = experiment.data_dims()
    return [num_features(d, experiment["features"]), *experiment["hidden_layers"], k]


def _weight_problem(weight: tuple[int, int, int], experiment: Experiment) -> str | None:
    """None if the network of ``experiment`` has this weight, else why not, in words."""
    if experiment.kind != NETWORK:
        return "a cost surface has no network weights"
    sizes = _layer_sizes(experiment)
    l, i, j = weight
    label = NetworkRun.weight_label(weight)
    if not 0 <= l < len(sizes) - 1:
        return f"no {label}: the network has weight layers W1 … W{len(sizes) - 1}"
    if not (0 <= i < sizes[l] and 0 <= j < sizes[l + 1]):
        return (f"no {label}: W{l + 1} connects {sizes[l]} neuron(s) to {sizes[l + 1]}, so "
                f"W{l + 1}[i,j] needs 1 ≤ i ≤ {sizes[l]} and 1 ≤ j ≤ {sizes[l + 1]}")
    return None


def _slug(caption: str) -> str:
    words = re.findall(r"[a-z0-9]+", caption.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 32:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or "pause"
