"""The views a figure made without a window can show, registered in :data:`VIEWS`: each view's
``create`` (an empty, themed plot) and ``feed`` (the calls the window makes with a worker frame).

``gdlab export`` and the animated-GIF export build their views from here. The registry and its
contract are in :mod:`gdlab.gui.figures.view_registry`; driving a run and recording its frames in
:mod:`gdlab.gui.figures.view_frames`. Both are re-exported here, so ``from gdlab.gui.figures.render import
VIEWS, build_view, run_experiment`` keeps working (and gives the registry with every view in it).
"""
from __future__ import annotations

import functools

import numpy as np
from PySide6.QtWidgets import QWidget

from ...core.files.experiment import Experiment
from ...core.params import NETWORK
from ...core.run.training import CONVERGED, DIVERGED, FINISHED
from ...core.surface import landscape
from ...core.surface.surfaces import get_surface
from ..palette import Theme, series_color
from ..view_data import Frame
from .view_frames import fit_to_data, record_frames, refresh, run_experiment
from .view_registry import (
    VIEWS,
    ViewError,
    ViewNotApplicable,
    ViewSpec,
    ViewUnavailable,
    build_view,
    catalogued,
    feed_frames,
    get_view,
    register,
    sheet_views,
    unavailable,
    view_names,
)

__all__ = ["VIEWS", "ViewError", "ViewNotApplicable", "ViewSpec", "ViewUnavailable", "build_view", "catalogued",
           "feed_frames", "fit_to_data", "get_view", "record_frames", "refresh", "register", "run_experiment",
           "sheet_views", "unavailable", "view_names"]

SLICE_POINTS = 41  # a network's slice in a headless 3-D figure: n × n points, as the window asks


def _themed(widget: QWidget, theme: Theme) -> QWidget:
    """``widget`` in ``theme`` (every view's ``create`` ends so)."""
    widget.apply_theme(theme)
    return widget


# -- cost ------------------------------------------------------------------------------------------
def _run_colors(n: int) -> list[str]:
    return [series_color(k) for k in range(n)]


def _create_cost(experiment: Experiment, theme: Theme) -> QWidget:
    from ..plots.cost import CostPlot

    return _themed(CostPlot(), theme)


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
    from ..plots.trajectories import TrajectoryPlot

    return _themed(TrajectoryPlot(), theme)


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
    from ..plots.data_view import DataView

    return _themed(DataView(), theme)


def _feed_data(view, frame: Frame) -> None:
    data = frame.view
    if frame.fresh and "train" in data:
        view.set_data(data["train"][0], data["train"][1], data["task"])
        view.set_test_data(*data["test"])
    if "map" in data:
        view.set_map(*data["map"], data["task"], data.get("boundary"))
    elif "curve" in data:
        view.set_curve(*data["curve"])
    elif data.get("gallery") is not None:
        view.set_gallery(data["gallery"])
    elif data.get("projection") is not None:
        view.set_projection(data["projection"])


# -- the cost curve J(w) of one weight, and the cost surface of two --------------------------------------
def _create_curve(experiment: Experiment, theme: Theme) -> QWidget:
    from ..plots.curve_view import CurveView

    return _themed(CurveView(), theme)


def _feed_curve(view, frame: Frame) -> None:
    snap = frame.snapshot
    if frame.fresh:
        surface = get_surface(frame.experiment["surface"])
        if view.surface_name != surface.name:  # a new start point keeps the view the user has
            ws, _, J = landscape.grid(surface, surface.view_range[0], resolution=400)
            minima = [(m[0], surface.value(np.array(m))) for m in surface.minima]
            view.set_surface(f"{surface.title}:  J(w) = {surface.formula}", ws, J, minima, surface.name,
                             functools.partial(_curve, surface))
        view.set_runs(snap.labels, _run_colors(len(snap.labels)))
    view.append(snap)


def _curve(surface, x_range: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    ws, _, J = landscape.grid(surface, x_range, resolution=400)
    return ws, J


def _create_surface(experiment: Experiment, theme: Theme) -> QWidget:
    from ..plots.contour_view import ContourView

    return _themed(ContourView(), theme)


def _feed_surface(view, frame: Frame) -> None:
    snap = frame.snapshot
    if frame.fresh:
        surface = get_surface(frame.experiment["surface"])
        view.set_runs(snap.labels, _run_colors(len(snap.labels)))
        if view.surface_name != surface.name:  # a new start point keeps the view the user has
            view.set_surface(surface.title, surface.view_range[0], surface.view_range[1],
                             functools.partial(landscape.grid, surface), surface.minima,
                             surface.saddle_points, surface.formula, surface.name)
    view.append_paths(snap.paths, snap.w, snap.w_next)


def _create_surface3d(experiment: Experiment, theme: Theme) -> QWidget:
    from ..plots.surface3d_view import Surface3DView

    return _themed(Surface3DView(), theme)


def _feed_surface3d(view, frame: Frame) -> None:
    """An analytic surface's runs, fed as the contour map is; a network's slice comes by
    :func:`_finish_surface3d` (in the window: the Cost landscape tab's request)."""
    snap = frame.snapshot
    if snap.kind == NETWORK:
        return
    if frame.fresh:
        surface = get_surface(frame.experiment["surface"])
        if view.surface_name != surface.name:  # a new start point keeps the view the user has
            view.set_surface(surface.title, surface.view_range[0], surface.view_range[1],
                             functools.partial(landscape.grid, surface), surface.value, surface.minima,
                             surface.saddle_points, surface.formula, surface.name)
        view.set_runs(snap.labels, _run_colors(len(snap.labels)))
    view.append_paths(snap.paths, snap.w, snap.w_next)


def _finish_surface3d(view, run) -> None:
    """A network's slice over its first two tracked weights, as the Cost landscape tab shows by default."""
    from ..view_data import landscape_slice

    if run.kind == NETWORK and len(run.tracked_ids) >= 2:
        view.show_slice(landscape_slice(run, run.tracked_ids[0], run.tracked_ids[1], None, None, SLICE_POINTS))


# -- the network diagram and the gradient flow -----------------------------------------------------------
def _create_network(experiment: Experiment, theme: Theme) -> QWidget:
    from ..plots.network_view import NetworkView

    # a figure needs no controls; its title says what the edges show
    return _themed(NetworkView(toolbar=False), theme)


def _feed_network(view, frame: Frame) -> None:
    snap, data = frame.snapshot, frame.view
    sizes = [snap.weights[0].shape[0]] + [w.shape[1] for w in snap.weights]
    if "input_labels" in data and (sizes != view.sizes or data["input_labels"] != view.input_labels):
        view.set_network(sizes, data["input_labels"])
    view.set_snapshot(snap, data.get("sample"), data.get("neuron_maps"), data.get("weight_images"))


def _create_gradient_flow(experiment: Experiment, theme: Theme) -> QWidget:
    from ..plots.cost import GradientFlowPlot

    return _themed(GradientFlowPlot(), theme)


def _feed_gradient_flow(plot, frame: Frame) -> None:
    snap = frame.snapshot
    if frame.fresh:
        plot.configure_layers(len(snap.weights))
    plot.append(snap.iterations, snap.grad_norms)


def _create_metrics(experiment: Experiment, theme: Theme) -> QWidget:
    from ..plots.metrics_view import MetricsView

    return _themed(MetricsView(), theme)


def _feed_metrics(view, frame: Frame) -> None:
    snap = frame.snapshot
    if frame.fresh:
        view.configure(snap.metric_name, len(snap.class_names), snap.class_names, snap.epochs_per_iteration)
    view.append(snap.iterations, snap.train_metric, snap.test_metric)
    if snap.confusion:
        view.set_confusion(snap.confusion["train"], snap.confusion["test"])


# -- the computation graph of one sample -------------------------------------------------------------------
def _create_graph(experiment: Experiment, theme: Theme) -> QWidget:
    from ..plots.graph_view import GraphView

    # a figure: no buttons, the backward pass complete
    return _themed(GraphView(toolbar=False, complete=True), theme)


def _feed_graph(view, frame: Frame) -> None:
    if frame.view.get("graph") is not None:
        view.set_trace(frame.view["graph"])


register(catalogued("cost", _create_cost, _feed_cost))
register(catalogued("metrics", _create_metrics, _feed_metrics))
register(catalogued("trajectories", _create_trajectories, _feed_trajectories))
register(catalogued("data", _create_data, _feed_data))
register(catalogued("curve", _create_curve, _feed_curve))
register(catalogued("surface", _create_surface, _feed_surface))
register(catalogued("surface3d", _create_surface3d, _feed_surface3d, _finish_surface3d))
register(catalogued("network", _create_network, _feed_network))
register(catalogued("gradients", _create_gradient_flow, _feed_gradient_flow))
register(catalogued("graph", _create_graph, _feed_graph))


# -- the handout sheet: the views above on one page, with a caption and a parameter table -----------
def _create_sheet(experiment: Experiment, theme: Theme) -> QWidget:
    from .sheet import SheetWidget

    return SheetWidget(experiment, theme)


def _feed_sheet(sheet, frame: Frame) -> None:
    sheet.feed(frame)


register(catalogued("sheet", _create_sheet, _feed_sheet))
