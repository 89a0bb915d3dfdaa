"""Frames from the worker and drawing: every view takes its rows from a frame, a ~30 Hz timer
redraws what changed, the tabs follow the kind of experiment, and the views' own requests
(start point, landscape slice, sweep, tracked weights, runs overlay) go to the session.
"""
from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QWidget

from ...core.files.experiment import Experiment
from ...core.io.printing import number
from ...core.params import NETWORK
from ...core.run.training import CONVERGED, DIVERGED, FINISHED, MAX_ITERATIONS
from ...core.views import BOTTOM, TOP, tab_views
from ..figures.render import VIEWS
from ..plots.base import LivePlot
from ..runs_table import cost_overlay, overlay_items
from ..view_data import Frame
from .messages import html_text

REDRAW_HZ = 30
SECONDARY_EVERY = 3  # trajectories and the data view redraw on every third tick while running


class FramesMixin:
    """Frames in, pictures out.

    A mixin of :class:`~gdlab.gui.window.main.MainWindow`: its methods use the widgets and the
    state the window builds (``self.session``, ``self.cost_plot``, ...).
    """

    @Slot(object)
    def _on_frame(self, frame: Frame) -> None:
        """A frame from the worker: every view that shows this kind of experiment takes its rows
        (the same feeding as the headless export: :mod:`gdlab.gui.figures.render`)."""
        snap = frame.snapshot
        for name, view in self._fed_views(frame.experiment):
            VIEWS[name].feed(view, frame)
        if frame.fresh:
            self._configured(frame)
            self.draw_tool.set_experiment(frame.experiment)
            for plot in self.findChildren(LivePlot):
                plot.clear_readout()  # its numbers were about the run before
            overlay = cost_overlay(self.cost_plot)
            if overlay is not None:
                overlay.refresh()  # the cost plot was reconfigured: the overlay gets its legend back
        self._relabel_runs(frame)
        self.runs_view.record_frame(frame)
        self._feed_twin(frame)
        first = snap.iterations[0] if frame.fresh and len(snap.iterations) else self.timeline.first
        self.timeline.set_range(int(first), int(snap.iteration))
        self._show_outcome(frame)
        if snap.kind == NETWORK and len(snap.train_cost):
            self.last_cost = float(snap.train_cost[-1])  # a frame after a command (fork, unfork) has no rows
        elif frame.fresh:
            self.last_cost = float("nan")
        self._frame = frame
        self._update_inspector()
        self._update_3d_slice()
        self._set_running_look(frame.running)
        self._dirty = True

    def _fed_views(self, experiment: Experiment) -> list[tuple[str, QWidget]]:
        """The window's figures of the registry's views (:mod:`gdlab.gui.figures.render`) that show ``experiment``."""
        figures = {**self.tab_pages, "data": self.data_view, "cost": self.cost_plot}
        return [(name, figures[name]) for name, spec in VIEWS.items()
                if name in figures and not spec.applies(experiment)]

    def _configured(self, frame: Frame) -> None:
        """What a fresh start changes beyond the plots: tabs, weight lists, sample counts."""
        snap = frame.snapshot
        if snap.kind == NETWORK:
            self.landscape_view.set_weights(snap.tracked_ids)
            self.surface3d_view.shown_iteration = self.surface3d_view.asked_iteration = -1  # a new run
            if "n_train" in frame.view:
                self.inspector.set_samples(frame.view["n_train"])
                self.graph_view.set_samples(frame.view["n_train"])
        self._show_views_for(frame.experiment)

    def _relabel_runs(self, frame: Frame) -> None:
        """Runs renamed by a live change (sgd α=0.95 → sgd α=0.5): every legend follows."""
        labels = list(getattr(frame.snapshot, "labels", ()))
        old, self._run_labels = self._run_labels, labels
        if frame.fresh or labels == old or len(labels) != len(old):
            return
        self.cost_plot.relabel_runs(labels)
        self.trajectory_plot.relabel_runs(old, labels)
        self.curve_view.relabel_runs(labels)
        self.contour_view.relabel_runs(labels)
        self.surface3d_view.relabel_runs(labels)

    def _show_outcome(self, frame: Frame) -> None:
        snap = frame.snapshot
        if frame.fresh:
            self._event_marked = False
        if snap.status in (DIVERGED, CONVERGED, FINISHED) and not self._event_marked:
            self._event_marked = True  # the cost plot marks the iteration (render._feed_cost)
            style = "bad" if snap.status == DIVERGED else "ok"
            # a race: who reached the minimum when, who stopped where (not the core's log line)
            words = frame.ending if len(getattr(snap, "labels", ())) > 1 and frame.ending else snap.reason
            self.message.show_message(f"<b>{snap.status.capitalize()} at iteration {snap.iteration}.</b> "
                                      f"{html_text(words)}", style)
        elif snap.status == MAX_ITERATIONS and not self._event_marked:
            self._event_marked = True
            words = frame.ending if len(getattr(snap, "labels", ())) > 1 and frame.ending else snap.reason
            self.message.show_message(f"<b>Stopped at iteration {snap.iteration}</b>: {html_text(words)} "
                                      "Raise “Max iterations” in the Training panel to go on.", "info")
        elif frame.fresh:
            self.message.hide()

    @Slot()
    def _redraw(self) -> None:
        """Push stored rows to the plots. The cost curve redraws on every tick (30 Hz); the
        busier views on every third tick (10 Hz) while a run is going. Drawing holds the GIL,
        which the training thread needs too: every millisecond here is one less for training."""
        if not self._dirty:
            return
        self._tick += 1
        running = self._frame is not None and self._frame.running
        self.cost_plot.refresh()
        if not running or self._tick % SECONDARY_EVERY == 0:
            for plot in self.secondary_views():
                if plot.isVisible():  # a hidden tab keeps its rows and draws them when shown
                    plot.refresh()
            self._dirty = False
        else:
            self._dirty = True  # the secondary views are still to be drawn
        self._update_status()

    def secondary_views(self) -> list:
        return [self.trajectory_plot, self.gradient_flow, self.metrics_view, self.data_view, self.network_view,
                self.curve_view, self.contour_view, self.landscape_view, self.graph_view, self.surface3d_view]

    def _show_views_for(self, experiment: Experiment) -> None:
        """The tabs that make sense for this experiment (the catalogue says which:
        :mod:`gdlab.core.views`), titled for its data; the first of them is shown."""
        wanted: dict[QWidget, bool] = {}
        for tabs, place in ((self.view_tabs, TOP), (self.bottom_tabs, BOTTOM)):
            for entry in tab_views(place):
                page, show = self.tab_pages[entry.name], entry.suits(experiment)
                if tabs is self.view_tabs:
                    wanted[page] = show
                index = tabs.indexOf(page)
                # only the tabs that change: QTabWidget lays itself out again on every setTabVisible
                if tabs.isTabVisible(index) != show:
                    tabs.setTabVisible(index, show)
                if show and tabs.tabText(index) != entry.tab_title(experiment):
                    tabs.setTabText(index, entry.tab_title(experiment))
        current = self.view_tabs.currentWidget()
        if not wanted.get(current, False):
            self.view_tabs.setCurrentWidget(next(w for w, show in wanted.items() if show))

    @Slot(int)
    def _on_view_tab(self, _index: int) -> None:
        current = self.view_tabs.currentWidget()
        self.session.set_shown({"map"} if current is self.data_tab else
                               {"network"} if current is self.network_view else
                               {"graph"} if current is self.graph_view else set())
        if self._frame is None:
            return
        if current is self.landscape_view and self.landscape_view.shown_iteration != self._frame.snapshot.iteration:
            self.landscape_view.request()
        elif current is self.surface3d_view:
            self.surface3d_view.canvas.setFocus()  # Home and O act on it now
            self._update_3d_slice(shown=True)
        elif current is self.inspector:
            self._update_inspector()
        if hasattr(current, "refresh"):
            self._dirty = True  # a view that was hidden draws what it missed

    @Slot(int)
    def _on_bottom_tab(self, _index: int) -> None:
        self._dirty = True  # the tab just shown draws the rows it missed while hidden

    def _update_3d_slice(self, shown: bool = False) -> None:
        """A network's 3-D view shows the slice through the weights of now: asked for when its tab is
        shown and whenever the run pauses at another iteration (not while it runs: each slice costs
        the training thread a forward pass per grid point). The Cost landscape tab's two weights; the
        answer goes to both views."""
        view, frame = self.surface3d_view, self._frame
        if view is not self.view_tabs.currentWidget() or frame is None or frame.snapshot.kind != NETWORK:
            return
        iteration = frame.snapshot.iteration
        if (shown or not frame.running) and iteration not in (view.shown_iteration, view.asked_iteration):
            view.asked_iteration = iteration
            self.landscape_view.request()

    def _update_inspector(self) -> None:
        """On a paused network run, the inspector shows the next iteration; while running, it waits."""
        if self.view_tabs.currentWidget() is not self.inspector or self._frame is None:
            return
        if self._frame.snapshot.kind != NETWORK:
            return
        if self._frame.running:
            self.inspector.clear("The run is going: pause it (Space) to take its next iteration apart.")
        elif self.inspector.trace is None or self.inspector.trace.iteration != self._frame.snapshot.iteration:
            self.inspector.request()

    @Slot()
    def inspector_next(self) -> None:
        """N: the computation graph's next step while it is on show, else the inspector's next phase."""
        self._step_pass(forward=True)

    @Slot()
    def inspector_back(self) -> None:
        """B: the computation graph's previous step while it is on show, else the inspector's."""
        self._step_pass(forward=False)

    def _step_pass(self, forward: bool) -> None:
        if self.view_tabs.currentWidget() is self.graph_view:
            view = self.graph_view
        else:
            self._show_inspector()
            view = self.inspector
        (view.next if forward else view.back)()

    def _show_inspector(self) -> None:
        if self.view_tabs.isTabVisible(self.view_tabs.indexOf(self.inspector)):
            self.view_tabs.setCurrentWidget(self.inspector)

    @Slot(object)
    def _on_tracked_changed(self, ids) -> None:
        self.session.set_tracked(ids)

    @Slot(object)
    def _on_start_chosen(self, point) -> None:
        """A click on the cost curve or surface: every run starts again from there."""
        self.session.set_start(point)
        where = ", ".join(number(v, 3) for v in point)
        self.statusBar().showMessage(f"Start point w₀ = ({where}): press Space to descend from there.", 5000)

    @Slot(object)
    def _on_slice_for_3d(self, found) -> None:
        """A network's slice for the Cost landscape tab: the 3-D view shows it too (the same two weights)."""
        if found is not None and tuple(found.wids) == self.landscape_view.chosen():
            self.surface3d_view.show_slice(found)
            self._dirty = True

    @Slot(object, object, object, object)
    def _on_landscape_requested(self, wid_a, wid_b, x_range, y_range) -> None:
        self.session.request_landscape(wid_a, wid_b, x_range, y_range)

    @Slot(float, float, int, int)
    def _on_sweep_requested(self, lr_min: float, lr_max: float, count: int, iterations: int) -> None:
        self.sweep_view.set_running(True)
        self._set_running_look(False)
        self.session.sweep(lr_min, lr_max, count, iterations)
        self.statusBar().showMessage(f"Sweeping {count} learning rates from {lr_min:g} to {lr_max:g} "
                                     f"({iterations} iterations each) …")

    @Slot(object)
    def _on_sweep_done(self, result) -> None:
        if result is None:
            self.sweep_view.set_running(False)
            self.statusBar().showMessage("Sweep stopped.", 4000)
            return
        self.sweep_view.show_result(result)
        self.statusBar().showMessage("Sweep done: " + self.sweep_view.summary, 8000)

    @Slot(object)
    def _on_overlay(self, records) -> None:
        overlay_items(self.cost_plot, records)
