"""The catalogue of views: every picture gdlab shows, named once, with its titles, where it shows
and which experiments it applies to.

The window's tabs (titles, tooltips, which are visible), ``gdlab export --view``, the views a
lesson may name (``view``, ``highlight``, ``export``) and the handout sheet all read this table;
the Qt side only adds how to draw each view (:mod:`gdlab.gui.figures.render`). Where a view shows:

- ``place``: in the window, a tab at the top right (:data:`TOP`), a tab at the bottom
  (:data:`BOTTOM`), or beside the top tabs (:data:`BESIDE`: the cost plot); "" not in the window;
- ``tip``: what it shows, in a sentence: the tab's tooltip, and the view's description for a screen
  reader (every view in the window has one);
- ``export``: its position in ``gdlab export --view``'s list (1 first), 0 if not exported;
- ``lesson``: a lesson may name it; ``sheet``: its position on the handout sheet (1 first), 0 if
  not on it; ``animation``: the window's export dialog offers an animated GIF of it.

What it applies to: ``kinds`` (network and/or surface experiments) and, for a cost surface's
picture, ``dim``, the number of weights the surface has (1: the curve J(w), 2: the contour map
J(w₁, w₂)); a view with a ``dim`` whose kinds include network shows a network too (the 3-D view:
the network's cost over two of its weights, the Cost landscape tab's slice). A tab may take another
title for regression data (``regression_tab``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .files.experiment import Experiment

# The experiment kinds, as gdlab.core.params names them (NETWORK, SURFACE): spelled here, not imported,
# so that the command line reads this table without loading numpy (a test checks they agree).
NETWORK, SURFACE = "network", "surface"

__all__ = ["BESIDE", "BOTTOM", "CATALOGUE", "TOP", "VIEWS_BY_NAME", "View", "export_names", "lesson_names",
           "sheet_names", "tab_views", "view"]

TOP, BOTTOM, BESIDE = "top", "bottom", "beside"


@dataclass(frozen=True)
class View:
    """One view of the catalogue; see the module docstring for the fields."""

    name: str
    title: str
    tab: str = ""
    tip: str = ""
    place: str = ""
    export: int = 0
    lesson: bool = False
    sheet: int = 0
    animation: bool = False
    kinds: tuple[str, ...] = (NETWORK, SURFACE)
    dim: int = 0
    regression_tab: str = ""

    def applies(self, experiment: Experiment) -> str | None:
        """None when this view can show ``experiment``, else the reason in words."""
        if self.dim and not (experiment.kind == NETWORK and NETWORK in self.kinds):
            from .surface.surfaces import get_surface

            if experiment.kind != SURFACE:
                return f"it shows a cost surface, and this is a {experiment.kind} experiment"
            actual = get_surface(experiment["surface"]).dim
            if actual != self.dim:
                return f"it shows {self.dim}-weight surfaces, and {experiment['surface']} has {actual}"
            return None
        if experiment.kind not in self.kinds:
            return f"it shows {' and '.join(self.kinds)} experiments, and this is a {experiment.kind} experiment"
        return None

    def suits(self, experiment: Experiment) -> bool:
        """Whether this view can show ``experiment`` (:meth:`applies` gives no reason against)."""
        return self.applies(experiment) is None

    def tab_title(self, experiment: Experiment) -> str:
        """The tab's title for ``experiment``: ``regression_tab`` on regression data, else ``tab``."""
        if self.regression_tab and experiment.kind == NETWORK and experiment.data_task() == "regression":
            return self.regression_tab
        return self.tab


_NET = (NETWORK,)
CATALOGUE: tuple[View, ...] = (
    # -- the tabs at the top right, left to right ---------------------------------------------------
    View("data", "Data and decision boundary", "Data",
         "The training points and the network's decision boundary or fitted curve; draw your own points here.",
         TOP, export=3, lesson=True, sheet=2, animation=True, kinds=_NET),
    View("network", "Network diagram", "Network",
         "Neurons and weights, live: colour is the sign, thickness the size; hover for numbers, click a weight "
         "to follow it.", TOP, export=6, lesson=True, kinds=_NET),
    View("inspector", "Backprop inspector", "Backprop inspector",
         "One iteration taken apart: forward, cost, backward (the chain rule), update. N and B step through it.",
         TOP, lesson=True, kinds=_NET),
    View("graph", "Computation graph of one sample", "Computation graph",
         "One training sample's forward pass, one node per operation with its value; N and B step the backward "
         "pass, each node's ∂J/∂node = Σ upstream gradient × local derivative.", TOP, export=11, lesson=True,
         kinds=_NET),
    View("landscape", "Cost landscape", "Cost landscape",
         "The network's cost over two of its weights, the others held fixed, with the path the two weights took.",
         TOP, lesson=True, kinds=_NET),
    View("curve", "Cost curve J(w) of one weight", "Cost curve",
         "J(w) with the current weight, the tangent (the gradient) and the next step; click to choose the start.",
         TOP, export=4, lesson=True, sheet=2, animation=True, kinds=(SURFACE,), dim=1),
    View("surface", "Cost surface J(w₁, w₂)", "Cost surface",
         "J over two weights as a contour map with each run's path; click to choose the start, drag to pan, "
         "wheel to zoom.", TOP, export=5, lesson=True, sheet=2, animation=True, kinds=(SURFACE,), dim=2),
    View("surface3d", "Cost surface in 3-D", "3-D",
         "The cost as a shaded surface over two weights, its contour lines on the floor and each run's path "
         "with a ball at the current point; drag to turn, wheel to zoom, Home resets the camera, O orbits.",
         TOP, export=10, lesson=True, animation=True, dim=2, kinds=(NETWORK, SURFACE)),
    # -- beside them: the cost plot -------------------------------------------------------------------
    View("cost", "Cost per iteration", tip="The cost J on the training data (and on the test data) at every "
         "iteration; L switches to a log scale.", place=BESIDE, export=1, lesson=True, sheet=1, animation=True),
    # -- the tabs at the bottom, left to right -----------------------------------------------------------
    View("trajectories", "Weight trajectories", "Weight trajectories",
         "Each line is one weight, moved at every iteration by w ← w − α·∂J/∂w.",
         BOTTOM, export=2, lesson=True, sheet=3, animation=True),
    View("gradients", "Gradient flow", "Gradient flow",
         "Each layer's gradient norm over iterations (log scale): how much of the error reaches each layer.",
         BOTTOM, export=7, lesson=True, kinds=_NET),
    View("metrics", "Accuracy or R² and the confusion matrix", "Accuracy",
         "Accuracy (classification) or R² (regression) on the training and test data over iterations, and the "
         "confusion matrix.", BOTTOM, export=8, lesson=True, kinds=_NET, regression_tab="R²"),
    View("sweep", "Learning-rate sweep", "Learning-rate sweep",
         "The same run at many learning rates: final cost against α.", BOTTOM, lesson=True),
    View("runs", "Runs", "Runs",
         "Every run of this session: its setup, iterations and final cost; select several to overlay their "
         "cost curves.", BOTTOM, lesson=True),
    # -- not in the window ------------------------------------------------------------------------------
    View("sheet", "Handout sheet (one page)", export=9),
)
VIEWS_BY_NAME: dict[str, View] = {v.name: v for v in CATALOGUE}


def view(name: str) -> View:
    """The catalogue's entry for view ``name`` (``KeyError`` for an unknown name)."""
    return VIEWS_BY_NAME[name]


def tab_views(place: str) -> tuple[View, ...]:
    """The views with a tab at ``place`` (:data:`TOP` or :data:`BOTTOM`), in the window's order."""
    return tuple(v for v in CATALOGUE if v.place == place)


def export_names() -> tuple[str, ...]:
    """``gdlab export --view``'s choices, in the order its help lists them."""
    return tuple(v.name for v in sorted((v for v in CATALOGUE if v.export), key=lambda v: v.export))


def lesson_names(place: str) -> tuple[str, ...]:
    """The views a lesson may name at ``place`` (:data:`TOP`, :data:`BOTTOM` or :data:`BESIDE`)."""
    return tuple(v.name for v in CATALOGUE if v.lesson and v.place == place)


def sheet_names(experiment: Experiment) -> tuple[str, ...]:
    """The views a handout sheet of ``experiment`` shows, in order: the cost, the main picture, the
    trajectories."""
    on_sheet = sorted((v for v in CATALOGUE if v.sheet and v.suits(experiment)), key=lambda v: v.sheet)
    return tuple(v.name for v in on_sheet)
