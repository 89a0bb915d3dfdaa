"""The training worker: a QObject that lives on the one training QThread.

It drives a core run through the one driver (:mod:`gdlab.core.run.driver`) in a loop. Commands from
the window (:mod:`gdlab.gui.commands`, one frozen dataclass each) arrive through a thread-safe
queue and are applied between steps by the handler :data:`TrainingWorker.HANDLERS` names for
their type, so a new learning rate is used by the very next step. It never touches a widget: it
only sends typed answers through its one ``answered`` signal — :class:`Frame` objects (copies of
arrays), at most ``EMIT_HZ`` times a second on its own clock, and always after a command and at
the end of a run, each with every history row since the previous one; and the answers to
questions (a landscape slice, a trace, an earlier moment, a worksheet, a sweep's progress and
result, a sync, a failure).
"""
from __future__ import annotations

import queue
import threading
import time
import traceback
from typing import Any, Callable, cast

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..core.files.experiment import Experiment
from ..core.run.driver import Driver
from ..core.run.outcome import race_summary
from ..core.run.sweep import log_spaced, sweep
from ..core.run.timeline import attach_tape, describe_change, fork, rewind
from ..core.run.training import NetworkRun, SurfaceRace, make_run
from ..core.teaching.backprop_trace import trace_iteration
from ..core.teaching.worksheet import worksheet_from_run
from . import commands as c
from .view_data import GRAPH, VIEW_PARTS, Frame, WorksheetAnswer, landscape_slice, moment_at, network_view_data

EMIT_HZ = 30.0
TAPE_BUDGET_BYTES = 16_000_000  # weights of recent iterations kept for the timeline
VIEW_HZ = 6.0  # the network's output over the input plane changes slowly: recompute it 6 times a second
MAX_SPEED = 0  # speed value meaning "as fast as possible"
CHUNK_SECONDS = 0.004  # at full speed, look at the command queue about every 4 ms

# Commands handled whether or not an experiment is loaded; the others wait for a run.
WITHOUT_RUN = (c.SetShown, c.SetMapAspect, c.Sync, c.Load)


class TrainingWorker(QObject):
    """Runs training steps; see the module docstring. Use through :class:`TrainingSession`."""

    answered = Signal(object)  # a Frame, a gdlab.gui.commands answer or a gdlab.gui.view_data payload
    stopped = Signal()

    def __init__(self, commands: "queue.Queue[Any]"):
        super().__init__()
        self._commands = commands
        # Set from the GUI thread when the window closes: a long step (a lesson's 200,000
        # iterations) checks it between chunks, so quitting never waits on one uninterruptible call.
        self.stop_requested = threading.Event()
        self._driver: Driver | None = None  # the run and its twin (a fork stepped in lockstep)
        self._run: NetworkRun | SurfaceRace | None = None
        self._experiment: Experiment | None = None
        self._running = False
        self._speed = MAX_SPEED
        self._since = 0
        self._fresh = True
        self._last_emit = 0.0
        self._last_view = 0.0
        self._rate_mark = (time.perf_counter(), 0)
        self._iters_per_s = 0.0
        self._next_due = 0.0
        self._job = None  # a learning-rate sweep in progress: a generator advanced between commands
        self._sample = 0  # the training sample whose z and a the diagram shows on hover
        self._twin_label, self._twin_since, self._twin_fresh = "", 0, False
        self._shown = VIEW_PARTS  # the view data a visible view draws (set_shown)
        self._map_aspect: float | None = None  # the data view's width : height (its map fills it)
        self._changes: list[str] = []  # live changes since the run started from iteration 0

    @property
    def _twin(self) -> NetworkRun | SurfaceRace | None:
        return None if self._driver is None else cast("NetworkRun | SurfaceRace | None", self._driver.twin)

    @_twin.setter
    def _twin(self, twin: NetworkRun | SurfaceRace | None) -> None:
        if self._driver is not None:
            self._driver.twin = twin

    # -- the loop ----------------------------------------------------------------------------
    @Slot()
    def loop(self) -> None:
        """Process commands and step until told to quit (runs on the training thread)."""
        try:
            while True:
                busy = self._job is not None or (self._running and self._driver is not None
                                                 and not self._driver.finished)
                try:
                    if not busy:
                        command = self._commands.get()
                    elif self._job is not None or self._speed == MAX_SPEED:
                        command = self._commands.get_nowait()
                    else:
                        command = self._commands.get(timeout=max(0.0, self._next_due - time.perf_counter()))
                except queue.Empty:
                    command = None
                if isinstance(command, c.Quit):
                    break
                if command is not None:
                    self._guarded(self._handle, command)
                elif self._job is not None:
                    self._guarded(self._advance_job)
                else:
                    self._guarded(self._advance)
        finally:
            self.stopped.emit()
            QThread.currentThread().quit()

    def _guarded(self, fn: Callable[..., None], *args: Any) -> None:
        try:
            fn(*args)
        except Exception:  # a bug must reach the user as a message, never kill the thread
            self._running = False
            if self._job is not None:
                self._job = None
                self.answered.emit(c.SweepDone(None))
            self.answered.emit(c.Failed(traceback.format_exc()))

    def _advance_job(self) -> None:
        """One slice of the sweep; its generator yields the fraction done and returns the result."""
        try:
            fraction = next(self._job)
        except StopIteration as done:
            self._job = None
            self.answered.emit(c.SweepDone(done.value))
            return
        now = time.perf_counter()
        if now - self._last_emit >= 1.0 / EMIT_HZ:
            self._last_emit = now
            self.answered.emit(c.SweepProgress(float(fraction)))

    def _advance(self) -> None:
        driver = self._driver
        if self._speed == MAX_SPEED:
            driver.step_for(CHUNK_SECONDS)
        else:
            driver.step(1)
        now = time.perf_counter()
        if self._speed != MAX_SPEED:
            self._next_due = max(self._next_due + 1.0 / self._speed, now)
        finished = driver.finished
        if finished:
            self._running = False
        if finished or now - self._last_emit >= 1.0 / EMIT_HZ or self._speed and self._speed <= EMIT_HZ:
            self._emit()

    # -- commands ----------------------------------------------------------------------------
    def _handle(self, command: Any) -> None:
        """Apply ``command`` with its handler; a frame follows unless the handler answers False."""
        if self._run is None and not isinstance(command, WITHOUT_RUN):
            return
        handler = self.HANDLERS.get(type(command))
        if handler is None:
            raise ValueError(f"unknown command {command!r}")
        if handler(self, command) is not False:
            self._emit()

    def _set_shown(self, cmd: c.SetShown) -> bool:  # kept across experiments: it is about the window
        was = GRAPH in self._shown
        self._shown = frozenset(cmd.parts) & (VIEW_PARTS | {GRAPH})
        # the graph just shown: a frame brings its trace
        return GRAPH in self._shown and not was and isinstance(self._run, NetworkRun)

    def _set_map_aspect(self, cmd: c.SetMapAspect) -> bool:  # the next frame's map has the data view's shape
        self._map_aspect = float(cmd.aspect)
        return False

    def _sync(self, cmd: c.Sync) -> bool:  # a barrier: answered in order, with no work and no frame
        self.answered.emit(c.Synced(cmd.token))
        return False

    def _load(self, cmd: c.Load) -> None:
        self._cancel_sweep()  # a sweep of the old experiment is no longer wanted
        self._experiment = cmd.experiment
        self._speed = float(cmd.experiment["playback_speed"])  # each experiment plays at its own pace
        self._next_due = time.perf_counter()
        self._run = make_run(cmd.experiment)
        if isinstance(self._run, NetworkRun):
            attach_tape(self._run, TAPE_BUDGET_BYTES)  # the timeline can go back to any recent iteration
        self._driver = Driver(self._run, stop=self.stop_requested)
        self._restarted()

    def _restarted(self) -> None:
        """The history starts again: not running, no twin, no live changes."""
        self._running = False
        self._twin = None
        self._fresh = True
        self._changes = []

    def _start(self, cmd: c.Start) -> None:
        self._running = not self._driver.finished
        self._next_due = time.perf_counter()
        self._rate_mark = (time.perf_counter(), self._run.iteration)

    def _pause(self, cmd: c.Pause) -> None:
        self._running = False

    def _step(self, cmd: c.Step) -> None:
        """``n`` iterations (the twin in lockstep), a chunk at a time, stopping early when the
        window closes (``stop_requested``) or the run ends."""
        self._running = False
        self._driver.advance(int(cmd.n))

    def _reset(self, cmd: c.Reset) -> None:
        self._run.reset()
        self._restarted()

    def _reinitialize(self, cmd: c.Reinitialize) -> None:
        if isinstance(self._run, NetworkRun):
            self._run.reinitialize(int(cmd.seed))
            self._take_settings()
        else:
            self._run.reset()
        self._restarted()

    def _set_start(self, cmd: c.SetStart) -> bool:
        if not isinstance(self._run, SurfaceRace) or len(cmd.point) != self._run.surface.dim:
            return False  # meant for a network (the experiment before a preset switch), or another surface
        self._run.set_start(cmd.point)
        self._take_settings()
        self._restarted()
        return True

    def _set_learning_rate(self, cmd: c.SetLearningRate) -> None:
        lr = float(cmd.learning_rate)
        self._changed(f"α set to {lr:g}")
        self._run.set_learning_rate(lr)
        self._take_settings()

    def _set_optimizer(self, cmd: c.SetOptimizer) -> None:
        values = dict(cmd.values)
        self._changed(f"optimiser set to {cmd.name}")
        self._run.set_optimizer(cmd.name, **values)
        self._take_settings()

    def _set_max_iterations(self, cmd: c.SetMaxIterations) -> None:
        self._run.set_max_iterations(int(cmd.n))
        self._take_settings()

    def _take_settings(self) -> None:
        """After a live change the run's experiment is the truth (a race's per-run α included); the
        worker's copy adds only the playback speed, which the run does not hold."""
        self._experiment = self._run.experiment.replace(playback_speed=self._speed)

    def _set_speed(self, cmd: c.SetSpeed) -> None:
        self._speed = float(cmd.iterations_per_second)
        self._next_due = time.perf_counter()
        self._experiment = self._experiment.replace(playback_speed=self._speed)  # saved with the experiment

    def _set_tracked(self, cmd: c.SetTracked) -> bool:
        if not isinstance(self._run, NetworkRun):
            return False  # meant for a network (the experiment before a preset switch)
        self._run.set_tracked(list(cmd.ids))
        self._fresh = True
        return True

    def _sweep(self, cmd: c.Sweep) -> bool:
        was_running, self._running = self._running, False
        if was_running:
            self._emit()  # the window learns the run is paused: one Space resumes it afterwards
        self._job = sweep(self._experiment, log_spaced(cmd.lr_min, cmd.lr_max, cmd.count), cmd.iterations)
        return False

    def _cancel_sweep(self, cmd: c.CancelSweep | None = None) -> bool:
        if self._job is not None:
            self._job.close()
            self._job = None
            self.answered.emit(c.SweepDone(None))
        return False

    def _peek(self, cmd: c.Peek) -> bool:
        self.answered.emit(moment_at(self._run, int(cmd.iteration), self._sample, self._map_aspect))
        return False

    def _rewind(self, cmd: c.Rewind) -> None:
        self._running = False
        self._twin = None
        rewind(self._run, int(cmd.iteration))
        self._fresh = True
        self._changes.append(f"rewound to iteration {self._run.iteration}")

    def _fork(self, cmd: c.Fork) -> None:
        changes = dict(cmd.changes)
        self._twin = fork(self._run, **changes)
        self._twin_label = describe_change(changes)
        self._changed(f"a twin forked ({self._twin_label})")
        self._twin_since, self._twin_fresh = 0, True

    def _unfork(self, cmd: c.Unfork) -> None:
        self._twin = None

    def _worksheet(self, cmd: c.MakeWorksheet) -> bool:
        if not isinstance(self._run, NetworkRun):
            self.answered.emit(WorksheetAnswer(None, "Worksheets are for network experiments."))
            return False
        try:
            self.answered.emit(WorksheetAnswer(worksheet_from_run(self._run)))
        except ValueError as exc:
            self.answered.emit(WorksheetAnswer(None, str(exc)))
        return False

    def _select_sample(self, cmd: c.SelectSample) -> None:
        self._sample = int(cmd.index)

    def _trace(self, cmd: c.Trace) -> bool:
        if isinstance(self._run, NetworkRun):
            self.answered.emit(trace_iteration(self._run, cmd.mode, int(cmd.sample)))
        return False

    def _landscape(self, cmd: c.Landscape) -> bool:
        found = landscape_slice(self._run, cmd.wid_a, cmd.wid_b, cmd.x_range, cmd.y_range, cmd.n)
        if found is not None:  # None: asked about the previous experiment, or a network of another shape
            self.answered.emit(found)
        return False

    HANDLERS: dict[type, Callable[[Any, Any], bool | None]] = {
        c.SetShown: _set_shown, c.SetMapAspect: _set_map_aspect, c.Sync: _sync, c.Load: _load,
        c.Start: _start, c.Pause: _pause, c.Step: _step, c.Reset: _reset, c.Reinitialize: _reinitialize,
        c.SetStart: _set_start, c.SetLearningRate: _set_learning_rate, c.SetOptimizer: _set_optimizer,
        c.SetMaxIterations: _set_max_iterations, c.SetSpeed: _set_speed, c.SetTracked: _set_tracked,
        c.Sweep: _sweep, c.CancelSweep: _cancel_sweep, c.Peek: _peek, c.Rewind: _rewind, c.Fork: _fork,
        c.Unfork: _unfork, c.MakeWorksheet: _worksheet, c.SelectSample: _select_sample, c.Trace: _trace,
        c.Landscape: _landscape,
    }
    """The handler of each command type: it answers False when no frame should follow."""

    def _changed(self, what: str) -> None:
        """Note a live change, unless the run is still at iteration 0 (then it is simply its setting)."""
        if self._run.iteration > 0:
            self._changes.append(f"{what} at iteration {self._run.iteration}")

    # -- frames --------------------------------------------------------------------------------
    def _emit(self) -> None:
        run = self._run
        now = time.perf_counter()
        t_mark, i_mark = self._rate_mark
        if self._running and now - t_mark >= 0.25:
            self._iters_per_s = (run.iteration - i_mark) / (now - t_mark)
            self._rate_mark = (now, run.iteration)
        elif not self._running:
            self._iters_per_s = 0.0
        since = 0 if self._fresh else self._since
        snap = run.snapshot(since)
        self._since = snap.start + len(snap.iterations)
        view: dict[str, Any] = {}
        if isinstance(run, NetworkRun):
            if self._fresh or not self._running or now - self._last_view >= 1.0 / VIEW_HZ:
                # while running, only what a shown view draws; a pause brings everything up to date
                parts = self._shown if self._running and not self._fresh else VIEW_PARTS | (self._shown & {GRAPH})
                view = network_view_data(run, self._fresh, self._sample, parts=parts, aspect=self._map_aspect)
                self._last_view = now
        frame = Frame(snapshot=snap, experiment=self._experiment, running=self._running,
                      iters_per_s=self._iters_per_s, fresh=self._fresh, view=view, changes=tuple(self._changes),
                      ending=race_summary(run) if isinstance(run, SurfaceRace) and run.finished else "")
        twin = self._twin
        if twin is not None:
            since = 0 if (self._fresh or self._twin_fresh) else self._twin_since
            frame.twin = twin.snapshot(since)
            self._twin_since = frame.twin.start + len(frame.twin.iterations)
            frame.twin_label, frame.twin_fresh = self._twin_label, self._twin_fresh or self._fresh
            self._twin_fresh = False
        self._fresh = False
        self._last_emit = now
        self.answered.emit(frame)
