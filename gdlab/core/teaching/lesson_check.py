"""Checking a parsed lesson step by step, in the state a player would be in: every key known,
every value of its type, every preset and file found, every parameter valid for its experiment,
every view suited to the experiment on show; the result is a :class:`~gdlab.core.teaching.lesson_plan.Lesson`
with its plan of pauses. The format is described in :mod:`gdlab.core.teaching.lessons`.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from ..files.experiment import Experiment, ExperimentError
from ..files.presets import resolve
from ..params import NETWORK, PARAMS_BY_NAME
from ..run.training import NetworkRun
from ..views import view
from .lesson_layout import Layout
from .lesson_plan import BOTTOM_VIEWS, TOP_VIEWS, VIEW_NAMES, Inspect, Lesson, LessonError, Pause, Step

__all__ = ["Checker", "INSPECT_KEYS", "MAX_CAPTION", "MAX_ITERATIONS", "MAX_STEPS", "PHASES", "STEP_KEYS",
           "TOP_KEYS"]

MAX_STEPS = 200
MAX_ITERATIONS = 200_000    # iterations a pause may ask for (it is rebuilt from scratch each time)
MAX_CAPTION = 400           # one or two sentences
MAX_TITLE, MAX_SUMMARY, MAX_NAME = 120, 300, 40

STEP_KEYS = ("load", "set", "run_to", "run", "view", "inspect", "pause", "highlight", "export", "name")
TOP_KEYS = ("title", "summary", "step")
INSPECT_KEYS = ("weight", "phase", "layer", "sample")
PHASES = ("input", "forward", "cost", "backward", "update")


class Checker:
    """Walks the parsed document step by step, keeping the state a player would be in."""

    def __init__(self, file: str, path: Path, layout: Layout):
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
        sizes = experiment.layer_sizes()
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
        sample = value.get("sample")
        if sample is not None:
            n = experiment.points.n_samples if experiment.points is not None else experiment["n_samples"]
            n_train = n - round(experiment["test_fraction"] * n)
            if isinstance(sample, bool) or not isinstance(sample, int) or not 1 <= sample <= n_train:
                raise self.fail(f"inspect: sample must be a whole number from 1 to {n_train} (a training sample "
                                f"of {experiment.name}), got {_kind(sample)}", "inspect")
            sample -= 1
        self.view = "inspector"
        self.inspect = Inspect(weight, phase, layer, sample)
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
    """The first tab at the top that suits the experiment: data, curve or surface."""
    return next(name for name in TOP_VIEWS if view(name).suits(experiment))


def _view_suits(name: str, experiment: Experiment) -> bool:
    return view(name).suits(experiment)


def _view_needs(name: str) -> str:
    if view(name).dim:
        return "it shows a cost of one weight" if view(name).dim == 1 else "it shows a cost of two weights"
    return "it shows a network"


def _weight_problem(weight: tuple[int, int, int], experiment: Experiment) -> str | None:
    """None if the network of ``experiment`` has this weight, else why not, in words."""
    if experiment.kind != NETWORK:
        return "a cost surface has no network weights"
    sizes = experiment.layer_sizes()
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
