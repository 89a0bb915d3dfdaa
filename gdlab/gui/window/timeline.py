"""Going back in a run and branching it: the timeline (scrub to an earlier iteration, peek at it,
back to live, train on from there) and the forked twin run drawn beside the run.
"""
from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import Slot

from ...core.params import NETWORK
from ..palette import VERMILLION
from ..view_data import Frame, NetworkMoment, SurfaceMoment


class TimelineMixin:
    """The timeline and the twin run.

    A mixin of :class:`~gdlab.gui.window.main.MainWindow`: its methods use the widgets and the
    state the window builds (``self.session``, ``self.cost_plot``, ...).
    """

    def _feed_twin(self, frame: Frame) -> None:
        """A forked twin: dashed curves beside the run's own, in vermillion."""
        twin = frame.twin
        if twin is None:
            if self._twin_shown:
                self.cost_plot.clear_twin()
                self.trajectory_plot.clear_twin()
                self._twin_shown = False
            return
        label = f"twin: {frame.twin_label}"
        if frame.twin_fresh or not self._twin_shown:
            if twin.kind == NETWORK:
                self.cost_plot.configure_twin([label], [VERMILLION])
                self.trajectory_plot.configure_twin(len(twin.tracked_ids), VERMILLION, label)
            else:
                self.cost_plot.configure_twin([f"{label} {run}" for run in twin.labels],
                                              [VERMILLION] * len(twin.labels))
                self.trajectory_plot.configure_twin(twin.w.size, VERMILLION, label)
            self._twin_shown = True
        if twin.kind == NETWORK:
            self.cost_plot.append_twin(twin.iterations, twin.train_cost[:, None])
            self.trajectory_plot.append_twin(twin.iterations, twin.tracked)
        else:
            self.cost_plot.append_twin(twin.iterations, twin.costs)
            self.trajectory_plot.append_twin(twin.iterations, twin.paths.reshape(len(twin.iterations), twin.w.size))

    @Slot()
    def fork_dialog(self) -> None:
        """Run → Fork a twin run: choose the one setting the twin changes."""
        if self._frame is None:
            return
        from ..dialogs.fork_dialog import ForkDialog

        dialog = ForkDialog(self._current_experiment(), self)
        dialog.chosen.connect(self.fork)
        self._fork_dialog = dialog
        dialog.open()

    def fork(self, changes: dict) -> None:
        self.session.fork(**changes)
        self.statusBar().showMessage("A twin run (dashed) now trains beside the run, in lockstep.", 5000)

    @Slot()
    def end_twin(self) -> None:
        self.session.unfork()

    @Slot(int)
    def _on_scrubbed(self, iteration: int) -> None:
        """The timeline moved back: pause, mark the moment, ask for the run as it was then."""
        if self.session.running:
            self.session.pause()
        self.scrub_iteration = iteration
        for plot in (self.cost_plot, self.trajectory_plot.plot, self.gradient_flow):
            plot.show_moment(iteration)
        self.session.peek(iteration)

    @Slot(object)
    def _on_peek(self, payload: NetworkMoment | SurfaceMoment) -> None:
        if self.scrub_iteration is None or payload.iteration != self.scrub_iteration:
            return  # an older question, or the timeline went live since
        if isinstance(payload, SurfaceMoment):
            w, costs = payload.w, payload.costs
            if w.shape[1] == 1:
                self.curve_view.show_moment(w, costs)
            else:
                self.contour_view.show_moment(w, payload.paths)
                self.surface3d_view.show_moment(w, payload.paths)
            return
        if payload.found is None:
            self.statusBar().showMessage(f"Iteration {payload.iteration} is no longer recorded.", 4000)
            return
        moment = SimpleNamespace(weights=payload.weights, biases=payload.biases, grad_weights=payload.grad_weights,
                                 grad_biases=payload.grad_biases, last_update=[])
        view = payload.view
        self.network_view.set_snapshot(moment, view.get("sample"), view.get("neuron_maps"),
                                       view.get("weight_images"))
        if "map" in view:
            self.data_view.set_map(*view["map"], view["task"], view.get("boundary"))
        elif "curve" in view:
            self.data_view.set_curve(*view["curve"])
        elif view.get("gallery") is not None:
            self.data_view.set_gallery(view["gallery"])
        elif view.get("projection") is not None:
            self.data_view.set_projection(view["projection"])
        if payload.found != payload.iteration:
            self.statusBar().showMessage(f"Showing iteration {payload.found}, the nearest one recorded.", 4000)
        self._dirty = True

    @Slot()
    def _on_live(self) -> None:
        """Back to the present: the views show the latest frame again."""
        self.scrub_iteration = None
        for plot in (self.cost_plot, self.trajectory_plot.plot, self.gradient_flow):
            plot.show_moment(None)
        self.curve_view.show_moment(None)
        self.contour_view.show_moment(None)
        self.surface3d_view.show_moment(None)
        if self._frame is not None and self._frame.snapshot.kind == NETWORK:
            self.network_view.set_snapshot(self._frame.snapshot)
            self.session.step(0)  # a fresh frame with the view data of now
        self._dirty = True

    @Slot(int)
    def _on_resume_from(self, iteration: int) -> None:
        """Train on from an earlier iteration: a new branch (the old one stays in the runs table)."""
        self.timeline.go_live()
        self.session.rewind(iteration)
        self.statusBar().showMessage(f"Back at iteration {iteration}: press Space to train on from there "
                                     "(a new branch).", 6000)
