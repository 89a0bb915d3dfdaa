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
``view``     show a view: ``data``, ``network``, ``inspector``, ``graph``, ``landscape``, ``curve``,
             ``surface``, ``surface3d`` (the tabs at the top right), ``trajectories``, ``gradients``,
             ``metrics``, ``sweep``, ``runs`` (the tabs at the bottom); ``cost`` is always on show. The
             view must suit the experiment (``curve`` a one-weight surface, ``surface`` a two-weight one,
             ``surface3d`` a two-weight one or a network, the rest of the top tabs, ``gradients`` and
             ``metrics`` a network).
``inspect``  open the backpropagation inspector (network experiments): a table with ``weight``
             (``"W1[2,1]"``: layer 1, from input 2 to neuron 1, as the window labels weights),
             ``phase`` (``input``, ``forward``, ``cost``, ``backward`` or ``update``; default
             ``input``) and ``layer`` (for ``forward``/``backward``; without it the pass is shown
             complete: ``forward`` at the output layer, ``backward`` at layer 1) and ``sample``
             (a training sample, counted from 1: the inspector traces that sample alone, in its
             "one sample" mode; without it, the whole batch).
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

import os
import re
import tomllib
from pathlib import Path

from ..files.presets import resources_dir
from ..io.reading import FileRefused, exists, is_file, read_bounded
from .lesson_check import MAX_STEPS, STEP_KEYS, Checker
from .lesson_layout import Layout
from .lesson_plan import BOTTOM_VIEWS, TOP_VIEWS, VIEW_NAMES, Inspect, Lesson, LessonError, Pause, Step

__all__ = ["Inspect", "Lesson", "LessonError", "Pause", "Step", "TOP_VIEWS", "BOTTOM_VIEWS", "VIEW_NAMES",
           "MAX_STEPS", "STEP_KEYS", "lesson_names", "lessons_dir", "load_lesson", "parse_lesson"]

MAX_FILE_BYTES = 64_000

_ORDER = ("one-weight", "backpropagation", "network-descent", "handwriting")


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
                          Layout.scan(head).step_at(line))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        above = raw[:exc.start].decode("utf-8", "replace")  # the step: the [[step]] headers above the bad byte
        raise LessonError(file, "not UTF-8 text", line, Layout.scan(above).step_at(line)) from None
    layout = Layout.scan(text)
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
    return Checker(file, path, layout).check(doc)
