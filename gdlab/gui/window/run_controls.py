"""The run bar (Start/Pause, Step, Reset, New weights, Speed) and the run commands behind it and
behind the Run menu's keys.
"""
from __future__ import annotations

import random

import numpy as np
from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from ...core.params import NETWORK
from ...core.run.training import CONVERGED, DIVERGED, FINISHED, MAX_ITERATIONS
from ..accessibility import label_for

SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 0)  # iterations per second; 0 = as fast as possible


def speed_text(speed: float) -> str:
    """The Speed control's number: "max", "2 it/s", "1,000 it/s", "0.5 it/s"."""
    if speed <= 0:
        return "max"
    return f"{speed:,.0f} it/s" if float(speed).is_integer() else f"{speed:.3g} it/s"


def speed_index(speed: float) -> int:
    """The slider stop nearest ``speed`` (on a log scale; 0, as fast as possible, is the last)."""
    if speed <= 0:
        return len(SPEEDS) - 1
    paced = [s for s in SPEEDS if s > 0]
    return min(range(len(paced)), key=lambda i: abs(np.log(paced[i] / speed)))


class RunControlsMixin:
    """The run bar and the run commands.

    A mixin of :class:`~gdlab.gui.window.main.MainWindow`: its methods use the widgets and the
    state the window builds (``self.session``, ``self.cost_plot``, ...).
    """

    def _build_run_bar(self) -> QWidget:
        bar = QWidget()
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(0, 4, 0, 0)

        def button(text: str, tip: str, slot) -> QPushButton:
            b = QPushButton(text)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keyboard shortcuts stay with the window
            b.clicked.connect(slot)
            layout.addWidget(b)
            return b

        self.start_button = button("▶  Start", "Start or pause training (Space).", self.toggle_running)
        self.start_button.setMinimumWidth(110)
        self.start_button.setAccessibleName("Start")  # the word without its symbol, as Pause is below
        self.step_button = button("Step", "One iteration: backprop computes ∂J/∂w, then w ← w − α·∂J/∂w "
                                  "(→ or S).", self.step_once)
        self.step10_button = button("Step 10", "Ten iterations (Shift+→).", self.step_ten)
        self.reset_button = button("Reset", "Back to the initial weights, iteration 0 (R).", self.reset)
        self.reinit_button = button("New weights", "Draw new random initial weights (Ctrl+R).", self.new_weights)
        layout.addSpacing(16)
        speed_label = QLabel("Speed")
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setValue(len(SPEEDS) - 1)
        self.speed_slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.speed_slider.setMaximumWidth(220)
        self.speed_slider.setMinimumWidth(60)  # still a slider in a 1024-pixel-wide window
        tip = ("Iterations per second: 1 to watch every step, up to as fast as possible. Each experiment "
               "has its own pace (saved with it); Space starts at that pace.")
        for w in (speed_label, self.speed_slider):
            w.setToolTip(tip)
        label_for(speed_label, self.speed_slider)
        self.speed_value = QLabel()

        self.speed_slider.valueChanged.connect(self._on_speed)
        layout.addWidget(speed_label)
        layout.addWidget(self.speed_slider)
        layout.addWidget(self.speed_value)
        layout.addStretch(1)
        self._fit_run_bar_to_text()
        return bar

    def _fit_run_bar_to_text(self) -> None:
        """Minimum widths from the text at the current font (again when it changes: theme, Ctrl+=):
        the buttons narrower than the style's 80 px when the window is (1024×768), the text whole."""
        for b in (self.step_button, self.step10_button, self.reset_button, self.reinit_button):
            b.setMinimumWidth(min(b.sizeHint().width(), b.fontMetrics().horizontalAdvance(b.text()) + 20))
        self.speed_value.setMinimumWidth(self.speed_value.fontMetrics().horizontalAdvance("5,000 it/s") + 6)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_run_bar_to_text()

    @Slot()
    def toggle_running(self) -> None:
        if self.lesson_player.playing:  # a lesson decides what happens next: Space is "next"
            self.lesson_player.next()
            return
        if self.session.running:
            self.session.pause()
            self._set_running_look(False)
        else:
            if self._frame is not None and self._frame.snapshot.status in (DIVERGED, CONVERGED, FINISHED,
                                                                           MAX_ITERATIONS):
                self.statusBar().showMessage("This run has ended: press R to reset, or change a setting.", 5000)
                return
            if self.scrub_iteration is not None:
                self.timeline.go_live()
            self.session.start()
            self._set_running_look(True)

    @Slot()
    def step_once(self) -> None:
        self.session.step(1)

    @Slot()
    def step_ten(self) -> None:
        self.session.step(10)

    @Slot()
    def reset(self) -> None:
        self.session.reset()
        self.statusBar().showMessage("Reset: back to the initial weights.", 3000)

    @Slot()
    def new_weights(self) -> None:
        seed = random.SystemRandom().randrange(2**31 - 1)
        self.session.reinitialize(seed)
        if self.experiment.kind == NETWORK:  # the Weight seed field shows the seed now used
            self.experiment = self.experiment.replace(seed=seed)
            self.panel.fields["seed"].set_value(seed)
        self.statusBar().showMessage(f"New random initial weights (seed {seed}).", 3000)

    @Slot(int)
    def _on_speed(self, index: int) -> None:
        self.set_playback_speed(SPEEDS[index])

    def set_playback_speed(self, speed: float) -> None:
        """The run's pace in iterations per second (0 = as fast as possible), used from now on and
        kept in the experiment (``playback_speed``), so a saved file plays at it again."""
        speed = float(speed)
        self._show_speed(speed)
        self.experiment = self.experiment.replace(playback_speed=speed)
        if self._pending is not None:
            self._pending = self._pending.replace(playback_speed=speed)
        self.session.set_speed(speed)

    def _show_speed(self, speed: float) -> None:
        """The Speed control at ``speed``: the nearest slider stop, and the number itself."""
        self.speed_value.setText(speed_text(speed))
        self.speed_slider.blockSignals(True)
        self.speed_slider.setValue(speed_index(speed))
        self.speed_slider.blockSignals(False)

    @Slot()
    def _toggle_log(self) -> None:
        self.cost_plot.set_log(not self.cost_plot.log_scale)
        self.log_action.setChecked(self.cost_plot.log_scale)

    def _set_running_look(self, running: bool) -> None:
        text = "❚❚  Pause" if running else "▶  Start"
        if self.start_button.text() != text:  # setText repaints and relays out even when unchanged
            self.start_button.setText(text)
            self.start_button.setAccessibleName("Pause" if running else "Start")
