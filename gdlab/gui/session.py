"""The training session: owns the one long-lived QThread and its worker.

The window talks only to this object: ``load``, ``start``, ``pause``, ``step``, ``reset``,
``set_learning_rate`` ... each puts a command (a :mod:`gdlab.gui.commands` dataclass) on the
worker's queue. Everything the worker answers arrives through one queued signal, on the GUI
thread, and is passed on by its type (:data:`ROUTES`): frames through ``frame_ready``, a slice
through ``landscape_ready`` and so on. ``shutdown`` stops and joins the thread and refuses
anything afterwards, so closing the window mid-run is always clean.
"""
from __future__ import annotations

import queue
import weakref
from operator import attrgetter
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..core.files.experiment import Experiment
from ..core.teaching.backprop_trace import BackpropTrace
from . import commands as c
from .gc_policy import require_gui_thread_collection
from .view_data import Frame, LandscapeSlice, NetworkMoment, SurfaceMoment, WorksheetAnswer
from .worker import TrainingWorker

# Every session ever made, so tests can prove none leaves a thread running.
_SESSIONS: "weakref.WeakSet[TrainingSession]" = weakref.WeakSet()


def _itself(answer: Any) -> Any:
    return answer


# Each answer's type -> (the session's signal that passes it on, what of the answer it carries).
ROUTES: dict[type, tuple[str, Callable[[Any], Any]]] = {
    Frame: ("frame_ready", _itself), c.Failed: ("failed", attrgetter("report")),
    c.SweepProgress: ("sweep_progress", attrgetter("fraction")), c.SweepDone: ("sweep_done", attrgetter("result")),
    c.Synced: ("synced", attrgetter("token")), LandscapeSlice: ("landscape_ready", _itself),
    BackpropTrace: ("trace_ready", _itself), NetworkMoment: ("peek_ready", _itself),
    SurfaceMoment: ("peek_ready", _itself), WorksheetAnswer: ("worksheet_ready", _itself),
}


def running_threads() -> list[QThread]:
    """Training threads still running (should be none once windows are closed)."""
    return [s.thread for s in list(_SESSIONS) if s.thread is not None and s.thread.isRunning()]


class TrainingSession(QObject):
    frame_ready = Signal(object)
    failed = Signal(str)
    sweep_progress = Signal(float)
    sweep_done = Signal(object)       # a gdlab.core.run.sweep.SweepResult, or None when cancelled
    landscape_ready = Signal(object)  # a gdlab.gui.view_data.LandscapeSlice
    trace_ready = Signal(object)      # a gdlab.core.teaching.backprop_trace.BackpropTrace of the next iteration
    peek_ready = Signal(object)       # a NetworkMoment or SurfaceMoment (gdlab.gui.view_data): see peek
    synced = Signal(object)           # the token of a sync: every command sent before it has been handled
    worksheet_ready = Signal(object)  # a gdlab.gui.view_data.WorksheetAnswer

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._commands: "queue.Queue[Any]" = queue.Queue()
        self._closing = False
        self.latest: Frame | None = None
        require_gui_thread_collection()  # installed with the application (see gc_policy)
        self.thread: QThread | None = QThread()
        self.thread.setObjectName("gdlab-training")
        self._worker = TrainingWorker(self._commands)
        self._worker.moveToThread(self.thread)
        self.thread.started.connect(self._worker.loop)
        self._worker.answered.connect(self._on_answer)
        self.thread.start()
        _SESSIONS.add(self)

    # -- commands (all applied by the worker between steps) --------------------------------
    def _send(self, command: Any) -> None:
        if not self._closing:
            self._commands.put(command)

    def load(self, experiment: Experiment) -> None:
        self._send(c.Load(experiment))

    def start(self) -> None:
        self._send(c.Start())

    def pause(self) -> None:
        self._send(c.Pause())

    def step(self, n: int = 1) -> None:
        self._send(c.Step(int(n)))

    def reset(self) -> None:
        self._send(c.Reset())

    def reinitialize(self, seed: int) -> None:
        self._send(c.Reinitialize(int(seed)))

    def set_learning_rate(self, lr: float) -> None:
        self._send(c.SetLearningRate(float(lr)))

    def set_optimizer(self, name: str, **values: Any) -> None:
        self._send(c.SetOptimizer(name, tuple(values.items())))

    def set_max_iterations(self, n: int) -> None:
        self._send(c.SetMaxIterations(int(n)))

    def set_speed(self, iterations_per_second: float) -> None:
        """0 means as fast as possible."""
        self._send(c.SetSpeed(float(iterations_per_second)))

    def set_tracked(self, ids: list[tuple[int, int, int]]) -> None:
        self._send(c.SetTracked(tuple(tuple(i) for i in ids)))

    def set_start(self, point) -> None:
        self._send(c.SetStart(tuple(float(v) for v in point)))

    def sweep(self, lr_min: float, lr_max: float, count: int, iterations: int) -> None:
        """Run the current experiment at ``count`` log-spaced learning rates (pauses training)."""
        self._send(c.Sweep(float(lr_min), float(lr_max), int(count), int(iterations)))

    def cancel_sweep(self) -> None:
        self._send(c.CancelSweep())

    def request_landscape(self, wid_a, wid_b, x_range, y_range, n: int = 41) -> None:
        """Ask for the network's cost over a plane of two weights; answered by ``landscape_ready``."""
        x, y = (None if r is None else (float(r[0]), float(r[1])) for r in (x_range, y_range))
        self._send(c.Landscape(tuple(wid_a), tuple(wid_b), x, y, int(n)))

    def request_trace(self, mode: str = "batch", sample: int = 0) -> None:
        """Ask for the next iteration taken apart (the inspector); answered by ``trace_ready``."""
        self._send(c.Trace(str(mode), int(sample)))

    def sync(self, token) -> None:
        """A barrier: ``synced(token)`` arrives once the worker has handled every command sent
        before this one (and emitted what they answer)."""
        self._send(c.Sync(token))

    def peek(self, iteration: int) -> None:
        """Ask for the run as it was at ``iteration``; answered by ``peek_ready``."""
        self._send(c.Peek(int(iteration)))

    def rewind(self, iteration: int) -> None:
        """Go back to ``iteration`` and train on from there (a new branch)."""
        self._send(c.Rewind(int(iteration)))

    def fork(self, **changes) -> None:
        """A twin of the run now with ``changes`` (e.g. learning_rate=…), stepped in lockstep."""
        self._send(c.Fork(tuple(changes.items())))

    def unfork(self) -> None:
        self._send(c.Unfork())

    def request_worksheet(self) -> None:
        """Ask for a worksheet of the run's next iteration; answered by ``worksheet_ready``."""
        self._send(c.MakeWorksheet())

    def set_shown(self, parts) -> None:
        """Which view data the window shows while a run goes: a subset of
        :data:`gdlab.gui.view_data.VIEW_PARTS`. The worker skips the others until the run pauses."""
        self._send(c.SetShown(frozenset(parts)))

    def set_map_aspect(self, aspect: float) -> None:
        """The data view's width : height: the worker spans its decision map to fill it."""
        self._send(c.SetMapAspect(float(aspect)))

    def select_sample(self, index: int) -> None:
        """The training sample whose z and a the diagram shows."""
        self._send(c.SelectSample(int(index)))

    @property
    def running(self) -> bool:
        return bool(self.latest and self.latest.running)

    # -- answers ----------------------------------------------------------------------------------
    @Slot(object)
    def _on_answer(self, answer: Any) -> None:
        """Pass an answer of the worker on through its own signal (nothing once closing)."""
        if self._closing:
            return
        if isinstance(answer, Frame):
            self.latest = answer
        signal, part = ROUTES[type(answer)]
        getattr(self, signal).emit(part(answer))

    # -- shutdown -------------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop the worker, quit and join the thread. Safe to call twice. Never terminates."""
        if self._closing:
            return True
        self._closing = True
        thread = self.thread
        if thread is None:
            return True
        self._worker.stop_requested.set()  # a long step in progress ends at its next chunk
        # Drop queued work so "quit" is the next thing the worker sees.
        try:
            while True:
                self._commands.get_nowait()
        except queue.Empty:
            pass
        self._commands.put(c.Quit())
        thread.quit()
        ok = thread.wait(timeout_ms)
        return bool(ok)
