"""The menu bar and its actions (with their keys), built for the lab window by :func:`build_menus`
(functions, not a mixin: building is all they do)."""
from __future__ import annotations

import functools

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow

from ...core.files.presets import load_preset, preset_names
from ...core.teaching.lessons import lesson_heading, lesson_names
from ..focus import FocusLayout
from ..lesson_player import LessonPlayer

PRESET_GROUPS = (
    ("One weight: the learning rate", ("lr-too-small", "lr-just-right", "lr-too-large", "lr-divergent",
                                       "local-minimum")),
    ("Two weights: cost surfaces", ("saddle-point", "optimizer-race")),
    ("Networks: backpropagation at work", ("xor", "spiral-deep", "vanishing-gradients")),
    ("Real data", ("iris", "digits")),
)


@functools.lru_cache(maxsize=None)
def _preset_summary(name: str) -> str:
    """A shipped preset's one-line summary for the Presets menu, read once per process: every
    window's menus show the same shipped files (reading them was ~7% of building a window)."""
    return load_preset(name).summary


@functools.lru_cache(maxsize=None)
def _lesson_heading(name: str) -> tuple[str, str]:
    """A shipped lesson's (title, summary) for the Lesson menu, read once per process."""
    return lesson_heading(name)


class NamedActions(QActionGroup):
    """Actions that each stand for a name (a preset, a lesson, a theme, a recent file), kept as the
    action's data: ``chosen(name)`` says which one was triggered. One connection from the group to a
    bound method serves them all; a lambda per action over the window would keep the window alive
    from inside Qt (PySide holds a connected lambda strongly, out of the garbage collector's sight)."""

    chosen = Signal(str)

    def __init__(self, parent: QObject, exclusive: bool = False):
        super().__init__(parent)
        self.setExclusionPolicy(QActionGroup.ExclusionPolicy.Exclusive if exclusive
                                else QActionGroup.ExclusionPolicy.None_)
        self.triggered.connect(self._on_triggered)

    def add(self, action: QAction, name: str) -> QAction:
        action.setData(name)
        self.addAction(action)
        return action

    @Slot(QAction)
    def _on_triggered(self, action: QAction) -> None:
        self.chosen.emit(action.data())


def add_action(window: QMainWindow, menu, text: str, shortcut, slot, tip: str = "") -> QAction:
    """An action in ``menu`` and on ``window`` itself, so its keys work while the menu bar is hidden."""
    action = QAction(text, window)
    if shortcut:
        shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    if slot is not None:
        action.triggered.connect(slot)
    menu.addAction(action)
    window.addAction(action)  # shortcuts work while the menu bar is hidden (lecture mode)
    return action


def build_menus(window: QMainWindow) -> None:
    """File, Presets, Run, Lesson, Inspect, View and Help for the lab window; the actions other code
    reaches are kept on the window (``preset_actions``, ``start_action``, ``log_action``, ``focus``,
    ``lecture_action``, ``theme_actions``, ``lesson_player``, ``recent_menu``, ...)."""
    menus = window.menuBar()
    file_menu = menus.addMenu("&File")
    add_action(window, file_menu, "&Open experiment…", QKeySequence.StandardKey.Open, window.open_dialog,
                       "Open an experiment file (JSON).")
    window.recent_menu = file_menu.addMenu("Open &recent")
    window.recent_files = NamedActions(window.recent_menu)  # the menu's actions, rebuilt as files are opened
    window.recent_files.chosen.connect(window.open_path)
    add_action(window, file_menu, "&Save experiment", QKeySequence.StandardKey.Save, window.save,
                       "Save the current experiment.")
    add_action(window, file_menu, "Save experiment &as…", QKeySequence.StandardKey.SaveAs, window.save_as_dialog,
                       "Save the current experiment under a new name.")
    file_menu.addSeparator()
    add_action(window, file_menu, "&Import data…", "Ctrl+I", window.import_data_dialog,
                       "Your own points from a CSV file: choose the label column; classes or regression are found.")
    add_action(window, file_menu, "Save data &template…", None, window.save_template_dialog,
                       "Write an example CSV file to fill in with your own data.")
    file_menu.addSeparator()
    add_action(window, file_menu, "Export as &Python…", None, window.export_code_dialog,
                       "One standalone numpy script that trains this network exactly as gdlab does, backprop "
                       "written out.")
    add_action(window, file_menu, "Export &weights…", None, window.export_weights_dialog,
                       "The weights and biases as they are now, with the experiment (.npz or .json).")
    add_action(window, file_menu, "Export wor&ksheet…", None, window.export_worksheet_dialog,
                       "A PDF that walks through one forward pass, the cost, the backward pass and one update with "
                       "every number, a version with blanks for students, and an answer key (tiny networks).")
    add_action(window, file_menu, "&Export figure…", "Ctrl+E", window.export_dialog,
                       "Save a view, the whole window, a one-page handout sheet or an animated GIF (PNG, SVG, PDF, "
                       "GIF); a PNG keeps the experiment, so File → Open brings it back.")
    add_action(window, file_menu, "&Copy figure", "Ctrl+Shift+C", window.copy_figure,
                       "Copy the view on show (the top right one) to the clipboard.")
    file_menu.addSeparator()
    add_action(window, file_menu, "&Quit", "Ctrl+Q", window.close, "Quit gdlab.")

    preset_menu = menus.addMenu("&Presets")
    available = set(preset_names())
    window.preset_actions: dict[str, QAction] = {}
    presets = NamedActions(window)
    presets.chosen.connect(window.load_preset)
    for title, names in PRESET_GROUPS:
        preset_menu.addSection(title)
        for name in names:
            if name in available:
                summary = _preset_summary(name)
                action = add_action(window, preset_menu, name, None, None, summary)
                window.preset_actions[name] = presets.add(action, name)
    preset_menu.setToolTipsVisible(True)

    run_menu = menus.addMenu("&Run")
    window.start_action = add_action(window, run_menu, "Start / pause", "Space", window.toggle_running,
                                             "Start or pause training.")
    add_action(window, run_menu, "Step one iteration", ["Right", "S"], window.step_once,
                       "One weight update: w ← w − α·∂J/∂w.")
    add_action(window, run_menu, "Step 10 iterations", "Shift+Right", window.step_ten, "Ten weight updates.")
    add_action(window, run_menu, "Reset to initial weights", "R", window.reset, "Back to iteration 0.")
    add_action(window, run_menu, "New random initial weights", "Ctrl+R", window.new_weights,
                       "Draw new initial weights and start again.")
    run_menu.addSeparator()
    add_action(window, run_menu, "Fork a twin run…", "Ctrl+T", window.fork_dialog,
                       "A twin of the run as it is now, with one setting changed (α × 10, another optimiser, "
                       "another activation), trained side by side in lockstep.")
    add_action(window, run_menu, "End the twin run", None, window.end_twin, "Stop and remove the twin run.")
    add_action(window, run_menu, "Rewind 10 iterations", "Ctrl+Left", window.timeline.rewind,
               "Show the run ten iterations earlier (the timeline).")

    lesson_menu = menus.addMenu("L&esson")
    play_menu = lesson_menu.addMenu("&Play")
    lessons = NamedActions(play_menu)
    lessons.chosen.connect(window.play_lesson)
    for name in lesson_names():
        title, summary = _lesson_heading(name)  # checked when played, not at start-up
        action = play_menu.addAction(title)
        action.setToolTip(summary)
        action.setStatusTip(summary)
        lessons.add(action, name)
    play_menu.setToolTipsVisible(True)
    add_action(window, lesson_menu, "&Open lesson file…", None, window.open_lesson_dialog,
                       "Play a lesson from a TOML file of your own.")
    lesson_menu.addSeparator()
    window.lesson_player = LessonPlayer(window)
    window.lesson_player.finished.connect(window._on_lesson_finished)
    for action in window.lesson_player.make_actions(window).values():
        lesson_menu.addAction(action)
        window.addAction(action)

    inspect_menu = menus.addMenu("&Inspect")
    add_action(window, inspect_menu, "Next phase", "N", window.inspector_next,
                       "Backprop inspector: the next phase of the iteration (forward, cost, backward, update); "
                       "on the computation graph, the next step of its backward pass.")
    add_action(window, inspect_menu, "Previous phase", "B", window.inspector_back,
                       "Backprop inspector: the previous phase; on the computation graph, its previous step.")

    view_menu = menus.addMenu("&View")
    window.log_action = add_action(window, view_menu, "Log-scale cost", "L", window._toggle_log,
                                           "Show the cost on a logarithmic axis.")
    window.log_action.setCheckable(True)
    window.cost_plot.log_toggled.connect(window.log_action.setChecked)
    window.focus = FocusLayout(window)
    window.focus_action = add_action(window, view_menu, "&Focus layout", "F", window.focus.toggle,
                                             "The view on show (the backprop inspector) takes the whole plot area; "
                                             "lecture mode does this by itself for the inspector.")
    window.focus_action.setCheckable(True)
    window.focus.toggled.connect(window.focus_action.setChecked)
    window.focus.toggled.connect(window.inspector.focus_button.setChecked)
    window.inspector.focus_button.clicked.connect(window.focus.toggle)
    window.view_tabs.currentChanged.connect(window.focus.follow_view)
    view_menu.addSeparator()
    window.lecture_action = add_action(window, view_menu, "&Lecture mode", ["F11", "Ctrl+L"],
                                       window.toggle_lecture_mode,
                                       "Full screen, projector theme, a caption that narrates each step.")
    window.lecture_action.setCheckable(True)
    window.leave_lecture_action = add_action(window, view_menu, "Leave lecture mode", "Esc",
                                             window.leave_lecture_mode, "Back to the normal window.")
    window.leave_lecture_action.setEnabled(False)
    theme_menu = view_menu.addMenu("&Theme")
    window.theme_group = NamedActions(window, exclusive=True)
    window.theme_group.chosen.connect(window.set_theme)
    window.theme_actions: dict[str, QAction] = {}
    for name, tip in (("system", "Light or dark as the desktop is, and following it when it changes."),
                      ("light", "Dark lines on white."), ("dark", "Light lines on a dark background."),
                      ("projector", "For a projector: white, thick lines, large fonts, high contrast.")):
        action = add_action(window, theme_menu, name.capitalize(), None, None, tip)
        action.setCheckable(True)
        window.theme_actions[name] = window.theme_group.add(action, name)
    add_action(window, view_menu, "Larger text", ["Ctrl+=", "Ctrl++"], window.larger_text,
               "Make all text larger (plots included).")
    add_action(window, view_menu, "Smaller text", "Ctrl+-", window.smaller_text, "Make all text smaller.")
    add_action(window, view_menu, "Normal text size", "Ctrl+0", window.normal_text, "Text at its usual size.")

    help_menu = menus.addMenu("&Help")
    add_action(window, help_menu, "&Welcome and first lessons", None, window.show_welcome,
                       "The three guided lessons: one weight, backpropagation phase by phase, a network learning.")
    add_action(window, help_menu, "&Documentation", None, window.show_documentation,
               "The full guide (the README), readable offline in a window of its own.")
    add_action(window, help_menu, "&Keyboard shortcuts", "F1", window.show_shortcuts,
                       "List every shortcut (printable for the lectern).")
    help_menu.addSeparator()
    add_action(window, help_menu, "&Report a problem…", None, window.report_problem,
               "Copy the versions, the platform and the log's last lines to the clipboard, and say where to "
               "send them.")
    help_menu.addSeparator()
    add_action(window, help_menu, "&About gdlab", None, window.show_about, "Version, licence and credits.")
    add_action(window, help_menu, "About &Qt", None, window.show_about_qt, "The Qt version gdlab runs on.")
    for action in (window.draw_tool.undo_action, window.draw_tool.redo_action):
        window.addAction(action)  # on the shortcut sheet, and the keys work anywhere in the window while drawing
    window._update_recent_menu()
