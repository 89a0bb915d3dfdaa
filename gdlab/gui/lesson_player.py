"""Playing a lesson in the lab window: Next, Previous, Restart, each pause rebuilt from scratch.

A :class:`~gdlab.core.teaching.lessons.Lesson` is a list of pauses, each with the state it shows (see
:meth:`~gdlab.core.teaching.lessons.Lesson.pauses`). Going to a pause — forwards, backwards or again —
always rebuilds that state the same way, so a rehearsed lesson shows the same picture in the
lecture hall:

1. load the pause's experiment (a fresh copy: frames of this visit are told apart from older ones
   by the identity of ``frame.experiment``) and ask the session for exactly N iterations;
2. when the frame of iteration N (or of the run's end, if it ends sooner) arrives, show the views,
   ask the inspector for its trace and the landscape for its slice, and send a barrier
   (``session.sync(token)``: the worker answers every command in order, so when the barrier's
   answer comes back, every answer asked for before it has arrived; a sync makes no frame, so the
   last frame the window saw is still the run's own);
3. when the barrier's answer arrives, put the inspector on its weight and phase, show the caption
   and the highlight, and emit :attr:`LessonPlayer.changed`.

Nothing blocks the event loop: the player is a small state machine driven by the session's
``frame_ready`` and ``synced`` signals. The player needs only what :class:`PlayerWindow` names of its
window, so it does not import the lab window (which imports it). :func:`gdlab.gui.figures.lesson_render.render_pauses`
plays every pause in a window of its own, offscreen, and writes each one as a numbered PNG.
"""
from __future__ import annotations

import html
from typing import Any, Callable, Protocol

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from ..core.run.training import TERMINAL
from ..core.teaching.lessons import BOTTOM_VIEWS, TOP_VIEWS, Lesson, Pause
from .palette import VERMILLION
from .slides import SlideWindow, view_widget

__all__ = ["LessonPlayer", "PlayerWindow"]

HIGHLIGHT_COLOR = VERMILLION
HIGHLIGHT_WIDTH = 6
_IDLE, _RUNNING, _SETTLING = "idle", "running", "settling"


class HighlightFrame(QWidget):
    """A thick coloured frame drawn over a view (mouse clicks pass through it); it follows the
    view's size until :meth:`remove`."""

    def __init__(self, target: QWidget):
        super().__init__(target)
        self.target = target
        self.setObjectName("lesson-highlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        target.installEventFilter(self)
        self.setGeometry(target.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target and event.type() in (QEvent.Type.Resize, QEvent.Type.ChildAdded):
            self.setGeometry(self.target.rect())
            self.raise_()
        return False

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        pen = QPen(QColor(HIGHLIGHT_COLOR), HIGHLIGHT_WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = HIGHLIGHT_WIDTH // 2
        painter.drawRect(self.rect().adjusted(half, half, -half - 1, -half - 1))
        painter.end()

    def remove(self) -> None:
        self.target.removeEventFilter(self)
        self.hide()
        self.setParent(None)
        self.deleteLater()


class PlayerWindow(SlideWindow, Protocol):
    """What the player needs of its window (the lab window, :class:`~gdlab.gui.main_window.MainWindow`,
    is one): the session and timeline it drives, the views it arranges, the caption lines it writes."""

    session: Any            # a TrainingSession: frame_ready, synced, failed; pause, step, sync, running
    timeline: Any           # a TimelineBar: live, go_live
    inspector: Any          # an InspectorView: mode, sample, trace, phase, request, choose_weight, next, back
    landscape_view: Any     # a LandscapeView: weight_a, weight_b, request
    message: Any            # the message bar: show_message, hide
    lecture_caption: QLabel
    lecture_mode: bool
    caption_override: Callable[[], str] | None

    def load_experiment(self, experiment: Any) -> None: ...

    def _update_lecture_caption(self) -> None: ...

    def _redraw(self) -> None: ...


class LessonPlayer(QObject):
    """Plays a lesson in a :class:`~gdlab.gui.main_window.MainWindow`.

    ``start(lesson)`` goes to the first pause; ``next()``, ``previous()``, ``restart()`` and
    ``go_to(k)`` to others; ``stop()`` ends the lesson (the window keeps the state on show).
    ``pause_index`` is the 0-based pause on show (or being built; -1 before the start), ``index``
    the 0-based position of its ``[[step]]`` in the lesson, ``caption`` its caption once ``ready``.
    ``changed`` is emitted when a pause's state has been reached (and by ``stop``); ``finished``
    when Next is pressed at the last pause.
    """

    changed = Signal()
    finished = Signal()

    def __init__(self, window: PlayerWindow, parent: QObject | None = None):
        super().__init__(parent if parent is not None else window)
        self.window = window
        self.lesson: Lesson | None = None
        self.large_caption = False   # the caption in the window's big caption line even outside lecture mode
        self._pauses: list[Pause] = []
        self._pause_index = -1
        self._stage = _IDLE
        self._experiment = None
        self._caption = ""
        self._highlight: HighlightFrame | None = None
        self._tab_mark: tuple[QTabWidget, int, QColor] | None = None
        self._actions: dict[str, QAction] = {}
        self._barrier = 0  # the token of the last sync sent (see the module docstring, step 2)
        window.session.frame_ready.connect(self._on_frame)
        window.session.synced.connect(self._on_synced)
        window.session.failed.connect(self._on_failed)

    # -- state ----------------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self.lesson is not None

    @property
    def ready(self) -> bool:
        """True when the pause's state is on show (and until the next move)."""
        return self.lesson is not None and self._stage == _IDLE and self._pause_index >= 0

    @property
    def pause_index(self) -> int:
        return self._pause_index

    @property
    def caption(self) -> str:
        return self._caption

    def _caption_text(self) -> str:
        return self._caption

    @property
    def count(self) -> int:
        return len(self._pauses)

    # -- moving -----------------------------------------------------------------------------------
    def start(self, lesson: Lesson) -> None:
        """Play ``lesson`` from its first pause."""
        if self.lesson is not None:
            self._clear_marks()
        self.lesson = lesson
        self._pauses = lesson.pauses()
        self._override_lecture_text(True)
        self._update_actions()
        self.go_to(0)

    @Slot()
    def next(self) -> bool:
        """The next pause; at the last one, emit ``finished`` and stay. Returns whether it moved."""
        if self.lesson is None:
            return False
        if self._pause_index + 1 >= len(self._pauses):
            self.finished.emit()
            return False
        self.go_to(self._pause_index + 1)
        return True

    @Slot()
    def previous(self) -> bool:
        """The previous pause, rebuilt from scratch. Returns whether it moved."""
        if self.lesson is None or self._pause_index <= 0:
            return False
        self.go_to(self._pause_index - 1)
        return True

    @Slot()
    def restart(self) -> None:
        if self.lesson is not None:
            self.go_to(0)

    def go_to(self, k: int) -> None:
        """Rebuild pause ``k`` (0-based) from scratch: load, run N iterations, then show it."""
        if self.lesson is None:
            raise RuntimeError("no lesson is playing: call start(lesson) first")
        if not 0 <= k < len(self._pauses):
            raise IndexError(f"pause {k} of a lesson with {len(self._pauses)} pauses")
        w = self.window
        pause = self._pauses[k]
        self._clear_marks()
        self._pause_index = k
        self._caption = ""
        if w.session.running:
            w.session.pause()
        if not w.timeline.live:
            w.timeline.go_live()
        # the inspector's own choices are part of the picture: back to the whole batch, sample 0
        w.inspector.mode.setCurrentIndex(0)
        w.inspector.sample.setValue(0)
        self._experiment = pause.experiment.replace()  # a fresh object: this visit's frames carry it
        self._stage = _RUNNING
        w.load_experiment(self._experiment)
        if pause.iterations:
            w.session.step(pause.iterations)
        self._update_actions()

    @Slot()
    def stop(self) -> None:
        """End the lesson: the marks and the caption go, the window keeps the state on show."""
        if self.lesson is None:
            return
        self._clear_marks()
        self._override_lecture_text(False)
        w = self.window
        if self.large_caption and not w.lecture_mode:
            w.lecture_caption.hide()
        w.message.hide()
        self.lesson, self._pauses, self._pause_index = None, [], -1
        self._stage, self._experiment, self._caption = _IDLE, None, ""
        self._update_actions()
        self.changed.emit()

    # -- the state machine ----------------------------------------------------------------------------
    @Slot(object)
    def _on_frame(self, frame) -> None:
        if self._stage != _RUNNING or frame.experiment is not self._experiment:
            return  # not this visit's frame: an older pause's, or the user's own commands
        pause = self._pauses[self._pause_index]
        snap = frame.snapshot
        if snap.iteration < pause.iterations and snap.status not in TERMINAL:
            return  # the fresh frame of the load; the run's frame is still to come
        self._show_views(pause)
        self._stage = _SETTLING
        self._barrier += 1
        self.window.session.sync(self._barrier)  # answered after everything asked for above

    @Slot(object)
    def _on_synced(self, token) -> None:
        if self._stage != _SETTLING or token != self._barrier:
            return
        self._stage = _IDLE
        self._show_pause(self._pauses[self._pause_index])
        self.changed.emit()

    @Slot(str)
    def _on_failed(self, _report: str) -> None:
        self._stage = _IDLE  # the window shows the error; the pause stays where it got to

    def _show_views(self, pause: Pause) -> None:
        w = self.window
        top = view_widget(w, pause.view, tab=True)
        w.view_tabs.setCurrentWidget(top)
        w.bottom_tabs.setCurrentWidget(view_widget(w, pause.bottom, tab=True))
        if pause.view == "inspector":
            sample = pause.inspect.sample if pause.inspect is not None else None
            if sample is not None:  # one training sample alone (one request below, for this state)
                for widget in (w.inspector.mode, w.inspector.sample):
                    widget.blockSignals(True)
                w.inspector.mode.setCurrentIndex(1)
                w.inspector.sample.setValue(sample)
                for widget in (w.inspector.mode, w.inspector.sample):
                    widget.blockSignals(False)
            w.inspector.request()  # even if it holds a trace of the same iteration number: of another run
        elif pause.view == "landscape":
            view = w.landscape_view
            for combo, index in ((view.weight_a, 0), (view.weight_b, 1)):
                combo.blockSignals(True)
                combo.setCurrentIndex(min(index, combo.count() - 1))
                combo.blockSignals(False)
            view.request()

    def _show_pause(self, pause: Pause) -> None:
        w = self.window
        if pause.inspect is not None and w.inspector.trace is not None:
            inspector = w.inspector
            inspector.choose_weight(pause.inspect.weight)
            target = min(pause.inspect.phase_index(len(inspector.trace.layer_sizes) - 1),
                         len(inspector.trace.phases) - 1)
            while inspector.phase > target:
                inspector.back()
            while inspector.phase < target:
                inspector.next()
        if pause.view == "graph":
            w.graph_view.refresh()
            w.graph_view.set_phase(-1)  # the backward pass complete; B and N walk it
        self._caption = pause.caption
        if self.large_caption or w.lecture_mode:
            w.lecture_caption.setText(pause.caption)
            w.lecture_caption.show()
        else:
            title = html.escape(self.lesson.title)
            w.message.show_message(f"<b>{title} · {pause.number}/{len(self._pauses)}</b>&nbsp;&nbsp;"
                                   f"{html.escape(pause.caption)}", "info")
        if pause.highlight is not None:
            self._mark(pause.highlight)
        w._redraw()  # the plots and the status bar show this state now, not at the redraw timer's next tick

    # -- the highlight ------------------------------------------------------------------------------------
    def _mark(self, name: str) -> None:
        w = self.window
        self._highlight = HighlightFrame(view_widget(w, name))
        if name in TOP_VIEWS or name in BOTTOM_VIEWS:
            tabs = w.view_tabs if name in TOP_VIEWS else w.bottom_tabs
            index = tabs.indexOf(view_widget(w, name, tab=True))
            bar = tabs.tabBar()
            self._tab_mark = (tabs, index, bar.tabTextColor(index))
            bar.setTabTextColor(index, QColor(HIGHLIGHT_COLOR))

    def _clear_marks(self) -> None:
        if self._highlight is not None:
            self._highlight.remove()
            self._highlight = None
        if self._tab_mark is not None:
            tabs, index, color = self._tab_mark
            tabs.tabBar().setTabTextColor(index, color)
            self._tab_mark = None

    def highlight_frame(self) -> HighlightFrame | None:
        """The frame drawn around the highlighted view (None when nothing is highlighted)."""
        return self._highlight

    # -- the window's caption line ---------------------------------------------------------------------------
    def _override_lecture_text(self, on: bool) -> None:
        """While a lesson plays, the window's big caption line (lecture mode) is the lesson's caption."""
        w = self.window
        w.caption_override = self._caption_text if on else None
        if not on:
            w._update_lecture_caption()

    # -- actions for a menu ------------------------------------------------------------------------------------
    def make_actions(self, parent: QWidget) -> dict[str, QAction]:
        """QActions for a Lesson menu: "next" (Page Down), "previous" (Page Up), "restart", "stop";
        enabled while a lesson plays. Add them to ``parent`` (``parent.addAction``) so their keys work
        while the menu bar is hidden."""
        specs = (("next", "&Next", [QKeySequence.StandardKey.MoveToNextPage], self.next,
                  "The lesson's next pause (Page Down, or a slide clicker)."),
                 ("previous", "&Previous", [QKeySequence.StandardKey.MoveToPreviousPage], self.previous,
                  "The lesson's previous pause, rebuilt exactly (Page Up)."),
                 ("restart", "&Restart", [], self.restart, "Back to the lesson's first pause."),
                 ("stop", "&Stop lesson", [], self.stop, "End the lesson; the window keeps what it shows."))
        for key, text, shortcuts, slot, tip in specs:
            action = QAction(text, parent)
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
            action.setStatusTip(tip)
            action.setToolTip(tip)
            action.triggered.connect(slot)
            self._actions[key] = action
        self._update_actions()
        return dict(self._actions)

    def _update_actions(self) -> None:
        for key, action in self._actions.items():  # Next stays on at the end: it says the lesson is over
            action.setEnabled(self.lesson is not None and (key != "previous" or self._pause_index > 0))
