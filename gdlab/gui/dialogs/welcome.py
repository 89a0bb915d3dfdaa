"""The first-run welcome: four big buttons that start the four guided lesson tracks.

    panel = WelcomePanel(show_again=should_show_welcome(settings))
    panel.lesson_chosen.connect(window.play_lesson)   # a track: "one-weight" … "handwriting"

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

from ...core.teaching.lessons import lesson_heading

SETTINGS_KEY = "welcome/show_at_start"
TRACKS = ("one-weight", "backpropagation", "network-descent", "handwriting")  # shipped in resources/lessons/


@dataclass(frozen=True)
class Lesson:
    track: str        # a lesson track (resources/lessons/TRACK.toml), played with its captions
    title: str
    explanation: str


def core_lessons() -> tuple[Lesson, ...]:
    """The four tracks, titled and explained by the lesson files themselves."""
    out = []
    for number, track in enumerate(TRACKS, start=1):
        title, summary = lesson_heading(track)
        out.append(Lesson(track, f"{number}. {title}", summary))
    return tuple(out)


EXPORT_HINT = ("To export a figure: <b>File → Export…</b> (<b>Ctrl+E</b>), or right-click a plot and "
               "choose <b>Export</b>.")
KEYS_HINT = ("Press <b>Space</b> to start or pause, <b>→</b> for one step, <b>R</b> to reset; "
             "<b>F1</b> lists every shortcut.")


class LessonButton(QCommandLinkButton):
    """A big button: the lesson's title, its one-line explanation below; emits its track's name."""

    chosen = Signal(str)

    def __init__(self, lesson: Lesson, parent: QWidget | None = None):
        super().__init__(lesson.title, lesson.explanation, parent)
        self.track = lesson.track
        self.setToolTip(f"Play the lesson {lesson.track}: it loads its experiments and pauses with a caption at "
                        "each step (Space or Page Down: next).")
        self.setObjectName(f"lesson-{lesson.track}")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.setFont(font)
        self.setMinimumHeight(84)
        self.clicked.connect(self._emit)

    @Slot()
    def _emit(self) -> None:
        self.chosen.emit(self.track)


class WelcomePanel(QWidget):
    """Where to begin: four lessons, how to export a figure, and "Don't show this again"."""

    lesson_chosen = Signal(str)   # the track of the lesson clicked
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
        for lesson in core_lessons():
            button = LessonButton(lesson)
            button.chosen.connect(self.lesson_chosen)
            self.lesson_buttons[lesson.track] = button
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
    """The panel as a dialog: accepted with ``chosen_lesson`` set, or rejected ("Explore on my own")."""

    lesson_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, show_again: bool = True):
        super().__init__(parent)
        self.setWindowTitle("Welcome to gdlab")
        self.chosen_lesson: str | None = None
        self.panel = WelcomePanel(self, show_again=show_again)
        self.panel.lesson_chosen.connect(self._on_chosen)
        self.panel.dismissed.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel)
        self.resize(680, 650)

    @property
    def dont_show_again(self) -> bool:
        return self.panel.dont_show_again

    @Slot(str)
    def _on_chosen(self, track: str) -> None:
        self.chosen_lesson = track
        self.lesson_chosen.emit(track)
        self.accept()


def should_show_welcome(settings: QSettings) -> bool:
    """True unless the user ticked "Don't show this again" (first start: True)."""
    return bool(settings.value(SETTINGS_KEY, True, type=bool))


def remember_welcome(settings: QSettings, dont_show_again: bool) -> None:
    settings.setValue(SETTINGS_KEY, not dont_show_again)
