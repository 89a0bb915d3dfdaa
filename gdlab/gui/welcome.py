"""The first-run welcome: three big buttons that start the three core lessons.

    panel = WelcomePanel(show_again=should_show_welcome(settings))
    panel.preset_chosen.connect(window.load_preset)        # "lr-just-right", "optimizer-race" or "xor"

``WelcomeDialog`` wraps the panel in a dialog; ``should_show_welcome`` / ``remember_welcome``
keep the "Don't show this again" choice in QSettings under ``SETTINGS_KEY``.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings, Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QCommandLinkButton,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

SETTINGS_KEY = "welcome/show_at_start"


@dataclass(frozen=True)
class Lesson:
    preset: str
    title: str
    explanation: str


LESSONS = (
    Lesson("lr-just-right", "1. Watch one weight roll downhill",
           "Gradient descent on a one-weight cost: each step is w ← w − α·dJ/dw, with a learning rate "
           "that is just right."),
    Lesson("optimizer-race", "2. Race the optimisers",
           "SGD, momentum, Nesterov, AdaGrad, RMSprop and Adam set off together into Rosenbrock's "
           "curved valley: who reaches the minimum first?"),
    Lesson("xor", "3. Watch a network learn XOR",
           "Backpropagation computes every weight's gradient, and a 2-4-1 network bends its decision "
           "boundary around the XOR pattern."),
)

EXPORT_HINT = ("To export a figure: <b>File → Export…</b> (<b>Ctrl+E</b>), or right-click a plot and "
               "choose <b>Export</b>.")
KEYS_HINT = ("Press <b>Space</b> to start or pause, <b>→</b> for one step, <b>R</b> to reset; "
             "<b>F1</b> lists every shortcut.")


class LessonButton(QCommandLinkButton):
    """A big button: the lesson's title, its one-line explanation below; emits its preset name."""

    chosen = Signal(str)

    def __init__(self, lesson: Lesson, parent: QWidget | None = None):
        super().__init__(lesson.title, lesson.explanation, parent)
        self.preset = lesson.preset
        self.setToolTip(f"Open the preset {lesson.preset}.")
        self.setObjectName(f"lesson-{lesson.preset}")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.setFont(font)
        self.setMinimumHeight(84)
        self.clicked.connect(self._emit)

    @Slot()
    def _emit(self) -> None:
        self.chosen.emit(self.preset)


class WelcomePanel(QWidget):
    """Where to begin: three lessons, how to export a figure, and "Don't show this again"."""

    preset_chosen = Signal(str)   # the preset name of the lesson clicked
    dismissed = Signal()          # "Explore on my own": close without loading a lesson

    def __init__(self, parent: QWidget | None = None, show_again: bool = True):
        super().__init__(parent)
        title = QLabel("<h1>Welcome to gdlab</h1>")
        title.setTextFormat(Qt.TextFormat.RichText)
        intro = QLabel("See backpropagation compute the gradient, and gradient descent use it, step by "
                       "step. Pick a lesson to begin:")
        intro.setWordWrap(True)
        font = QFont(intro.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        intro.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 20)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        self.lesson_buttons: dict[str, LessonButton] = {}
        for lesson in LESSONS:
            button = LessonButton(lesson)
            button.chosen.connect(self.preset_chosen)
            self.lesson_buttons[lesson.preset] = button
            layout.addWidget(button)
        hints = QLabel(f"<p>{KEYS_HINT}</p><p>{EXPORT_HINT}</p>")
        hints.setTextFormat(Qt.TextFormat.RichText)
        hints.setWordWrap(True)
        layout.addWidget(hints)
        self.dont_show_checkbox = QCheckBox("Don't show this again at start")
        self.dont_show_checkbox.setToolTip("The welcome screen can be opened again from the Help menu.")
        self.dont_show_checkbox.setChecked(not show_again)
        self.explore_button = QPushButton("Explore on my own")
        self.explore_button.setToolTip("Close the welcome screen and keep the current experiment.")
        self.explore_button.clicked.connect(self.dismissed)
        bottom = QHBoxLayout()
        bottom.addWidget(self.dont_show_checkbox)
        bottom.addStretch(1)
        bottom.addWidget(self.explore_button)
        layout.addStretch(1)
        layout.addLayout(bottom)

    @property
    def dont_show_again(self) -> bool:
        """True when the user ticked "Don't show this again"."""
        return self.dont_show_checkbox.isChecked()

    @dont_show_again.setter
    def dont_show_again(self, value: bool) -> None:
        self.dont_show_checkbox.setChecked(bool(value))


class WelcomeDialog(QDialog):
    """The panel as a dialog: accepted with ``chosen_preset`` set, or rejected ("Explore on my own")."""

    preset_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, show_again: bool = True):
        super().__init__(parent)
        self.setWindowTitle("Welcome to gdlab")
        self.chosen_preset: str | None = None
        self.panel = WelcomePanel(self, show_again=show_again)
        self.panel.preset_chosen.connect(self._on_chosen)
        self.panel.dismissed.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)
        self.resize(680, 560)

    @property
    def dont_show_again(self) -> bool:
        return self.panel.dont_show_again

    @Slot(str)
    def _on_chosen(self, preset: str) -> None:
        self.chosen_preset = preset
        self.preset_chosen.emit(preset)
        self.accept()


def should_show_welcome(settings: QSettings) -> bool:
    """True unless the user ticked "Don't show this again" (first start: True)."""
    return bool(settings.value(SETTINGS_KEY, True, type=bool))


def remember_welcome(settings: QSettings, dont_show_again: bool) -> None:
    settings.setValue(SETTINGS_KEY, not dont_show_again)
