"""What crosses the training thread's boundary, both ways (no Qt): one frozen dataclass per
command the session sends the worker, and the answers the worker sends back besides its frames
and the payloads of :mod:`gdlab.gui.view_data`.

Each is declared in one line — its name, what it does, its fields and their types — and made by
:func:`dataclasses.make_dataclass` (``Step(5).n == 5``; assigning a field raises). Every value in
a command is a plain number, string or tuple the session made: arrays never go to the worker, and
only copies of arrays come back.
"""
from __future__ import annotations

from dataclasses import make_dataclass
from typing import Any

from ..core.files.experiment import Experiment

WeightId = tuple[int, int, int]           # (layer, row, column) of a weight
Range = tuple[float, float] | None        # a view range; None: around the weight's path
Pairs = tuple[tuple[str, Any], ...]       # keyword values, e.g. (("learning_rate", 0.1),)


def _declare(name: str, doc: str, *fields: tuple[str, Any]) -> type:
    return make_dataclass(name, list(fields), frozen=True, namespace={"__doc__": doc, "__module__": __name__})


# -- commands: the session -> the worker -----------------------------------------------------
Load = _declare("Load", "Train ``experiment`` from iteration 0, at its own playback speed.", ("experiment", Experiment))
Start = _declare("Start", "Train on (until paused or the run ends).")
Pause = _declare("Pause", "Stop training; a frame says so.")
Step = _declare("Step", "``n`` iterations now, interruptibly (0: only a fresh frame).", ("n", int))
Reset = _declare("Reset", "Back to iteration 0 with the same initial weights.")
Reinitialize = _declare("Reinitialize", "Back to iteration 0 with new initial weights.", ("seed", int))
SetLearningRate = _declare("SetLearningRate", "α from the next step on.", ("learning_rate", float))
SetOptimizer = _declare("SetOptimizer", "Another optimiser (its state starts fresh).", ("name", str),
                        ("values", Pairs))
SetMaxIterations = _declare("SetMaxIterations", "The iteration limit.", ("n", int))
SetSpeed = _declare("SetSpeed", "Iterations per second; 0 means as fast as possible.",
                    ("iterations_per_second", float))
SetTracked = _declare("SetTracked", "The weights whose values the trajectories follow.", ("ids", tuple[WeightId, ...]))
SetStart = _declare("SetStart", "A race's common start point (the history starts again).", ("point", tuple[float, ...]))
Sweep = _declare("Sweep", "The learning-rate sweep of the experiment (training pauses).", ("lr_min", float),
                 ("lr_max", float), ("count", int), ("iterations", int))
CancelSweep = _declare("CancelSweep", "Stop the sweep; answered by SweepDone(None).")
Landscape = _declare("Landscape", "The cost over the plane of two weights, n × n points; a LandscapeSlice.",
                     ("wid_a", WeightId), ("wid_b", WeightId), ("x_range", Range), ("y_range", Range), ("n", int))
Trace = _declare("Trace", "The next iteration taken apart ('batch' or 'sample'); a BackpropTrace.", ("mode", str),
                 ("sample", int))
Sync = _declare("Sync", "A barrier: Synced(token) once every command before it has been handled.", ("token", Any))
Peek = _declare("Peek", "The run as it was at ``iteration``: a NetworkMoment or SurfaceMoment.", ("iteration", int))
Rewind = _declare("Rewind", "Back to ``iteration``; training goes on from there.", ("iteration", int))
Fork = _declare("Fork", "A twin with these changes, stepped in lockstep.", ("changes", Pairs))
Unfork = _declare("Unfork", "The twin is dropped.")
MakeWorksheet = _declare("MakeWorksheet", "A worksheet of the next iteration; a WorksheetAnswer.")
SetShown = _declare("SetShown", "The view data a shown view draws (VIEW_PARTS).", ("parts", frozenset[str]))
SetMapAspect = _declare("SetMapAspect", "The data view's width : height.", ("aspect", float))
SelectSample = _declare("SelectSample", "The training sample whose z and a the diagram shows.", ("index", int))
Quit = _declare("Quit", "The worker's loop ends (the thread then quits).")

# -- answers: the worker -> the session -------------------------------------------------------
Failed = _declare("Failed", "A command or a step raised: the traceback, for the user's message.", ("report", str))
SweepProgress = _declare("SweepProgress", "The share of the sweep done, 0 … 1.", ("fraction", float))
SweepDone = _declare("SweepDone", "A gdlab.core.run.sweep.SweepResult, or None when cancelled.", ("result", Any))
Synced = _declare("Synced", "Every command before Sync(token) has been handled.", ("token", Any))
