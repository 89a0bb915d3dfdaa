"""The timeline under the plots: drag back to any earlier iteration and every view shows it.

"Look again at step 37": dragging the slider (or "−10") pauses the run and asks the training
thread for the run as it was then; the cost and trajectory plots mark the iteration, the network,
data and landscape views show that moment. Replay plays the recorded run back from there at
0.25× to 4×. "Resume from here" starts a new branch at that iteration (the old future stays in the
runs table); "Live" returns to the present.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

SPEEDS = (("0.25×", 0.25), ("0.5×", 0.5), ("1×", 1.0), ("2×", 2.0), ("4×", 4.0))
REPLAY_SECONDS = 20.0     # at 1× a replay of the whole run takes this long (at least 1 iteration/s)
TICK_MS = 50


class TimelineBar(QWidget):
    scrubbed = Signal(int)            # the user moved to this iteration (throttled)
    resume_requested = Signal(int)    # train on from this iteration (a new branch)
    live_requested = Signal()         # back to the present

    def __init__(self, parent=None):
        super().__init__(parent)
        self.first, self.last = 0, 0
        self.live = True
        self.rewind_button = QPushButton("−10")
        self.rewind_button.setToolTip("Ten iterations back.")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setMinimumWidth(60)
        self.slider.setToolTip("The timeline: drag back to any earlier iteration; every view shows that moment.")
        self.label = _IterationLabel("live")
        self.label.setToolTip("The iteration on show, and the latest one.")
        self.replay_button = QPushButton("▶ Replay")
        self.replay_button.setCheckable(True)
        self.replay_button.setToolTip("Play the recorded run back from here.")
        self.speed = QComboBox()
        for text, _ in SPEEDS:
            self.speed.addItem(text)
        self.speed.setCurrentIndex(2)
        self.speed.setToolTip(f"Replay speed: 1× plays the whole run in about {REPLAY_SECONDS:.0f} s.")
        self.resume_button = QPushButton("Resume from here")
        self.resume_button.setToolTip("Go back to this iteration and train on from it: a new branch (the old "
                                      "future stays in the runs table).")
        self.live_button = QPushButton("● Live")
        self.live_button.setToolTip("Back to the present: the views show the run as it is now.")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.slider.setAccessibleName("Timeline")  # no caption beside it: the room goes to the slider
        for widget, name in ((self.rewind_button, "Ten iterations back"), (self.replay_button, "Replay"),
                             (self.speed, "Replay speed"), (self.live_button, "Live")):
            widget.setAccessibleName(name)  # the words without the symbols the buttons show
        for w in (self.rewind_button, self.slider, self.label, self.replay_button, self.speed,
                  self.resume_button, self.live_button):
            layout.addWidget(w, 1 if w is self.slider else 0)
        for button in (self.rewind_button, self.replay_button, self.resume_button, self.live_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._fit_to_text()
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(60)
        self._throttle.timeout.connect(self._emit_scrub)
        self._replay = QTimer(self)
        self._replay.setInterval(TICK_MS)
        self._replay.timeout.connect(self._replay_tick)
        self._carry = 0.0
        self.slider.valueChanged.connect(self._on_slider)
        self.rewind_button.clicked.connect(self.rewind)
        self.replay_button.toggled.connect(self._on_replay)
        self.resume_button.clicked.connect(self._on_resume)
        self.live_button.clicked.connect(self.go_live)
        self._update_label()

    def _fit_to_text(self) -> None:
        """Minimum widths from the text at the current font (again when it changes): the buttons
        narrower than the style's 80 px when the window is (1024×768), the text whole."""
        for button in (self.rewind_button, self.replay_button, self.resume_button, self.live_button):
            button.setMinimumWidth(min(button.sizeHint().width(),
                                       button.fontMetrics().horizontalAdvance(button.text()) + 20))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_to_text()

    # -- the run grows ------------------------------------------------------------------------------------
    def set_range(self, first: int, last: int) -> None:
        """The iterations on record; in live mode the handle follows the newest."""
        self.first, self.last = int(first), int(last)
        self.slider.blockSignals(True)
        self.slider.setRange(self.first, max(self.first, self.last))
        if self.live:
            self.slider.setValue(self.last)
        self.slider.blockSignals(False)
        self._update_label()

    @property
    def value(self) -> int:
        return self.slider.value()

    # -- moving ---------------------------------------------------------------------------------------------
    def go_to(self, iteration: int) -> None:
        """Show ``iteration`` (clamped to the record)."""
        self.slider.setValue(max(self.first, min(self.last, int(iteration))))

    @Slot()
    def rewind(self) -> None:
        """Ten iterations earlier (the ⏪ button, Ctrl+Left)."""
        self.go_to(self.slider.value() - 10)

    @Slot()
    def _on_resume(self) -> None:
        self.resume_requested.emit(self.slider.value())

    @Slot(int)
    def _on_slider(self, value: int) -> None:
        self.live = False
        self._update_label()
        if not self._throttle.isActive():
            self._throttle.start()

    @Slot()
    def _emit_scrub(self) -> None:
        if not self.live:
            self.scrubbed.emit(self.slider.value())

    @Slot()
    def go_live(self) -> None:
        self.replay_button.setChecked(False)
        self.live = True
        self.slider.blockSignals(True)
        self.slider.setValue(self.last)
        self.slider.blockSignals(False)
        self._update_label()
        self.live_requested.emit()

    def _update_label(self) -> None:
        here = self.slider.value()
        self.label.setText("live" + (f": iteration {self.last:,}" if self.last else "") if self.live
                           else f"iteration {here:,} of {self.last:,}")
        self.resume_button.setEnabled(not self.live and here < self.last)
        self.live_button.setEnabled(not self.live)

    # -- replay ---------------------------------------------------------------------------------------------
    @Slot(bool)
    def _on_replay(self, on: bool) -> None:
        if on:
            if self.live or self.slider.value() >= self.last:
                self.live = False
                self.slider.setValue(self.first)
            self._carry = 0.0
            self._replay.start()
        else:
            self._replay.stop()

    def replay_rate(self) -> float:
        """Iterations per second at the chosen speed."""
        factor = SPEEDS[self.speed.currentIndex()][1]
        return factor * max(1.0, (self.last - self.first) / REPLAY_SECONDS)

    @Slot()
    def _replay_tick(self) -> None:
        self._carry += self.replay_rate() * TICK_MS / 1000
        step = int(self._carry)
        if step:
            self._carry -= step
            nxt = self.slider.value() + step
            self.go_to(nxt)
            if nxt >= self.last:
                self.replay_button.setChecked(False)

    def stop(self) -> None:
        self._replay.stop()
        self._throttle.stop()


class _IterationLabel(QLabel):
    """The iteration on show, at a width that does not follow its text (the slider beside it stays
    put while the number grows): room for "iteration 88,888 of 88,888", and at least the live text
    when the window is narrow (1024×768)."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), self.fontMetrics().horizontalAdvance("iteration 88,888 of 88,888") + 8),
                     hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self.fontMetrics().horizontalAdvance("live: iteration 88,888") + 8, hint.height())
