"""The registry of views for figures made without a window: a run's history fed to a plot, as the
window feeds it. The views themselves are registered by :mod:`gdlab.gui.figures.render` (import it to
have them all in :data:`VIEWS`); driving a run and recording its frames is :mod:`gdlab.gui.figures.view_frames`.

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
    :mod:`gdlab.gui.figures.export` sizes and shows it (offscreen is fine) before rendering.
``feed(widget, frame) -> None``
    Give the view one worker :class:`Frame`: ``frame.snapshot`` holds the history rows since
    the previous frame (all rows when ``frame.fresh``); ``frame.view`` holds the run's
    ``view_data()`` when it is due (always in a fresh frame). Make the calls
    ``MainWindow._on_frame``/``_configure_plots`` make. The caller then calls ``refresh()`` if the
    widget has one.
``applies(experiment) -> str | None``
    None when the view can show this experiment, else the reason in words (it becomes the
    message of :class:`ViewNotApplicable`, and ``gdlab export`` exits with status 2).
``finish(widget, run) -> None`` (optional)
    What the window asks the worker of a network besides the frames (the 3-D view's slice through
    the weights), computed from the finished ``run``; called after the frames are fed. Such a
    picture of a network is a still: it is not animated (:meth:`ViewSpec.animates`).

A spec is also callable as ``spec(run, experiment, size, theme) -> QWidget`` (the view fed the
run's whole history, refreshed, not yet shown) — see :func:`build_view`.

To add a view, name it in the catalogue (:mod:`gdlab.core.views`: its title, where it shows, what
it applies to), write ``create`` and ``feed`` and register them::

    register(catalogued("surface", _create_surface, _feed_surface))

A view that is not ready yet is registered with :func:`unavailable`; asking for it raises
:class:`ViewUnavailable` with a clear message. ``"sheet"`` (the one-page handout) is built from
the views listed in :func:`sheet_views`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtWidgets import QWidget

from ...core.files.experiment import Experiment
from ...core.params import NETWORK
from ...core.views import sheet_names, view
from ..palette import LIGHT, Theme
from ..view_data import Frame
from .view_frames import _frame, fit_to_data, refresh

__all__ = ["VIEWS", "ViewError", "ViewNotApplicable", "ViewSpec", "ViewUnavailable", "build_view", "catalogued",
           "feed_frames", "get_view", "register", "sheet_views", "unavailable", "view_names"]


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
    finish: Callable[[QWidget, Any], None] | None = None

    def check(self, experiment: Experiment) -> None:
        """Raise :class:`ViewError` if this view cannot show ``experiment``."""
        if not self.available:
            raise ViewUnavailable(f"the {self.name} view ({self.title}) cannot be exported yet in this "
                                  f"version of gdlab; available views: {', '.join(view_names(experiment))}")
        reason = self.applies(experiment)
        if reason:
            raise ViewNotApplicable(f"the {self.name} view does not apply to {experiment.name!r}: {reason}; "
                                    f"views for it: {', '.join(view_names(experiment))}")

    def animates(self, experiment: Experiment) -> bool:
        """Whether an animated GIF of this view can be drawn from ``experiment``'s recorded frames (not
        when its picture of a network comes from the finished run: see ``finish``)."""
        return self.finish is None or experiment.kind != NETWORK

    def __call__(self, run, experiment: Experiment, size: tuple[int, int] | None = None,
                 theme: Theme | None = None) -> QWidget:
        return build_view(self.name, run, experiment, size, theme)


VIEWS: dict[str, ViewSpec] = {}


def register(spec: ViewSpec) -> ViewSpec:
    """Add (or replace) a view in :data:`VIEWS`."""
    VIEWS[spec.name] = spec
    return spec


def catalogued(name: str, create: Callable[[Experiment, Theme], QWidget],
               feed: Callable[[QWidget, Frame], None],
               finish: Callable[[QWidget, Any], None] | None = None) -> ViewSpec:
    """The spec of the catalogue's view ``name`` (its title and what it applies to, from
    :mod:`gdlab.core.views`), drawn by ``create``, fed by ``feed`` (and ``finish``)."""
    entry = view(name)
    return ViewSpec(name, entry.title, create, feed, entry.applies, finish=finish)


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

def feed_frames(spec: ViewSpec, widget: QWidget, frames: list[Frame]) -> None:
    for frame in frames:
        spec.feed(widget, frame)
    refresh(widget)

def build_view(name: str, run, experiment: Experiment, size: tuple[int, int] | None = None,
               theme: Theme | None = None, sample: int = 0) -> QWidget:
    """View ``name`` fed the whole history of ``run`` and refreshed; resized to ``size`` if given
    (it is shown only when exported). ``sample``: the training sample (0-based) of the views that
    show one (the computation graph)."""
    spec = get_view(name, experiment)
    widget = spec.create(experiment, theme or LIGHT)
    parts = frozenset({"graph"}) if name == "graph" else frozenset()
    feed_frames(spec, widget, [_frame(run, experiment, 0, True, sample, parts)])
    if spec.finish is not None:
        spec.finish(widget, run)
    fit_to_data(widget)
    if size is not None:
        widget.resize(*size)
    return widget


def sheet_views(experiment: Experiment) -> list[str]:
    """The views a handout sheet shows, in order: the cost, the main picture, the trajectories
    (:func:`gdlab.core.views.sheet_names`). Views that are not available yet are left out."""
    return [n for n in sheet_names(experiment) if n in VIEWS and VIEWS[n].available]
