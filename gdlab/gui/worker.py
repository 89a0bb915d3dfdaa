"""The training worker: a QObject that lives on the one training QThread.

It drives a core run (:mod:`gdlab.core.training`) in a loop. Commands from the window arrive
through a thread-safe queue and are applied between steps, so a new learning rate is used by
the very next step. It never touches a widget: it only emits :class:`Frame` objects (copies of
arrays), at most ``EMIT_HZ`` times a second on its own clock, and always after a command and
at the end of a run. Each frame carries every history row since the previous one.
"""
from __future__ import annotations

import queue
import threading
import time
import traceback
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..core.backprop_trace import trace_iteration
from ..core.experiment import Experiment
from ..core.outcome import race_summary
from ..core.sweep import log_spaced, sweep
from ..core.timeline import attach_tape, describe_change, fork, probe_at, rewind
from ..core.training import NetworkRun, SurfaceRace, make_run
from ..core.worksheet import worksheet_from_run
from .view_data import VIEW_PARTS, Frame, around, network_view_data

EMIT_HZ = 30.0
TAPE_BUDGET_BYTES = 16_000_000  # weights of recent iterations kept for the timeline
VIEW_HZ = 6.0  # the network's output over the input plane changes slowly: recompute it 6 times a second
MAX_SPEED = 0  # speed value meaning "as fast as possible"
STEP_CHUNK = 200  # iterations of a long step between looks at stop_requested (spiral-deep: ~60 ms)
CHUNK_SECONDS = 0.004  # at full speed, look at the command queue about every 4 ms
PEEK_PATH_ROWS = 20_000  # a scrubbed race's paths are sent up to the moment (at most this many rows)


class TrainingWorker(QObject):
    """Runs training steps; see the module docstring. Use through :class:`TrainingSession`."""

    frame_ready = Signal(object)
    failed = Signal(str)
    stopped = Signal()
    sweep_progress = Signal(float)
    sweep_done = Signal(object)       # a gdlab.core.sweep.SweepResult, or None when cancelled
    landscape_ready = Signal(object)  # {"wids", "xs", "ys", "Z"}: a slice of the network's cost
    trace_ready = Signal(object)      # a gdlab.core.backprop_trace.BackpropTrace of the next iteration
    peek_ready = Signal(object)       # the run at an earlier iteration (the timeline): see _peek
    worksheet_ready = Signal(object)  # (a gdlab.core.worksheet.Worksheet or None, a problem in words or None)
    synced = Signal(object)           # the token of a "sync": every command sent before it has been handled

    def __init__(self, commands: "queue.Queue[tuple[str, Any]]"):
        super().__init__()
        self._commands = commands
        # Set from the GUI thread when the window closes: a long step (a lesson's 200,000
        # iterations) checks it between chunks, so quitting never waits on one uninterruptible call.
        self.stop_requested = threading.Event()
        self._run: NetworkRun | SurfaceRace | None = None
        self._experiment: Experiment | None = None
        self._running = False
        self._speed = MAX_SPEED
        self._since = 0
        self._fresh = True
        self._chunk = 1
        self._last_emit = 0.0
        self._last_view = 0.0
        self._rate_mark = (time.perf_counter(), 0)
        self._iters_per_s = 0.0
        self._next_due = 0.0
        self._job = None  # a learning-rate sweep in progress: a generator advanced between commands
        self._sample = 0  # the training sample whose z and a the diagram shows on hover
        self._twin = None  # a forked twin run stepped in lockstep (gdlab.core.timeline.fork)
        self._twin_label, self._twin_since, self._twin_fresh = "", 0, False
        self._shown = VIEW_PARTS  # the view data a visible view draws (set_shown)
        self._map_aspect: float | None = None  # the data view's width : height (its map fills it)
        self._changes: list[str] = []  # live changes since the run started from iteration 0

    # -- the loop ----------------------------------------------------------------------------
    @Slot()
    def loop(self) -> None:
        """Process commands and step until told to quit (runs on the training thread)."""
        try:
            while True:
                if self._job is not None:
                    try:
                        command = self._commands.get_nowait()
                    except queue.Empty:
                        command = None
                    if command is not None and command[0] == "quit":
                        break
                    if command is not None:
                        self._guarded(self._handle, command)
                    else:
                        self._guarded(self._advance_job)
                    continue
                busy = self._running and self._run is not None and not (
                    self._run.finished and (self._twin is None or self._twin.finished))
                try:
                    if not busy:
                        command = self._commands.get()
                    elif self._speed == MAX_SPEED:
                        command = self._commands.get_nowait()
                    else:
                        command = self._commands.get(timeout=max(0.0, self._next_due - time.perf_counter()))
                except queue.Empty:
                    command = None
                if command is not None:
                    if command[0] == "quit":
                        break
                    self._guarded(self._handle, command)
                    continue
                self._guarded(self._advance)
        finally:
            self.stopped.emit()
            QThread.currentThread().quit()

    def _guarded(self, fn, *args) -> None:
        try:
            fn(*args)
        except Exception:  # a bug must reach the user as a message, never kill the thread
            self._running = False
            if self._job is not None:
                self._job = None
                self.sweep_done.emit(None)
            self.failed.emit(traceback.format_exc())

    def _advance_job(self) -> None:
        """One slice of the sweep; its generator yields the fraction done and returns the result."""
        try:
            fraction = next(self._job)
        except StopIteration as done:
            self._job = None
            self.sweep_done.emit(done.value)
            return
        now = time.perf_counter()
        if now - self._last_emit >= 1.0 / EMIT_HZ:
            self._last_emit = now
            self.sweep_progress.emit(float(fraction))

    def _advance(self) -> None:
        run, twin = self._run, self._twin
        n = self._chunk if self._speed == MAX_SPEED else 1
        t0 = time.perf_counter()
        run.step(n)
        if twin is not None:
            twin.step(n)  # in lockstep with the original
        now = time.perf_counter()
        if self._speed == MAX_SPEED:
            per_step = (now - t0) / max(1, n)
            self._chunk = max(1, min(10_000, int(CHUNK_SECONDS / max(per_step, 1e-9))))
        else:
            self._next_due = max(self._next_due + 1.0 / self._speed, now)
        finished = run.finished and (twin is None or twin.finished)
        if finished:
            self._running = False
        if finished or now - self._last_emit >= 1.0 / EMIT_HZ or self._speed and self._speed <= EMIT_HZ:
            self._emit()

    # -- commands ----------------------------------------------------------------------------
    def _handle(self, command: tuple[str, Any]) -> None:
        name, arg = command
        if name == "set_shown":  # kept across experiments: it is about the window
            self._shown = frozenset(arg) & VIEW_PARTS
            return
        if name == "map_aspect":  # the same; the next frame's map has the data view's shape
            self._map_aspect = float(arg)
            return
        if name == "sync":  # a barrier: answered in order, with no work and no frame
            self.synced.emit(arg)
            return
        if name == "load":
            if self._job is not None:  # a sweep of the old experiment is no longer wanted
                self._job.close()
                self._job = None
                self.sweep_done.emit(None)
            self._experiment = arg
            self._speed = float(arg["playback_speed"])  # each experiment plays at its own pace
            self._next_due = time.perf_counter()
            self._run = make_run(arg)
            if isinstance(self._run, NetworkRun):
                attach_tape(self._run, TAPE_BUDGET_BYTES)  # the timeline can go back to any recent iteration
            self._twin = None
            self._running = False
            self._fresh = True
            self._changes = []
        elif self._run is None:
            return
        elif name == "start":
            self._running = not (self._run.finished and (self._twin is None or self._twin.finished))
            self._next_due = time.perf_counter()
            self._rate_mark = (time.perf_counter(), self._run.iteration)
        elif name == "pause":
            self._running = False
        elif name == "step":
            self._running = False
            self._step_interruptibly(int(arg))
        elif name == "reset":
            self._running = False
            self._twin = None
            self._run.reset()
            self._fresh = True
            self._changes = []
        elif name == "reinitialize":
            self._running = False
            self._twin = None
            if isinstance(self._run, NetworkRun):
                self._run.reinitialize(int(arg))
                self._experiment = self._experiment.replace(seed=int(arg))
            else:
                self._run.reset()
            self._fresh = True
            self._changes = []
        elif name in ("set_start", "set_tracked") and not isinstance(
                self._run, SurfaceRace if name == "set_start" else NetworkRun):
            return  # meant for the other kind of experiment (the one before a preset switch)
        elif name == "set_start":
            if len(arg) != self._run.surface.dim:
                return  # a click on the view of another surface
            self._running = False
            self._twin = None
            self._run.set_start(arg)
            self._experiment = self._experiment.replace(start=[float(v) for v in arg])
            self._fresh = True
            self._changes = []
        elif name == "set_learning_rate":
            self._changed(f"α set to {float(arg):g}")
            self._run.set_learning_rate(float(arg))
            self._experiment = self._experiment.replace(learning_rate=float(arg))
        elif name == "set_optimizer":
            opt_name, values = arg
            self._changed(f"optimiser set to {opt_name}")
            self._run.set_optimizer(opt_name, **values)
            self._experiment = self._experiment.replace(optimizer=opt_name, **values)
        elif name == "set_max_iterations":
            self._run.set_max_iterations(int(arg))
            self._experiment = self._experiment.replace(max_iterations=int(arg))
        elif name == "set_speed":
            self._speed = float(arg)
            self._next_due = time.perf_counter()
            self._experiment = self._experiment.replace(playback_speed=float(arg))  # saved with the experiment
        elif name == "set_tracked":
            self._run.set_tracked(list(arg))
            self._fresh = True
        elif name == "sweep":
            lr_min, lr_max, count, iterations = arg
            was_running, self._running = self._running, False
            if was_running:
                self._emit()  # the window learns the run is paused: one Space resumes it afterwards
            self._job = sweep(self._experiment, log_spaced(lr_min, lr_max, count), iterations)
            return
        elif name == "cancel_sweep":
            if self._job is not None:
                self._job.close()
                self._job = None
                self.sweep_done.emit(None)
            return
        elif name == "peek":
            self.peek_ready.emit(self._peek(int(arg)))
            return
        elif name == "rewind":
            self._running = False
            self._twin = None
            rewind(self._run, int(arg))
            self._fresh = True
            self._changes.append(f"rewound to iteration {self._run.iteration}")
        elif name == "fork":
            changes = dict(arg)
            self._twin = fork(self._run, **changes)
            self._twin_label = describe_change(changes)
            self._changed(f"a twin forked ({self._twin_label})")
            self._twin_since, self._twin_fresh = 0, True
        elif name == "unfork":
            self._twin = None
        elif name == "worksheet":
            if not isinstance(self._run, NetworkRun):
                self.worksheet_ready.emit((None, "Worksheets are for network experiments."))
                return
            try:
                self.worksheet_ready.emit((worksheet_from_run(self._run), None))
            except ValueError as exc:
                self.worksheet_ready.emit((None, str(exc)))
            return
        elif name == "select_sample":
            self._sample = int(arg)
        elif name == "trace":
            if not isinstance(self._run, NetworkRun):
                return
            mode, sample = arg
            self.trace_ready.emit(trace_iteration(self._run, mode, int(sample)))
            return
        elif name == "landscape":
            wid_a, wid_b, x_range, y_range, n = arg
            if not (isinstance(self._run, NetworkRun) and self._run.has_weight(tuple(wid_a))
                    and self._run.has_weight(tuple(wid_b))):
                return  # asked about the previous experiment, or a network of another shape
            path = self._run.weight_path(tuple(wid_a), tuple(wid_b))
            if x_range is None or y_range is None:
                x_range, y_range = around(path[:, 0]), around(path[:, 1])
            xs, ys = np.linspace(*x_range, n), np.linspace(*y_range, n)
            Z = self._run.cost_slice(tuple(wid_a), tuple(wid_b), xs, ys)
            self.landscape_ready.emit({"wids": (tuple(wid_a), tuple(wid_b)), "xs": xs, "ys": ys, "Z": Z,
                                       "path": path, "iteration": self._run.iteration})
            return
        else:
            raise ValueError(f"unknown command {name!r}")
        self._emit()

    def _step_interruptibly(self, count: int) -> None:
        """``count`` iterations (the twin in lockstep), STEP_CHUNK at a time, stopping early when the
        window closes (``stop_requested``) or the run ends."""
        remaining = count
        while remaining > 0 and not self.stop_requested.is_set():
            n = min(remaining, STEP_CHUNK)
            self._run.step(n)
            if self._twin is not None:
                self._twin.step(n)  # the twin keeps in lockstep
            remaining -= n
            if self._run.finished and (self._twin is None or self._twin.finished):
                break

    def _changed(self, what: str) -> None:
        """Note a live change, unless the run is still at iteration 0 (then it is simply its setting)."""
        if self._run.iteration > 0:
            self._changes.append(f"{what} at iteration {self._run.iteration}")

    def _peek(self, iteration: int) -> dict[str, Any]:
        """The run as it was at ``iteration`` (the nearest recorded one): what the views show while
        the timeline is scrubbed back. The run itself is not changed."""
        run = self._run
        iteration = max(run.first_iteration if isinstance(run, NetworkRun) else 0, min(iteration, run.iteration))
        if isinstance(run, SurfaceRace):
            row = iteration
            return {"iteration": iteration, "found": iteration, "kind": "surface",
                    "w": run.history.view("paths", row, row + 1)[0].copy(),
                    "costs": run.history.view("costs", row, row + 1)[0].copy(),
                    "paths": run.history.view("paths", max(0, row + 1 - PEEK_PATH_ROWS), row + 1).copy()}
        found = probe_at(run, iteration)
        if found is None:
            return {"iteration": iteration, "found": None, "kind": "network"}
        it, probe = found
        row = it - run.first_iteration
        with np.errstate(all="ignore"):
            probe.loss_and_gradients(run.X_train, run.Y_train, run.loss, run.experiment["regularization"],
                                     run.experiment["reg_rate"])
        grads = probe.gradients
        view = network_view_data(run, False, self._sample, model=probe, aspect=self._map_aspect)
        return {"iteration": iteration, "found": it, "kind": "network",
                "weights": [w.copy() for w in probe.weights], "biases": [b.copy() for b in probe.biases],
                "grad_weights": [g.copy() for g in grads[0::2]], "grad_biases": [g.copy() for g in grads[1::2]],
                "train_cost": float(run.history.view("train_cost", row, row + 1)[0]), "view": view}

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
                parts = self._shown if self._running and not self._fresh else VIEW_PARTS
                view = network_view_data(run, self._fresh, self._sample, parts=parts, aspect=self._map_aspect)
                self._last_view = now
        frame = Frame(snapshot=snap, experiment=self._experiment, running=self._running,
                      iters_per_s=self._iters_per_s, fresh=self._fresh, view=view, changes=tuple(self._changes),
                      ending=race_summary(run) if isinstance(run, SurfaceRace) and run.finished else "")
        if self._twin is not None:
            since = 0 if (self._fresh or self._twin_fresh) else self._twin_since
            frame.twin = self._twin.snapshot(since)
            self._twin_since = frame.twin.start + len(frame.twin.iterations)
            frame.twin_label, frame.twin_fresh = self._twin_label, self._twin_fresh or self._fresh
            self._twin_fresh = False
        self._fresh = False
        self._last_emit = now
        self.frame_ready.emit(frame)
