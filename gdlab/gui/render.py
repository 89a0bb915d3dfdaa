"""Views for figures made without a window: a run's history fed to a plot, as the window feeds it.

``gdlab export`` and the animated-GIF export build their views here. Each view is fed exactly
the way :class:`~gdlab.gui.main_window.MainWindow` feeds it from the worker: a first *fresh*
:class:`~gdlab.gui.worker.Frame` configures it, later frames append history rows, and
``refresh()`` draws. So an exported figure is the picture the window would show, computed from
the recorded history, never grabbed from a screen.

The registry contract
---------------------
``VIEWS`` maps a view name (``gdlab export --view NAME``) to a :class:`ViewSpec`:

``create(experiment, theme) -> QWidget``
    An empty view in ``theme`` (a :class:`~gdlab.gui.palette.Theme`). Not yet shown or sized:
    :mod:`gdlab.gui.export` sizes and shows it (offscreen is fine) before rendering.
``feed(widget, frame) -> None``
    Give the view one worker :class:`Frame`: ``frame.snapshot`` holds the history rows since
    the previous frame (all rows when ``frame.fresh``); ``frame.view`` holds the run's
    ``view_data()`` when it is due (always in a fresh frame). Make the calls
    ``MainWindow._on_frame``/``_configure_plots`` make. The caller then calls ``refresh()`` if the
    widget has one.
``applies(experiment) -> str | None``
    None when the view can show this experiment, else the reason in words (it becomes the
    message of :class:`ViewNotApplicable`, and ``gdlab export`` exits with status 2).

A spec is also callable as ``spec(run, experiment, size, theme) -> QWidget`` (the view fed the
run's whole history, refreshed, not yet shown) — see :func:`build_view`.

To add a view, write ``create`` and ``feed`` and register them::

    register(ViewSpec("surface", "Cost surface", create=_create_surface, feed=_feed_surface,
                      applies=_two_weights_only))

A view that is not ready yet is registered with :func:`unavailable`; asking for it raises
:class:`ViewUnavailable` with a clear message. ``"sheet"`` (the one-page handout) is built from
the views listed in :func:`sheet_views`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from PySide6.QtWidgets import QWidget

from ..core import landscape
from ..core.experiment import Experiment
from ..core.params import NETWORK, SURFACE
from ..core.surfaces import get_surface
from ..core.training import CONVERGED, DIVERGED, FINISHED, make_run
from .palette import LIGHT, Theme, series_color
from .view_data import Frame

__all__ = ["VIEWS", "ViewError", "ViewNotApplicable", "ViewSpec", "ViewUnavailable", "build_view",
           "feed_frames", "fit_to_data", "get_view", "record_frames", "register", "run_experiment", "sheet_views",
           "unavailable", "view_names"]


class ViewError(Exception):
    """A view that cannot be made: the message says why in one line."""


class ViewNotApplicable(ViewError):
    """The view does not show this kind of experiment (e.g. ``data`` for a cost surface)."""


class ViewUnavailable(ViewError):
    """The view is not available in this version of gdlab."""


@dataclass(frozen=True)
class ViewSpec:
    """One exportable view; see the module docstring for the contract."""

    name: str
    title: str
    create: Callable[[Experiment, Theme], QWidget]
    feed: Callable[[QWidget, Frame], None]
    applies: Callable[[Experiment], str | None] = lambda experiment: None
    available: bool = True

    def check(self, experiment: Experiment) -> None:
        """Raise :class:`ViewError` if this view cannot show ``experiment``."""
        if not self.available:
            raise ViewUnavailable(f"the {self.name} view ({self.title}) cannot be exported yet in this "
                                  f"version of gdlab; available views: {', '.join(view_names(experiment))}")
        reason = self.applies(experiment)
        if reason:
            raise ViewNotApplicable(f"the {self.name} view does not apply to {experiment.name!r}: {reason}; "
                                    f"views for it: {', '.join(view_names(experiment))}")

    def __call__(self, run, experiment: Experiment, size: tuple[int, int] | None = None,
                 theme: Theme | None = None) -> QWidget:
        return build_view(self.name, run, experiment, size, theme)


VIEWS: dict[str, ViewSpec] = {}


def register(spec: ViewSpec) -> ViewSpec:
    """Add (or replace) a view in :data:`VIEWS`."""
    VIEWS[spec.name] = spec
    return spec


def unavailable(name: str, title: str, applies: Callable[[Experiment], str | None] | None = None) -> ViewSpec:
    """A placeholder for a view still to come: asking for it raises :class:`ViewUnavailable`."""
    def not_yet(*_args) -> Any:
        raise ViewUnavailable(f"the {name} view cannot be exported yet")

    return ViewSpec(name, title, not_yet, not_yet, applies or (lambda experiment: None), available=False)


def view_names(experiment: Experiment | None = None) -> list[str]:
    """The registered views that can show ``experiment`` (all registered names when None)."""
    if experiment is None:
        return list(VIEWS)
    return [n for n, s in VIEWS.items() if s.available and not s.applies(experiment)]


def get_view(name: str, experiment: Experiment | None = None) -> ViewSpec:
    """The spec of view ``name``, checked against ``experiment``; raises :class:`ViewError`."""
    spec = VIEWS.get(name)
    if spec is None:
        raise ViewError(f"unknown view {name!r}; views: {', '.join(VIEWS)}")
    if experiment is not None:
        spec.check(experiment)
    return spec


# -- driving a run --------------------------------------------------------------------------------
def run_experiment(experiment: Experiment, iterations: int | None = None,
                   progress: Callable[[int, int], Any] | None = None):
    """A fresh run of ``experiment`` stepped to ``iterations`` (default: its max_iterations) or to its
    end; ``progress(iteration, max_iterations)`` after each block of 1000 iterations."""
    if iterations is not None:
        experiment = experiment.replace(max_iterations=int(iterations))
    run = make_run(experiment)
    while not run.finished:
        run.step(1000)
        if progress is not None:
            progress(run.iteration, experiment["max_iterations"])
    return run


def _frame(run, experiment: Experiment, since: int, fresh: bool) -> Frame:
    """What the worker would emit now: rows since ``since`` and the view data."""
    from .view_data import network_view_data

    snap = run.snapshot(since)
    view: dict[str, Any] = network_view_data(run, fresh, sample=0) if run.kind == NETWORK else {}
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
    while not run.finished:
        run.step(every)
        frames.append(_frame(run, experiment, since, False))
        since += len(frames[-1].snapshot.iterations)
        if progress is not None:
            progress(run.iteration, total)
    return frames


def feed_frames(spec: ViewSpec, widget: QWidget, frames: list[Frame]) -> None:
    for frame in frames:
        spec.feed(widget, frame)
    refresh(widget)


def refresh(widget: QWidget) -> None:
    """Draw what a view was fed (the window's redraw timer does this in the app)."""
    fn = getattr(widget, "refresh", None)
    if callable(fn):
        fn()


def build_view(name: str, run, experiment: Experiment, size: tuple[int, int] | None = None,
               theme: Theme | None = None) -> QWidget:
    """View ``name`` fed the whole history of ``run`` and refreshed; resized to ``size`` if given
    (it is shown only when exported)."""
    spec = get_view(name, experiment)
    widget = spec.create(experiment, theme or LIGHT)
    feed_frames(spec, widget, [_frame(run, experiment, 0, True)])
    fit_to_data(widget)
    if size is not None:
        widget.resize(*size)
    return widget


def fit_to_data(widget: QWidget) -> None:
    """Axes that just hold the whole history (the window's plots *follow* a growing run with
    ranges that step ahead of it; a finished figure needs no room to grow)."""
    import pyqtgraph as pg

    plots = ([widget] if isinstance(widget, pg.PlotWidget) else []) + widget.findChildren(pg.PlotWidget)
    for plot in plots:
        if getattr(plot, "following", False):
            plot.following = False
            plot.getPlotItem().vb.enableAutoRange()


def sheet_views(experiment: Experiment) -> list[str]:
    """The views a handout sheet shows, in order: the cost, the main picture, the trajectories.

    Views that are not available yet are left out.
    """
    if experiment.kind == NETWORK:
        wanted = ["cost", "data", "trajectories"]
    else:
        dim = get_surface(experiment["surface"]).dim
        wanted = ["cost", "curve" if dim == 1 else "surface", "trajectories"]
    return [n for n in wanted if n in VIEWS and VIEWS[n].available and not VIEWS[n].applies(experiment)]


# -- applicability -------------------------------------------------------------------------------
def _kinds(*kinds: str) -> Callable[[Experiment], str | None]:
    def applies(experiment: Experiment) -> str | None:
        if experiment.kind in kinds:
            return None
        return (f"it shows {' and '.join(kinds)} experiments, and this is a {experiment.kind} experiment")
    return applies


def _surface_dim(dim: int) -> Callable[[Experiment], str | None]:
    def applies(experiment: Experiment) -> str | None:
        if experiment.kind != SURFACE:
            return f"it shows a cost surface, and this is a {experiment.kind} experiment"
        actual = get_surface(experiment["surface"]).dim
        if actual != dim:
            return f"it shows {dim}-weight surfaces, and {experiment['surface']} has {actual}"
        return None
    return applies


# -- cost ------------------------------------------------------------------------------------------
def _run_colors(n: int) -> list[str]:
    return [series_color(k) for k in range(n)]


def _create_cost(experiment: Experiment, theme: Theme) -> QWidget:
    from .plots.cost import CostPlot

    plot = CostPlot()
    plot.apply_theme(theme)
    return plot


def _feed_cost(plot, frame: Frame) -> None:
    snap = frame.snapshot
    if frame.fresh:
        plot.clear_events()
        if snap.kind == NETWORK:
            plot.configure_network()
        else:
            plot.configure_runs(snap.labels, _run_colors(len(snap.labels)))
    if snap.kind == NETWORK:
        plot.append(snap.iterations, np.column_stack([snap.train_cost, snap.test_cost]))
    else:
        plot.append(snap.iterations, snap.costs)
    if snap.status in (DIVERGED, CONVERGED, FINISHED) and not plot.event_texts:
        plot.mark_event(snap.iteration, snap.status, f"{snap.status} at {snap.iteration}")


# -- trajectories ----------------------------------------------------------------------------------
def _create_trajectories(experiment: Experiment, theme: Theme) -> QWidget:
    from .plots.trajectories import TrajectoryPlot

    plot = TrajectoryPlot()
    plot.apply_theme(theme)
    return plot


def _feed_trajectories(plot, frame: Frame) -> None:
    snap = frame.snapshot
    if frame.fresh:
        if snap.kind == NETWORK:
            plot.configure_weights(snap.tracked_ids, snap.tracked_labels, [w.shape for w in snap.weights])
        else:
            plot.configure_runs(snap.labels, _run_colors(len(snap.labels)), snap.w.shape[1])
    if snap.kind == NETWORK:
        plot.append(snap.iterations, snap.tracked)
    else:
        plot.append(snap.iterations, snap.paths.reshape(len(snap.iterations), snap.w.size))


# -- data ----------------------------------------------------------------------------------------------
def _create_data(experiment: Experiment, theme: Theme) -> QWidget:
    from .plots.data_view import DataView

    view = DataView()
    view.apply_theme(theme)
    return view


def _feed_data(view, frame: Frame) -> None:
    data = frame.view
    if frame.fresh and "train" in data:
        view.set_data(data["train"][0], data["train"][1], data["task"])
        view.set_test_data(*data["test"])
    if "map" in data:
        view.set_map(*data["map"], data["task"], data.get("boundary"))
    elif "curve" in data:
        view.set_curve(*data["curve"])


# -- the cost curve J(w) of one weight, and the cost surface of two --------------------------------------
def _create_curve(experiment: Experiment, theme: Theme) -> QWidget:
    from .plots.curve_view import CurveView

    view = CurveView()
    view.apply_theme(theme)
    return view


def _feed_curve(view, frame: Frame) -> None:
    snap = frame.snapshot
    if frame.fresh:
        surface = get_surface(frame.experiment["surface"])
        if view.surface_name != surface.name:  # a new start point keeps the view the user has
            ws, _, J = landscape.grid(surface, surface.view_range[0], resolution=400)
            minima = [(m[0], surface.value(np.array(m))) for m in surface.minima]
            view.set_surface(f"{surface.title}:  J(w) = {surface.formula}", ws, J, minima, surface.name,
                             lambda x_range, s=surface: _curve(s, x_range))
        view.set_runs(snap.labels, _run_colors(len(snap.labels)))
    view.append(snap)


def _curve(surface, x_range: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    ws, _, J = landscape.grid(surface, x_range, resolution=400)
    return ws, J


def _create_surface(experiment: Experiment, theme: Theme) -> QWidget:
    from .plots.contour_view import ContourView

    view = ContourView()
    view.apply_theme(theme)
    return view


def _feed_surface(view, frame: Frame) -> None:
    snap = frame.snapshot
    if frame.fresh:
        surface = get_surface(frame.experiment["surface"])
        view.set_runs(snap.labels, _run_colors(len(snap.labels)))
        if view.surface_name != surface.name:  # a new start point keeps the view the user has
            view.set_surface(surface.title, surface.view_range[0], surface.view_range[1],
                             lambda xr, yr, s=surface: landscape.grid(s, xr, yr), surface.minima,
                             surface.saddle_points, surface.formula, surface.name)
    view.append_paths(snap.paths, snap.w, snap.w_next)


# -- the network diagram and the gradient flow -----------------------------------------------------------
def _create_network(experiment: Experiment, theme: Theme) -> QWidget:
    from .plots.network_view import NetworkView

    view = NetworkView(toolbar=False)  # a figure needs no controls; its title says what the edges show
    view.apply_theme(theme)
    return view


def _feed_network(view, frame: Frame) -> None:
    snap, data = frame.snapshot, frame.view
    sizes = [snap.weights[0].shape[0]] + [w.shape[1] for w in snap.weights]
    if "input_labels" in data and (sizes != view.sizes or data["input_labels"] != view.input_labels):
        view.set_network(sizes, data["input_labels"])
    view.set_snapshot(snap, data.get("sample"), data.get("neuron_maps"))


def _create_gradient_flow(experiment: Experiment, theme: Theme) -> QWidget:
    from .plots.cost import GradientFlowPlot

    plot = GradientFlowPlot()
    plot.apply_theme(theme)
    return plot


def _feed_gradient_flow(plot, frame: Frame) -> None:
    snap = frame.snapshot
    if frame.fresh:
        plot.configure_layers(len(snap.weights))
    plot.append(snap.iterations, snap.grad_norms)


def _create_metrics(experiment: Experiment, theme: Theme) -> QWidget:
    from .plots.metrics_view import MetricsView

    view = MetricsView()
    view.apply_theme(theme)
    return view


def _feed_metrics(view, frame: Frame) -> None:
    snap = frame.snapshot
    if frame.fresh:
        view.configure(snap.metric_name, len(snap.class_names), snap.class_names, snap.epochs_per_iteration)
    view.append(snap.iterations, snap.train_metric, snap.test_metric)
    if snap.confusion:
        view.set_confusion(snap.confusion["train"], snap.confusion["test"])


register(ViewSpec("cost", "Cost per iteration", _create_cost, _feed_cost))
register(ViewSpec("metrics", "Accuracy or R² and the confusion matrix", _create_metrics, _feed_metrics,
                  _kinds(NETWORK)))
register(ViewSpec("trajectories", "Weight trajectories", _create_trajectories, _feed_trajectories))
register(ViewSpec("data", "Data and decision boundary", _create_data, _feed_data, _kinds(NETWORK)))
register(ViewSpec("curve", "Cost curve J(w) of one weight", _create_curve, _feed_curve, _surface_dim(1)))
register(ViewSpec("surface", "Cost surface J(w₁, w₂)", _create_surface, _feed_surface, _surface_dim(2)))
register(ViewSpec("network", "Network diagram", _create_network, _feed_network, _kinds(NETWORK)))
register(ViewSpec("gradients", "Gradient flow", _create_gradient_flow, _feed_gradient_flow, _kinds(NETWORK)))


# -- the handout sheet: the views above on one page, with a caption and a parameter table -----------
def _create_sheet(experiment: Experiment, theme: Theme) -> QWidget:
    from .sheet import SheetWidget

    return SheetWidget(experiment, theme)


def _feed_sheet(sheet, frame: Frame) -> None:
    sheet.feed(frame)


register(ViewSpec("sheet", "Handout sheet (one page)", _create_sheet, _feed_sheet))
