"""Driving a run for figures made without a window (through :mod:`gdlab.core.run.driver`): a fresh run
stepped to its end, and the worker-style :class:`~gdlab.gui.view_data.Frame` records a headless view
is fed from.

:func:`refresh` draws what a view was fed, and :func:`fit_to_data` sets a finished figure's axes.
The views themselves are in :mod:`gdlab.gui.figures.view_registry` (the registry) and
:mod:`gdlab.gui.figures.render` (the views registered).
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QWidget

from ...core.files.experiment import Experiment
from ...core.params import NETWORK
from ...core.run.driver import Driver
from ...core.run.training import make_run
from ..view_data import Frame

__all__ = ["fit_to_data", "record_frames", "refresh", "run_experiment"]


def run_experiment(experiment: Experiment, iterations: int | None = None,
                   progress: Callable[[int, int], Any] | None = None):
    """A fresh run of ``experiment`` stepped to ``iterations`` (default: its max_iterations) or to its
    end; ``progress(iteration, max_iterations)`` after each block of 1000 iterations."""
    if iterations is not None:
        experiment = experiment.replace(max_iterations=int(iterations))
    run = make_run(experiment)
    for iteration in Driver(run).chunks(chunk=1000):
        if progress is not None:
            progress(iteration, experiment["max_iterations"])
    return run


def _frame(run, experiment: Experiment, since: int, fresh: bool, sample: int = 0,
           parts: frozenset[str] = frozenset()) -> Frame:
    """What the worker would emit now: rows since ``since`` and the view data (of training sample
    ``sample``; ``parts``: besides the usual, e.g. ``{"graph"}``)."""
    from ..view_data import VIEW_PARTS, network_view_data

    snap = run.snapshot(since)
    view: dict[str, Any] = (network_view_data(run, fresh, sample=sample, parts=VIEW_PARTS | parts)
                            if run.kind == NETWORK else {})
    return Frame(snapshot=snap, experiment=experiment, running=False, iters_per_s=0.0, fresh=fresh, view=view)


def record_frames(experiment: Experiment, every: int, iterations: int | None = None,
                  progress: Callable[[int, int], Any] | None = None) -> list[Frame]:
    """Step a fresh run and record a worker-style frame at iterations 0, k, 2k, … and at the end.

    Frame ``i`` carries the history rows since frame ``i − 1``, so feeding the frames in order
    rebuilds the whole history.
    """
    if every < 1:
        raise ValueError("frames need at least one iteration between them")
    if iterations is not None:
        experiment = experiment.replace(max_iterations=int(iterations))
    run = make_run(experiment)
    total = experiment["max_iterations"]
    frames = [_frame(run, experiment, 0, True)]
    since = len(frames[0].snapshot.iterations)
    for iteration in Driver(run).chunks(chunk=every):
        frames.append(_frame(run, experiment, since, False))
        since += len(frames[-1].snapshot.iterations)
        if progress is not None:
            progress(iteration, total)
    return frames


def refresh(widget: QWidget) -> None:
    """Draw what a view was fed (the window's redraw timer does this in the app)."""
    fn = getattr(widget, "refresh", None)
    if callable(fn):
        fn()


def fit_to_data(widget: QWidget) -> None:
    """Axes that just hold the whole history (the window's plots *follow* a growing run with
    ranges that step ahead of it; a finished figure needs no room to grow)."""
    import pyqtgraph as pg

    plots = ([widget] if isinstance(widget, pg.PlotWidget) else []) + widget.findChildren(pg.PlotWidget)
    for plot in plots:
        if getattr(plot, "following", False):
            plot.following = False
            plot.getPlotItem().vb.enableAutoRange()
