"""The training session: owns the one long-lived QThread and its worker.

The window talks only to this object: ``load``, ``start``, ``pause``, ``step``, ``reset``,
``set_learning_rate`` ... each puts a command on the worker's queue. Frames come back through
``frame_ready`` (a queued signal, delivered on the GUI thread). ``shutdown`` stops and joins the
thread and refuses anything afterwards, so closing the window mid-run is always clean.
"""
from __future__ import annotations

import queue
import weakref
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..core.experiment import Experiment
from .gc_policy import require_gui_thread_collection
from .view_data import Frame
from .worker import TrainingWorker

# Every session ever made, so tests can prove none leaves a thread running.
_SESSIONS: "weakref.WeakSet[TrainingSession]" = weakref.WeakSet()


def running_threads() -> list[QThread]:
    """Training threads still running (should be none once windows are closed)."""
    return [s.thread for s in list(_SESSIONS) if s.thread is not None and s.thread.isRunning()]


class TrainingSession(QObject):
    frame_ready = Signal(object)
    failed = Signal(str)
    sweep_progress = Signal(float)
    sweep_done = Signal(object)
    landscape_ready = Signal(object)
    trace_ready = Signal(object)
    peek_ready = Signal(object)
    synced = Signal(object)
    worksheet_ready = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._commands: "queue.Queue[tuple[str, Any]]" = queue.Queue()
        self._closing = False
        self.latest: Frame | None = None
        require_gui_thread_collection()  # installed with the application (see gc_policy)
        self.thread: QThread | None = QThread()
        self.thread.setObjectName("gdlab-training")
        self._worker = TrainingWorker(self._commands)
        self._worker.moveToThread(self.thread)
        self.thread.started.connect(self._worker.loop)
        self._worker.frame_ready.connect(self._on_frame)
        self._worker.failed.connect(self._on_failed)
        self._worker.sweep_progress.connect(self._on_sweep_progress)
        self._worker.sweep_done.connect(self._on_sweep_done)
        self._worker.landscape_ready.connect(self._on_landscape)
        self._worker.trace_ready.connect(self._on_trace)
        self._worker.peek_ready.connect(self._on_peek)
        self._worker.synced.connect(self._on_synced)
        self._worker.worksheet_ready.connect(self._on_worksheet)
        self.thread.start()
        _SESSIONS.add(self)

    # -- commands (all applied by the worker between steps) --------------------------------
    def _send(self, name: str, arg: Any = None) -> None:
        if not self._closing:
            self._commands.put((name, arg))

    def load(self, experiment: Experiment) -> None:
        self._send("load", experiment)

    def start(self) -> None:
        self._send("start")

    def pause(self) -> None:
        self._send("pause")

    def step(self, n: int = 1) -> None:
        self._send("step", int(n))

    def reset(self) -> None:
        self._send("reset")

    def reinitialize(self, seed: int) -> None:
        self._send("reinitialize", int(seed))

    def set_learning_rate(self, lr: float) -> None:
        self._send("set_learning_rate", float(lr))

    def set_optimizer(self, name: str, **values: Any) -> None:
        self._send("set_optimizer", (name, values))

    def set_max_iterations(self, n: int) -> None:
        self._send("set_max_iterations", int(n))

    def set_speed(self, iterations_per_second: float) -> None:
        """0 means as fast as possible."""
        self._send("set_speed", float(iterations_per_second))

    def set_tracked(self, ids: list[tuple[int, int, int]]) -> None:
        self._send("set_tracked", [tuple(i) for i in ids])

    def set_start(self, point) -> None:
        self._send("set_start", [float(v) for v in point])

    def sweep(self, lr_min: float, lr_max: float, count: int, iterations: int) -> None:
        """Run the current experiment at ``count`` log-spaced learning rates (pauses training)."""
        self._send("sweep", (float(lr_min), float(lr_max), int(count), int(iterations)))

    def cancel_sweep(self) -> None:
        self._send("cancel_sweep")

    def request_landscape(self, wid_a, wid_b, x_range, y_range, n: int = 41) -> None:
        """Ask for the network's cost over a plane of two weights; answered by ``landscape_ready``."""
        ranges = tuple(None if r is None else (float(r[0]), float(r[1])) for r in (x_range, y_range))
        self._send("landscape", (tuple(wid_a), tuple(wid_b), *ranges, int(n)))

    def request_trace(self, mode: str = "batch", sample: int = 0) -> None:
        """Ask for the next iteration taken apart (the inspector); answered by ``trace_ready``."""
        self._send("trace", (str(mode), int(sample)))

    def sync(self, token) -> None:
        """A barrier: ``synced(token)`` arrives once the worker has handled every command sent
        before this one (and emitted what they answer)."""
        self._send("sync", token)

    def peek(self, iteration: int) -> None:
        """Ask for the run as it was at ``iteration``; answered by ``peek_ready``."""
        self._send("peek", int(iteration))

    def rewind(self, iteration: int) -> None:
        """Go back to ``iteration`` and train on from there (a new branch)."""
        self._send("rewind", int(iteration))

    def fork(self, **changes) -> None:
        """A twin of the run now with ``changes`` (e.g. learning_rate=…), stepped in lockstep."""
        self._send("fork", dict(changes))

    def unfork(self) -> None:
        self._send("unfork")

    def request_worksheet(self) -> None:
        """Ask for a worksheet of the run's next iteration; answered by ``worksheet_ready``."""
        self._send("worksheet")

    def set_shown(self, parts) -> None:
        """Which view data the window shows while a run goes: a subset of
        :data:`gdlab.gui.view_data.VIEW_PARTS`. The worker skips the others until the run pauses."""
        self._send("set_shown", frozenset(parts))

    def set_map_aspect(self, aspect: float) -> None:
        """The data view's width : height: the worker spans its decision map to fill it."""
        self._send("map_aspect", float(aspect))

    def select_sample(self, index: int) -> None:
        """The training sample whose z and a the diagram shows."""
        self._send("select_sample", int(index))

    @property
    def running(self) -> bool:
        return bool(self.latest and self.latest.running)

    # -- frames ---------------------------------------------------------------------------------
    @Slot(object)
    def _on_frame(self, frame: Frame) -> None:
        if self._closing:
            return
        self.latest = frame
        self.frame_ready.emit(frame)

    @Slot(float)
    def _on_sweep_progress(self, fraction: float) -> None:
        if not self._closing:
            self.sweep_progress.emit(fraction)

    @Slot(object)
    def _on_sweep_done(self, result) -> None:
        if not self._closing:
            self.sweep_done.emit(result)

    @Slot(object)
    def _on_landscape(self, payload) -> None:
        if not self._closing:
            self.landscape_ready.emit(payload)

    @Slot(object)
    def _on_trace(self, trace) -> None:
        if not self._closing:
            self.trace_ready.emit(trace)

    @Slot(object)
    def _on_peek(self, payload) -> None:
        if not self._closing:
            self.peek_ready.emit(payload)

    @Slot(object)
    def _on_synced(self, token) -> None:
        if not self._closing:
            self.synced.emit(token)

    @Slot(object)
    def _on_worksheet(self, answer) -> None:
        if not self._closing:
            self.worksheet_ready.emit(answer)

    @Slot(str)
    def _on_failed(self, report: str) -> None:
        if not self._closing:
            self.failed.emit(report)

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
        self._commands.put(("quit", None))
        thread.quit()
        ok = thread.wait(timeout_ms)
        return bool(ok)
