"""The lab window: parameter panels on the left, live plots in the centre, a run bar below.

Data flows one way: panels -> experiment -> session (worker thread) -> frames -> plots. The
window keeps the latest frame's rows in the plots' buffers and redraws from a ~30 Hz timer.
"""
from __future__ import annotations

import functools
import math
import random
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from PySide6.QtCore import QByteArray, QEvent, QSettings, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSlider,
    QSplitter,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.csvdata import write_template
from ..core.experiment import Experiment, ExperimentError, load_experiment
from ..core.lessons import LessonError, lesson_heading, lesson_names, load_lesson
from ..core.params import LIVE_PARAMS, NETWORK
from ..core.presets import load_preset, preset_names
from ..core.printing import number
from ..core.surfaces import get_surface
from ..core.training import CONVERGED, DIVERGED, FINISHED, MAX_ITERATIONS
from .focus import FocusLayout
from .help import AboutDialog, ShortcutSheet, shortcut_rows
from .import_dialog import ImportDataDialog
from .lesson_player import LessonPlayer
from .palette import THEMES, VERMILLION
from .panels import ParameterPanel
from .plots.base import LivePlot
from .plots.contour_view import ContourView
from .plots.cost import CostPlot, GradientFlowPlot
from .plots.curve_view import CurveView
from .plots.data_view import DataView
from .plots.draw_tool import DrawTool
from .plots.inspector_view import InspectorView
from .plots.landscape_view import LandscapeView
from .plots.metrics_view import MetricsView, metric_status
from .plots.network_view import NetworkView
from .plots.step_text import narrate, num
from .plots.sweep_view import SweepView
from .plots.trajectories import TrajectoryPlot
from .render import VIEWS, sheet_views, view_names
from .runs_table import RunsView, cost_overlay, overlay_items
from .session import TrainingSession
from .theming import MAX_SCALE, MIN_SCALE, apply_to_app, scaled
from .timeline_bar import TimelineBar
from .view_data import Frame
from .welcome import WelcomeDialog, remember_welcome, should_show_welcome

REDRAW_HZ = 30
SECONDARY_EVERY = 3  # trajectories and the data view redraw on every third tick while running
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 0)  # iterations per second; 0 = as fast as possible
MAX_RECENT = 8
PREFERRED_SIZE = QSize(1400, 860)  # the first start's size, when the screen has room for it
MINIMUM_SIZE = QSize(960, 600)     # fits a 1024×768 screen with a title bar and a taskbar
DEFAULT_PRESET = "xor"
PRESET_GROUPS = (
    ("One weight: the learning rate", ("lr-too-small", "lr-just-right", "lr-too-large", "lr-divergent",
                                       "local-minimum")),
    ("Two weights: cost surfaces", ("saddle-point", "optimizer-race")),
    ("Networks: backpropagation at work", ("xor", "spiral-deep", "vanishing-gradients")),
)


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


class MessageBar(QLabel):
    """A coloured line above the plots: what just happened, in plain words."""

    STYLES = {
        "info": "background:#E8F1FA; color:#123; border:1px solid #56B4E9;",
        "ok": "background:#E6F4EF; color:#123; border:1px solid #009E73;",
        "bad": "background:#FBEDE6; color:#4A1500; border:1px solid #D55E00;",
    }

    def __init__(self):
        super().__init__()
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str, style: str = "info") -> None:
        self.setStyleSheet(f"QLabel {{ {self.STYLES[style]} padding:6px 10px; border-radius:4px; }}")
        self.setText(text)
        self.show()


class PendingChangeBar(QFrame):
    """Asks before a change that restarts training (data, network shape, ...)."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setStyleSheet("PendingChangeBar { background:#FFF6DA; border:1px solid #E69F00; border-radius:4px; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.apply_button = QPushButton("Apply and restart")
        self.apply_button.setToolTip("Use the new settings: training starts again from iteration 0.")
        self.revert_button = QPushButton("Keep current run")
        self.revert_button.setToolTip("Forget the change and keep training the current run.")
        layout.addWidget(self.text, 1)
        layout.addWidget(self.apply_button)
        layout.addWidget(self.revert_button)
        self.hide()


class MainWindow(QMainWindow):
    def __init__(self, experiment: Experiment | None = None, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings if settings is not None else QSettings()
        self.session = TrainingSession(self)
        try:
            self._setup(experiment)
        except BaseException:
            self.session.shutdown()  # a window that failed to build must not leave its thread running
            raise

    def _setup(self, experiment: Experiment | None) -> None:
        self.session.frame_ready.connect(self._on_frame)
        self.session.failed.connect(self._on_failed)
        self.experiment: Experiment = experiment or self._restored_experiment() or load_preset(DEFAULT_PRESET)
        self.path: Path | None = None
        self._pending: Experiment | None = None
        self._frame: Frame | None = None
        self._dirty = False
        self._error_dialog = None
        self._tick = 0
        self._frame_dim = 0
        self._twin_shown = False
        self.scrub_iteration: int | None = None
        self.lecture_mode = False
        self.caption_override = None  # a callable giving the lecture caption instead (a lesson playing)
        self.theme_name = "light"
        self.text_scale = 1.0
        self._event_marked = False
        self._closing = False
        self._unrequested_size: QSize | None = None
        self._run_labels: list[str] = []  # the runs' names the legends show (they follow live changes)
        self._build_ui()
        self._build_actions()
        self._install_export_menus()
        self._keep_keys_for_shortcuts()
        self._restore_layout()
        self.text_scale = self._setting_number("text_scale", 1.0, MIN_SCALE, MAX_SCALE)
        theme = self.settings.value("theme", "light")
        self.set_theme(theme if theme in THEMES else "light")
        runs = self.settings.value("runs")
        if isinstance(runs, str):
            try:
                self.runs_view.from_json(runs)  # the runs of the last session
            except ValueError:
                pass  # a damaged record: the table starts empty
        self.redraw_timer = QTimer(self)
        self.redraw_timer.setInterval(int(1000 / REDRAW_HZ))
        self.redraw_timer.timeout.connect(self._redraw)
        self.redraw_timer.start()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._shutdown)
        self.load_experiment(self.experiment)

    # -- construction ----------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.setWindowTitle("gdlab")
        self.setMinimumSize(MINIMUM_SIZE)
        self.panel = ParameterPanel()
        self.panel.changed.connect(self._on_param_changed)
        self.scenario = QLabel()
        self.scenario.setWordWrap(True)
        self.scenario.setTextFormat(Qt.TextFormat.RichText)
        self.scenario.setStyleSheet("QLabel { background:#F4F6F8; border-radius:4px; padding:8px; }")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.scenario)
        left_layout.addWidget(self.panel)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(330)
        self.left_scroll = scroll

        self.cost_plot = CostPlot()
        self.trajectory_plot = TrajectoryPlot()
        self.trajectory_plot.selection_changed.connect(self._on_tracked_changed)
        self.data_view = DataView()
        self.data_view.aspect_changed.connect(self.session.set_map_aspect)
        self.draw_tool = DrawTool(self.data_view)
        self.draw_tool.points_changed.connect(self._on_points_drawn)
        self.data_tab = QWidget()
        data_layout = QVBoxLayout(self.data_tab)
        data_layout.setContentsMargins(0, 0, 0, 0)
        data_layout.setSpacing(2)
        data_layout.addWidget(self.draw_tool.toolbar)
        data_layout.addWidget(self.data_view, 1)
        self.curve_view = CurveView()
        self.curve_view.start_chosen.connect(self._on_start_chosen)
        self.contour_view = ContourView()
        self.contour_view.start_chosen.connect(self._on_start_chosen)
        self.landscape_view = LandscapeView()
        self.landscape_view.requested.connect(self._on_landscape_requested)
        self.session.landscape_ready.connect(self.landscape_view.show_slice)
        self.network_view = NetworkView()
        self.network_view.weight_clicked.connect(self.trajectory_plot.toggle_weight)
        self.inspector = InspectorView()
        self.inspector.trace_requested.connect(self.session.request_trace)
        self.inspector.sample.valueChanged.connect(self.session.select_sample)
        self.session.trace_ready.connect(self.inspector.show_trace)
        self.view_tabs = QTabWidget()
        self.view_tabs.setDocumentMode(True)
        for widget, title, tip in (
                (self.data_tab, "Data", "The training points and the network's decision boundary or fitted curve; "
                                        "draw your own points here."),
                (self.network_view, "Network", "Neurons and weights, live: colour is the sign, thickness the size; "
                                               "hover for numbers, click a weight to follow it."),
                (self.inspector, "Backprop inspector", "One iteration taken apart: forward, cost, backward "
                                                       "(the chain rule), update. N and B step through it."),
                (self.landscape_view, "Cost landscape", "The network's cost over two of its weights, the others "
                                                        "held fixed, with the path the two weights took."),
                (self.curve_view, "Cost curve", "J(w) with the current weight, the tangent (the gradient) and the "
                                                "next step; click to choose the start."),
                (self.contour_view, "Cost surface", "J over two weights as a contour map with each run's path; "
                                                    "click to choose the start, drag to pan, wheel to zoom.")):
            index = self.view_tabs.addTab(widget, title)
            self.view_tabs.setTabToolTip(index, tip)
        self.view_tabs.currentChanged.connect(self._on_view_tab)
        self._on_view_tab(self.view_tabs.currentIndex())  # the worker learns which view data is shown
        self.sweep_view = SweepView()
        self.sweep_view.run_requested.connect(self._on_sweep_requested)
        self.sweep_view.cancel_requested.connect(self.session.cancel_sweep)
        self.session.sweep_progress.connect(self.sweep_view.set_progress)
        self.session.sweep_done.connect(self._on_sweep_done)
        self.message = MessageBar()
        self.pending_bar = PendingChangeBar(self)
        self.pending_bar.apply_button.clicked.connect(self._apply_pending)
        self.pending_bar.revert_button.clicked.connect(self._revert_pending)

        self.top_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.top_splitter.addWidget(self.cost_plot)
        self.top_splitter.addWidget(self.view_tabs)
        self.top_splitter.setSizes([1000, 1000])
        plots = QSplitter(Qt.Orientation.Vertical)
        self.gradient_flow = GradientFlowPlot()
        self.metrics_view = MetricsView()
        self.runs_view = RunsView()
        self.runs_view.overlay_changed.connect(self._on_overlay)
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.setDocumentMode(True)
        for widget, title, tip in (
                (self.trajectory_plot, "Weight trajectories", "Each line is one weight, moved at every "
                                                              "iteration by w ← w − α·∂J/∂w."),
                (self.gradient_flow, "Gradient flow", "Each layer's gradient norm over iterations (log scale): "
                                                      "how much of the error reaches each layer."),
                (self.metrics_view, "Accuracy", "Accuracy (classification) or R² (regression) on the training and "
                                                "test data over iterations, and the confusion matrix."),
                (self.sweep_view, "Learning-rate sweep", "The same run at many learning rates: final cost "
                                                         "against α."),
                (self.runs_view, "Runs", "Every run of this session: its setup, iterations and final cost; "
                                         "select several to overlay their cost curves.")):
            index = self.bottom_tabs.addTab(widget, title)
            self.bottom_tabs.setTabToolTip(index, tip)
        self.bottom_tabs.currentChanged.connect(self._on_bottom_tab)
        plots.addWidget(self.top_splitter)
        plots.addWidget(self.bottom_tabs)
        plots.setStretchFactor(0, 3)
        plots.setStretchFactor(1, 2)
        plots.setSizes([600, 400])
        self.plots_splitter = plots
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(4, 4, 4, 4)
        self.lecture_caption = QLabel()  # lecture mode: what the current step does, in words
        self.lecture_caption.setWordWrap(True)
        self.lecture_caption.setTextFormat(Qt.TextFormat.PlainText)  # lesson captions come from files
        self.lecture_caption.setStyleSheet("QLabel { font-size: 22pt; padding: 6px 12px; background: #FFFFFF; "
                                           "color: #000000; border-bottom: 3px solid #0072B2; }")
        self.lecture_caption.hide()
        self.lecture_keys = QLabel("Space start/pause  ·  → one step  ·  Shift+→ ten steps  ·  R reset  ·  "
                                   "L log scale  ·  Esc leave lecture mode")
        self.lecture_keys.setStyleSheet("QLabel { font-size: 13pt; color: #333333; padding: 2px 12px; }")
        self.lecture_keys.hide()
        centre_layout.addWidget(self.lecture_caption)
        centre_layout.addWidget(self.pending_bar)
        centre_layout.addWidget(self.message)
        centre_layout.addWidget(plots, 1)
        self.timeline = TimelineBar()
        self.timeline.scrubbed.connect(self._on_scrubbed)
        self.timeline.resume_requested.connect(self._on_resume_from)
        self.timeline.live_requested.connect(self._on_live)
        self.session.peek_ready.connect(self._on_peek)
        self.session.worksheet_ready.connect(self._on_worksheet)
        centre_layout.addWidget(self.timeline)
        centre_layout.addWidget(self._build_run_bar())
        centre_layout.addWidget(self.lecture_keys)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(centre)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 1200])
        self.setCentralWidget(self.splitter)

        bar = self.statusBar()
        self.status_iteration = QLabel()
        self.status_cost = QLabel()
        self.status_state = QLabel()
        self.status_rate = QLabel()
        self.status_metric = QLabel()
        self.status_metric.setToolTip("Accuracy (share of points classified right) or R², on the training and the "
                                      "test data.")
        for w, width in ((self.status_iteration, 230), (self.status_cost, 200), (self.status_metric, 190),
                         (self.status_state, 110), (self.status_rate, 90)):
            w.setContentsMargins(8, 0, 8, 0)
            w.setMinimumWidth(width)  # so a changing number does not relayout the status bar
            bar.addPermanentWidget(w)
        self.status_iteration.setToolTip("Iterations = weight updates so far; epochs = passes over the training data.")
        self.status_cost.setToolTip("The cost J on the training data (and on the held-out test data).")
        self.status_rate.setToolTip("Training speed: weight updates per second.")

    def _keep_keys_for_shortcuts(self) -> None:
        """Buttons and tab bars never take keyboard focus: a focused button would take Space (start/
        pause) as a click on itself. They still work with the mouse, and every command they offer
        has a menu entry and, for the run commands, a key."""
        for kind in (QPushButton, QTabBar):
            for widget in self.centralWidget().findChildren(kind):
                widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)

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

    def _action(self, menu, text: str, shortcut, slot, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            shortcuts = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.addAction(action)  # shortcuts work while the menu bar is hidden (lecture mode)
        return action

    def _build_actions(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        self._action(file_menu, "&Open experiment…", QKeySequence.StandardKey.Open, self.open_dialog,
                     "Open an experiment file (JSON).")
        self.recent_menu = file_menu.addMenu("Open &recent")
        self._action(file_menu, "&Save experiment", QKeySequence.StandardKey.Save, self.save,
                     "Save the current experiment.")
        self._action(file_menu, "Save experiment &as…", QKeySequence.StandardKey.SaveAs, self.save_as_dialog,
                     "Save the current experiment under a new name.")
        file_menu.addSeparator()
        self._action(file_menu, "&Import data…", "Ctrl+I", self.import_data_dialog,
                     "Your own points from a CSV file: choose the label column; classes or regression are found.")
        self._action(file_menu, "Save data &template…", None, self.save_template_dialog,
                     "Write an example CSV file to fill in with your own data.")
        file_menu.addSeparator()
        self._action(file_menu, "Export as &Python…", None, self.export_code_dialog,
                     "One standalone numpy script that trains this network exactly as gdlab does, backprop "
                     "written out.")
        self._action(file_menu, "Export &weights…", None, self.export_weights_dialog,
                     "The weights and biases as they are now, with the experiment (.npz or .json).")
        self._action(file_menu, "Export wor&ksheet…", None, self.export_worksheet_dialog,
                     "A PDF that walks through one forward pass, the cost, the backward pass and one update with "
                     "every number, a version with blanks for students, and an answer key (tiny networks).")
        self._action(file_menu, "&Export figure…", "Ctrl+E", self.export_dialog,
                     "Save a view, the whole window, a one-page handout sheet or an animated GIF (PNG, SVG, PDF, "
                     "GIF); a PNG keeps the experiment, so File → Open brings it back.")
        self._action(file_menu, "&Copy figure", "Ctrl+Shift+C", self.copy_figure,
                     "Copy the view on show (the top right one) to the clipboard.")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", "Ctrl+Q", self.close, "Quit gdlab.")

        preset_menu = menus.addMenu("&Presets")
        available = set(preset_names())
        self.preset_actions: dict[str, QAction] = {}
        for title, names in PRESET_GROUPS:
            preset_menu.addSection(title)
            for name in names:
                if name in available:
                    summary = _preset_summary(name)
                    action = self._action(preset_menu, name, None, lambda _=False, n=name: self.load_preset(n),
                                          summary)
                    self.preset_actions[name] = action
        preset_menu.setToolTipsVisible(True)

        run_menu = menus.addMenu("&Run")
        self.start_action = self._action(run_menu, "Start / pause", "Space", self.toggle_running,
                                         "Start or pause training.")
        self._action(run_menu, "Step one iteration", ["Right", "S"], self.step_once,
                     "One weight update: w ← w − α·∂J/∂w.")
        self._action(run_menu, "Step 10 iterations", "Shift+Right", self.step_ten, "Ten weight updates.")
        self._action(run_menu, "Reset to initial weights", "R", self.reset, "Back to iteration 0.")
        self._action(run_menu, "New random initial weights", "Ctrl+R", self.new_weights,
                     "Draw new initial weights and start again.")
        run_menu.addSeparator()
        self._action(run_menu, "Fork a twin run…", "Ctrl+T", self.fork_dialog,
                     "A twin of the run as it is now, with one setting changed (α × 10, another optimiser, "
                     "another activation), trained side by side in lockstep.")
        self._action(run_menu, "End the twin run", None, self.end_twin, "Stop and remove the twin run.")
        self._action(run_menu, "Rewind 10 iterations", "Ctrl+Left", lambda: self.timeline.go_to(
            self.timeline.value - 10), "Show the run ten iterations earlier (the timeline).")

        lesson_menu = menus.addMenu("L&esson")
        play_menu = lesson_menu.addMenu("&Play")
        for name in lesson_names():
            title, summary = _lesson_heading(name)  # checked when played, not at start-up
            action = play_menu.addAction(title)
            action.setToolTip(summary)
            action.setStatusTip(summary)
            action.triggered.connect(lambda _=False, n=name: self.play_lesson(n))
        play_menu.setToolTipsVisible(True)
        self._action(lesson_menu, "&Open lesson file…", None, self.open_lesson_dialog,
                     "Play a lesson from a TOML file of your own.")
        lesson_menu.addSeparator()
        self.lesson_player = LessonPlayer(self)
        self.lesson_player.finished.connect(
            lambda: self.statusBar().showMessage("End of the lesson: Page Up goes back, Lesson → Restart "
                                                 "starts again.", 8000))
        for action in self.lesson_player.make_actions(self).values():
            lesson_menu.addAction(action)
            self.addAction(action)

        inspect_menu = menus.addMenu("&Inspect")
        self._action(inspect_menu, "Next phase", "N", self.inspector_next,
                     "Backprop inspector: the next phase of the iteration (forward, cost, backward, update).")
        self._action(inspect_menu, "Previous phase", "B", self.inspector_back,
                     "Backprop inspector: the previous phase.")

        view_menu = menus.addMenu("&View")
        self.log_action = self._action(view_menu, "Log-scale cost", "L", self._toggle_log,
                                       "Show the cost on a logarithmic axis.")
        self.log_action.setCheckable(True)
        self.cost_plot.log_toggled.connect(self.log_action.setChecked)
        self.focus = FocusLayout(self)
        self.focus_action = self._action(view_menu, "&Focus layout", "F", self.focus.toggle,
                                         "The view on show (the backprop inspector) takes the whole plot area; "
                                         "lecture mode does this by itself for the inspector.")
        self.focus_action.setCheckable(True)
        self.focus.toggled.connect(self.focus_action.setChecked)
        self.focus.toggled.connect(self.inspector.focus_button.setChecked)
        self.inspector.focus_button.clicked.connect(self.focus.toggle)
        self.view_tabs.currentChanged.connect(self.focus.follow_view)
        view_menu.addSeparator()
        self.lecture_action = self._action(view_menu, "&Lecture mode", ["F11", "Ctrl+L"], self.toggle_lecture_mode,
                                           "Full screen, projector theme, a caption that narrates each step.")
        self.lecture_action.setCheckable(True)
        self.leave_lecture_action = self._action(view_menu, "Leave lecture mode", "Esc", self.leave_lecture_mode,
                                                 "Back to the normal window.")
        self.leave_lecture_action.setEnabled(False)
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for name, tip in (("light", "Dark lines on white."), ("dark", "Light lines on a dark background."),
                          ("projector", "For a projector: white, thick lines, large fonts, high contrast.")):
            action = self._action(theme_menu, name.capitalize(), None, lambda _=False, n=name: self.set_theme(n), tip)
            action.setCheckable(True)
            self.theme_group.addAction(action)
            self.theme_actions[name] = action
        self._action(view_menu, "Larger text", ["Ctrl+=", "Ctrl++"], lambda: self.scale_text(1.15),
                     "Make all text larger (plots included).")
        self._action(view_menu, "Smaller text", "Ctrl+-", lambda: self.scale_text(1 / 1.15),
                     "Make all text smaller.")
        self._action(view_menu, "Normal text size", "Ctrl+0", lambda: self.scale_text(None), "Text at its usual size.")

        help_menu = menus.addMenu("&Help")
        self._action(help_menu, "&Welcome and first lessons", None, self.show_welcome,
                     "The three guided lessons: one weight, backpropagation phase by phase, a network learning.")
        self._action(help_menu, "&Keyboard shortcuts", "F1", self.show_shortcuts,
                     "List every shortcut (printable for the lectern).")
        self._action(help_menu, "&About gdlab", None, self.show_about, "Version, licence and credits.")
        self._update_recent_menu()

    # -- experiments ----------------------------------------------------------------------
    def load_experiment(self, experiment: Experiment, path: Path | None = None) -> None:
        """Show ``experiment`` and hand it to the worker (training starts from iteration 0)."""
        self.experiment = experiment
        self.path = path
        self._pending = None
        self.pending_bar.hide()
        self.message.hide()
        self.panel.set_values(experiment.values, experiment.kind)
        self.setWindowTitle(f"gdlab — {experiment.name}")
        explanation = experiment.description or "Your own experiment."
        self.scenario.setText(f"<b>{_html(experiment.name)}</b><br>{_html(explanation)}")  # a file's text, never markup
        self.settings.setValue("last_experiment", experiment.to_json())
        self._show_speed(experiment["playback_speed"])
        self.sweep_view.set_default_iterations(experiment["max_iterations"])
        self.session.load(experiment)  # the worker takes the experiment's pace with it

    @Slot()
    def load_preset(self, name: str) -> None:
        self.load_experiment(load_preset(name))
        self.statusBar().showMessage(f"Preset {name}: {self.experiment.summary}", 8000)

    def open_path(self, path: str | Path) -> bool:
        """Open an experiment file; a bad file leaves the current session untouched."""
        path = Path(path)
        try:
            experiment = load_experiment(path)
        except ExperimentError as exc:
            self._error_box("Cannot open experiment", f"{path.name} was not opened:\n\n{exc}\n\n"
                            "The current experiment is unchanged.")
            self.statusBar().showMessage(f"Not opened: {path.name}: {exc}", 10000)
            return False
        self.load_experiment(experiment, path)
        self._add_recent(path)
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    @Slot()
    def open_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open experiment", str(self._last_dir()),
                                              "gdlab experiments and figures (*.json *.png);;All files (*)")
        if name:
            self.open_path(name)

    def save_to(self, path: str | Path) -> bool:
        path = Path(path)
        experiment = self._current_experiment()
        try:
            experiment.save(path)
        except OSError as exc:
            self._error_box("Cannot save experiment", f"{path} could not be written: {exc.strerror or exc}.\n\n"
                            "Nothing was changed on disk.")
            return False
        self.path = path
        self._add_recent(path)
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    @Slot()
    def save(self) -> None:
        if self.path is None:
            self.save_as_dialog()
        else:
            self.save_to(self.path)

    @Slot()
    def save_as_dialog(self) -> None:
        suggested = self._last_dir() / f"{self.experiment.name or 'experiment'}.json"
        name, _ = QFileDialog.getSaveFileName(self, "Save experiment", str(suggested), "gdlab experiments (*.json)")
        if name:
            self.save_to(name if name.endswith(".json") else name + ".json")

    def _current_experiment(self) -> Experiment:
        """The experiment as the worker runs it (live changes included)."""
        return self._frame.experiment if self._frame is not None else self.experiment

    # -- parameter changes ----------------------------------------------------------------
    @Slot(str, object)
    def _on_param_changed(self, name: str, value: Any) -> None:
        base = self._pending or self._current_experiment()
        try:
            changed = base.replace(**{name: value})
        except ExperimentError as exc:
            self.panel.fields[name].set_value(base[name])
            self.message.show_message(f"Not applied: {exc}", "bad")
            return
        if name in LIVE_PARAMS and self._pending is None:
            self.experiment = changed
            if name == "learning_rate":
                self.session.set_learning_rate(value)
            elif name == "max_iterations":
                self.session.set_max_iterations(value)
            else:
                v = changed.values
                self.session.set_optimizer(v["optimizer"], momentum=v["momentum"], beta1=v["beta1"],
                                           beta2=v["beta2"], rmsprop_alpha=v["rmsprop_alpha"])
            self.statusBar().showMessage(f"{self.panel.fields[name].param.label} = {value}: used from the next "
                                         "step on.", 4000)
            return
        self._propose(changed, self.panel.fields[name].param.label)

    def _propose(self, changed: Experiment, what: str) -> None:
        """A change that restarts training: applied at once at iteration 0, asked about otherwise."""
        at_start = self._frame is None or self._frame.snapshot.iteration == 0
        if at_start and self._pending is None:
            self._reload(changed)
            return
        self._pending = changed
        self.pending_bar.text.setText(f"<b>{_html(what)}</b> changed. This restarts training from iteration 0 "
                                      f"(the current run is at iteration {self._frame.snapshot.iteration}).")
        self.pending_bar.show()

    def _reload(self, experiment: Experiment) -> None:
        self.experiment = experiment
        self._pending = None
        self.pending_bar.hide()
        self.message.hide()
        self.settings.setValue("last_experiment", experiment.to_json())
        self.session.load(experiment)

    @Slot()
    def _apply_pending(self) -> None:
        if self._pending is not None:
            self._reload(self._pending)

    @Slot()
    def _revert_pending(self) -> None:
        self.draw_tool.set_experiment(self._current_experiment())  # the drawing snaps back to the run's data
        self._pending = None
        self.pending_bar.hide()
        self.panel.set_values(self._current_experiment().values, self.experiment.kind)

    @Slot(object)
    def _on_tracked_changed(self, ids) -> None:
        self.session.set_tracked(ids)

    # -- run commands ---------------------------------------------------------------------
    def play_lesson(self, name_or_path: str | Path) -> bool:
        """Start a lesson track (a name from resources/lessons, or a file)."""
        try:
            lesson = load_lesson(name_or_path)
        except (LessonError, OSError) as exc:
            self._error_box("Cannot play the lesson", str(exc))
            return False
        self.lesson_player.start(lesson)
        self.statusBar().showMessage(f"Lesson: {lesson.title}. Space or Page Down: next; Page Up: back.", 8000)
        return True

    @Slot()
    def open_lesson_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open lesson", str(self._last_dir()),
                                              "gdlab lessons (*.toml);;All files (*)")
        if name:
            self.play_lesson(name)

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

    # -- frames and drawing ---------------------------------------------------------------
    @Slot(object)
    def _on_frame(self, frame: Frame) -> None:
        """A frame from the worker: every view that shows this kind of experiment takes its rows
        (the same feeding as the headless export: :mod:`gdlab.gui.render`)."""
        snap = frame.snapshot
        if snap.kind != NETWORK:
            self._frame_dim = snap.w.shape[1]
        for name, view in self._fed_views(snap.kind):
            VIEWS[name].feed(view, frame)
        if frame.fresh:
            self._configured(frame)
            self.draw_tool.set_experiment(frame.experiment)
            for plot in self.findChildren(LivePlot):
                plot.clear_readout()  # its numbers were about the run before
            overlay = cost_overlay(self.cost_plot)
            if overlay is not None:
                overlay.refresh()  # the cost plot was reconfigured: the overlay gets its legend back
        self._relabel_runs(frame)
        self.runs_view.record_frame(frame)
        self._feed_twin(frame)
        first = snap.iterations[0] if frame.fresh and len(snap.iterations) else self.timeline.first
        self.timeline.set_range(int(first), int(snap.iteration))
        self._show_outcome(frame)
        self._frame = frame
        self._update_inspector()
        self._set_running_look(frame.running)
        self._dirty = True

    def _fed_views(self, kind: str) -> list[tuple[str, QWidget]]:
        if kind == NETWORK:
            return [("cost", self.cost_plot), ("trajectories", self.trajectory_plot), ("gradients", self.gradient_flow),
                    ("metrics", self.metrics_view), ("data", self.data_view), ("network", self.network_view)]
        dim = self.curve_view if self._frame_dim == 1 else self.contour_view
        return [("cost", self.cost_plot), ("trajectories", self.trajectory_plot),
                ("curve" if dim is self.curve_view else "surface", dim)]

    def _feed_twin(self, frame: Frame) -> None:
        """A forked twin: dashed curves beside the run's own, in vermillion."""
        twin = frame.twin
        if twin is None:
            if self._twin_shown:
                self.cost_plot.clear_twin()
                self.trajectory_plot.clear_twin()
                self._twin_shown = False
            return
        label = f"twin: {frame.twin_label}"
        if frame.twin_fresh or not self._twin_shown:
            if twin.kind == NETWORK:
                self.cost_plot.configure_twin([label], [VERMILLION])
                self.trajectory_plot.configure_twin(len(twin.tracked_ids), VERMILLION, label)
            else:
                self.cost_plot.configure_twin([f"{label} {run}" for run in twin.labels],
                                              [VERMILLION] * len(twin.labels))
                self.trajectory_plot.configure_twin(twin.w.size, VERMILLION, label)
            self._twin_shown = True
        if twin.kind == NETWORK:
            self.cost_plot.append_twin(twin.iterations, twin.train_cost[:, None])
            self.trajectory_plot.append_twin(twin.iterations, twin.tracked)
        else:
            self.cost_plot.append_twin(twin.iterations, twin.costs)
            self.trajectory_plot.append_twin(twin.iterations, twin.paths.reshape(len(twin.iterations), twin.w.size))

    @Slot()
    def fork_dialog(self) -> None:
        """Run → Fork a twin run: choose the one setting the twin changes."""
        if self._frame is None:
            return
        from .fork_dialog import ForkDialog

        dialog = ForkDialog(self._current_experiment(), self)
        dialog.chosen.connect(self.fork)
        self._fork_dialog = dialog
        dialog.open()

    def fork(self, changes: dict) -> None:
        self.session.fork(**changes)
        self.statusBar().showMessage("A twin run (dashed) now trains beside the run, in lockstep.", 5000)

    @Slot()
    def end_twin(self) -> None:
        self.session.unfork()

    # -- the timeline -----------------------------------------------------------------------
    @Slot(int)
    def _on_scrubbed(self, iteration: int) -> None:
        """The timeline moved back: pause, mark the moment, ask for the run as it was then."""
        if self.session.running:
            self.session.pause()
        self.scrub_iteration = iteration
        for plot in (self.cost_plot, self.trajectory_plot.plot, self.gradient_flow):
            plot.show_moment(iteration)
        self.session.peek(iteration)

    @Slot(object)
    def _on_peek(self, payload: dict) -> None:
        if self.scrub_iteration is None or payload["iteration"] != self.scrub_iteration:
            return  # an older question, or the timeline went live since
        if payload["kind"] == "surface":
            w, costs = payload["w"], payload["costs"]
            if w.shape[1] == 1:
                self.curve_view.show_moment(w, costs)
            else:
                self.contour_view.show_moment(w, payload.get("paths"))
            return
        if payload["found"] is None:
            self.statusBar().showMessage(f"Iteration {payload['iteration']} is no longer recorded.", 4000)
            return
        moment = SimpleNamespace(**{k: payload[k] for k in ("weights", "biases", "grad_weights", "grad_biases")},
                                 last_update=[])
        view = payload["view"]
        self.network_view.set_snapshot(moment, view.get("sample"), view.get("neuron_maps"))
        if "map" in view:
            self.data_view.set_map(*view["map"], view["task"], view.get("boundary"))
        elif "curve" in view:
            self.data_view.set_curve(*view["curve"])
        if payload["found"] != payload["iteration"]:
            self.statusBar().showMessage(f"Showing iteration {payload['found']}, the nearest one recorded.", 4000)
        self._dirty = True

    @Slot()
    def _on_live(self) -> None:
        """Back to the present: the views show the latest frame again."""
        self.scrub_iteration = None
        for plot in (self.cost_plot, self.trajectory_plot.plot, self.gradient_flow):
            plot.show_moment(None)
        self.curve_view.show_moment(None)
        self.contour_view.show_moment(None)
        if self._frame is not None and self._frame.snapshot.kind == NETWORK:
            self.network_view.set_snapshot(self._frame.snapshot)
            self.session.step(0)  # a fresh frame with the view data of now
        self._dirty = True

    @Slot(int)
    def _on_resume_from(self, iteration: int) -> None:
        """Train on from an earlier iteration: a new branch (the old one stays in the runs table)."""
        self.timeline.go_live()
        self.session.rewind(iteration)
        self.statusBar().showMessage(f"Back at iteration {iteration}: press Space to train on from there "
                                     "(a new branch).", 6000)

    def _configured(self, frame: Frame) -> None:
        """What a fresh start changes beyond the plots: tabs, weight lists, sample counts."""
        snap = frame.snapshot
        if snap.kind == NETWORK:
            self.landscape_view.set_weights(snap.tracked_ids)
            if "n_train" in frame.view:
                self.inspector.set_samples(frame.view["n_train"])
        self._show_views_for(snap.kind, frame.experiment)

    def _relabel_runs(self, frame: Frame) -> None:
        """Runs renamed by a live change (sgd α=0.95 → sgd α=0.5): every legend follows."""
        labels = list(getattr(frame.snapshot, "labels", ()))
        old, self._run_labels = self._run_labels, labels
        if frame.fresh or labels == old or len(labels) != len(old):
            return
        self.cost_plot.relabel_runs(labels)
        self.trajectory_plot.relabel_runs(old, labels)
        self.curve_view.relabel_runs(labels)
        self.contour_view.relabel_runs(labels)

    def _show_outcome(self, frame: Frame) -> None:
        snap = frame.snapshot
        if frame.fresh:
            self._event_marked = False
        if snap.status in (DIVERGED, CONVERGED, FINISHED) and not self._event_marked:
            self._event_marked = True  # the cost plot marks the iteration (render._feed_cost)
            style = "bad" if snap.status == DIVERGED else "ok"
            # a race: who reached the minimum when, who stopped where (not the core's log line)
            words = frame.ending if len(getattr(snap, "labels", ())) > 1 and frame.ending else snap.reason
            self.message.show_message(f"<b>{snap.status.capitalize()} at iteration {snap.iteration}.</b> "
                                      f"{_html(words)}", style)
        elif snap.status == MAX_ITERATIONS and not self._event_marked:
            self._event_marked = True
            words = frame.ending if len(getattr(snap, "labels", ())) > 1 and frame.ending else snap.reason
            self.message.show_message(f"<b>Stopped at iteration {snap.iteration}</b>: {_html(words)} "
                                      "Raise “Max iterations” in the Training panel to go on.", "info")
        elif frame.fresh:
            self.message.hide()

    @Slot()
    def _redraw(self) -> None:
        """Push stored rows to the plots. The cost curve redraws on every tick (30 Hz); the
        busier views on every third tick (10 Hz) while a run is going. Drawing holds the GIL,
        which the training thread needs too: every millisecond here is one less for training."""
        if not self._dirty:
            return
        self._tick += 1
        running = self._frame is not None and self._frame.running
        self.cost_plot.refresh()
        if not running or self._tick % SECONDARY_EVERY == 0:
            for plot in self.secondary_views():
                if plot.isVisible():  # a hidden tab keeps its rows and draws them when shown
                    plot.refresh()
            self._dirty = False
        else:
            self._dirty = True  # the secondary views are still to be drawn
        self._update_status()

    def secondary_views(self) -> list:
        return [self.trajectory_plot, self.gradient_flow, self.metrics_view, self.data_view, self.network_view,
                self.curve_view, self.contour_view, self.landscape_view]

    def _show_views_for(self, kind: str, experiment: Experiment) -> None:
        """The tabs that make sense for this kind of experiment; the first of them is shown."""
        dim = get_surface(experiment["surface"]).dim if kind != NETWORK else 0
        network = kind == NETWORK
        wanted = {self.data_tab: network, self.network_view: network, self.inspector: network,
                  self.landscape_view: network, self.curve_view: dim == 1, self.contour_view: dim == 2}
        # only the tabs that change: QTabWidget lays itself out again on every setTabVisible
        shown = [(self.view_tabs, widget, show) for widget, show in wanted.items()]
        shown += [(self.bottom_tabs, self.gradient_flow, network), (self.bottom_tabs, self.metrics_view, network)]
        for tabs, widget, show in shown:
            index = tabs.indexOf(widget)
            if tabs.isTabVisible(index) != show:
                tabs.setTabVisible(index, show)
        if network:
            regression = bool(experiment.data_task() == "regression")
            self.bottom_tabs.setTabText(self.bottom_tabs.indexOf(self.metrics_view), "R²" if regression else "Accuracy")
        current = self.view_tabs.currentWidget()
        if not wanted.get(current, False):
            self.view_tabs.setCurrentWidget(next(w for w, show in wanted.items() if show))

    @Slot(int)
    def _on_view_tab(self, _index: int) -> None:
        current = self.view_tabs.currentWidget()
        self.session.set_shown({"map"} if current is self.data_tab else
                               {"network"} if current is self.network_view else set())
        if self._frame is None:
            return
        if current is self.landscape_view and self.landscape_view.shown_iteration != self._frame.snapshot.iteration:
            self.landscape_view.request()
        elif current is self.inspector:
            self._update_inspector()
        if hasattr(current, "refresh"):
            self._dirty = True  # a view that was hidden draws what it missed

    @Slot(int)
    def _on_bottom_tab(self, _index: int) -> None:
        self._dirty = True  # the tab just shown draws the rows it missed while hidden

    def _update_inspector(self) -> None:
        """On a paused network run, the inspector shows the next iteration; while running, it waits."""
        if self.view_tabs.currentWidget() is not self.inspector or self._frame is None:
            return
        if self._frame.snapshot.kind != NETWORK:
            return
        if self._frame.running:
            self.inspector.clear("The run is going: pause it (Space) to take its next iteration apart.")
        elif self.inspector.trace is None or self.inspector.trace.iteration != self._frame.snapshot.iteration:
            self.inspector.request()

    @Slot()
    def inspector_next(self) -> None:
        self._show_inspector()
        self.inspector.next()

    @Slot()
    def inspector_back(self) -> None:
        self._show_inspector()
        self.inspector.back()

    def _show_inspector(self) -> None:
        if self.view_tabs.isTabVisible(self.view_tabs.indexOf(self.inspector)):
            self.view_tabs.setCurrentWidget(self.inspector)

    @Slot(object)
    def _on_start_chosen(self, point) -> None:
        """A click on the cost curve or surface: every run starts again from there."""
        self.session.set_start(point)
        where = ", ".join(number(v, 3) for v in point)
        self.statusBar().showMessage(f"Start point w₀ = ({where}): press Space to descend from there.", 5000)

    @Slot(object, object, object, object)
    def _on_landscape_requested(self, wid_a, wid_b, x_range, y_range) -> None:
        self.session.request_landscape(wid_a, wid_b, x_range, y_range)

    @Slot(float, float, int, int)
    def _on_sweep_requested(self, lr_min: float, lr_max: float, count: int, iterations: int) -> None:
        self.sweep_view.set_running(True)
        self._set_running_look(False)
        self.session.sweep(lr_min, lr_max, count, iterations)
        self.statusBar().showMessage(f"Sweeping {count} learning rates from {lr_min:g} to {lr_max:g} "
                                     f"({iterations} iterations each) …")

    @Slot(object)
    def _on_sweep_done(self, result) -> None:
        if result is None:
            self.sweep_view.set_running(False)
            self.statusBar().showMessage("Sweep stopped.", 4000)
            return
        self.sweep_view.show_result(result)
        self.statusBar().showMessage("Sweep done: " + self.sweep_view.summary, 8000)

    def _update_status(self) -> None:
        frame = self._frame
        if frame is None:
            return
        self._update_lecture_caption()
        snap = frame.snapshot
        if snap.kind == NETWORK:
            # iterations (weight updates) and epochs (passes over the data) are not the same thing
            self.status_iteration.setText(f"Iteration {snap.iteration:,} · epoch {snap.epoch:,.2f}")
            if len(snap.train_cost):  # a frame after a command may carry no new rows: the last costs stand
                train, test = snap.train_cost[-1], snap.test_cost[-1]
                test_text = "" if np.isnan(test) else f"   test {number(test, 4)}"
                self.status_cost.setText(f"J = {number(train, 4)}{test_text}")
            if len(snap.train_metric):
                self.status_metric.setText(metric_status(snap.metric_name, snap.train_metric[-1],
                                                         snap.test_metric[-1]))
        else:
            self.status_metric.setText("")
            self.status_iteration.setText(f"Iteration {snap.iteration:,}")
            if len(snap.costs):
                costs = snap.costs[-1]
                if len(costs) == 1:
                    self.status_cost.setText(f"J = {number(costs[0], 4)}")
                elif np.isfinite(costs).any():
                    best = int(np.nanargmin(np.where(np.isfinite(costs), costs, np.nan)))
                    self.status_cost.setText(f"best: {snap.labels[best]}  J = {number(costs[best], 4)}")
        state = "running" if frame.running else ("paused" if snap.status == "running" else snap.status)
        self.status_state.setText(state.replace("_", " "))
        self.status_rate.setText(f"{frame.iters_per_s:,.0f} it/s" if frame.running else "")

    @Slot(str)
    def _on_failed(self, report: str) -> None:
        """The training thread hit an unexpected error: a dialog with a copyable report, and the log."""
        from .errors import report_error

        self._set_running_look(False)
        self._error_dialog = report_error(report, "Training stopped because of an unexpected error "
                                                  "(your experiment is kept)", self,
                                          dialog=self._error_dialog)  # further failures join the open dialog

    # -- your own data and code -------------------------------------------------------------------
    @Slot()
    def import_data_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import data", str(self._last_dir()),
                                              "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if name:
            self.import_data(name)

    def import_data(self, path: str | Path) -> ImportDataDialog:
        """The import dialog for a CSV file; accepting it loads the experiment with those points."""
        dialog = ImportDataDialog(str(path), base=self._current_experiment(), parent=self)
        dialog.accepted.connect(lambda d=dialog: self._on_import_accepted(d))
        self._import = dialog
        dialog.open()
        return dialog

    def _on_import_accepted(self, dialog: ImportDataDialog) -> None:
        experiment = dialog.result_experiment()
        if experiment is not None:
            self.load_experiment(experiment)
            self.statusBar().showMessage(f"Imported {experiment.points.n_samples} points from "
                                         f"{Path(dialog.path).name}.", 6000)

    @Slot()
    def save_template_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Save data template", str(self._last_dir() / "gdlab-template.csv"),
                                              "CSV files (*.csv)")
        if name:
            try:
                write_template(name)
            except OSError as exc:
                self._error_box("Cannot save the template", f"{name} could not be written: {exc.strerror or exc}.")
                return
            self.statusBar().showMessage(f"Wrote {name}: fill it in and import it (File → Import data).", 6000)

    @Slot(object)
    def _on_points_drawn(self, data) -> None:
        """Points drawn in the data view: the experiment's data, asking before training restarts."""
        if data is None:
            return
        base = self._pending or self._current_experiment()
        try:
            changed = base.with_points(data)
        except ExperimentError:
            changed = base.with_points(data, output_activation="auto", loss="auto", features=["x"])
        self._propose(changed, "Drawn points")

    @Slot()
    def export_code_dialog(self) -> None:
        experiment = self._current_experiment()
        suggested = self._last_dir() / f"{experiment.name or 'experiment'}.py".replace(" ", "_")
        name, _ = QFileDialog.getSaveFileName(self, "Export as Python", str(suggested), "Python scripts (*.py)")
        if name:
            self.export_code(name if name.endswith(".py") else name + ".py")

    def export_code(self, path: str | Path) -> bool:
        from ..core.codegen import write_code

        try:
            write_code(self._current_experiment(), path)
        except (OSError, ValueError) as exc:
            self._error_box("Cannot export the script", f"{path}: {exc}")
            return False
        self.statusBar().showMessage(f"Wrote {path}: run it with python {Path(path).name} --iterations N", 8000)
        return True

    @Slot()
    def export_weights_dialog(self) -> None:
        if self._frame is None or self._frame.snapshot.kind != NETWORK:
            self.statusBar().showMessage("Weights files are for network experiments.", 4000)
            return
        name, _ = QFileDialog.getSaveFileName(self, "Export weights", str(self._last_dir() / "weights.npz"),
                                              "numpy archive (*.npz);;JSON (*.json)")
        if name:
            self.export_weights(name)

    def export_weights(self, path: str | Path) -> bool:
        from ..core.weights_io import write_weights

        snap = self._frame.snapshot
        try:
            write_weights(path, self._current_experiment(), snap.weights, snap.biases, snap.iteration, snap.status)
        except (OSError, ValueError) as exc:
            self._error_box("Cannot export the weights", f"{path}: {exc}")
            return False
        self.statusBar().showMessage(f"Wrote the weights of iteration {snap.iteration} to {path}.", 6000)
        return True

    @Slot()
    def export_worksheet_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export worksheets into", str(self._last_dir()))
        if folder:
            self.export_worksheets(folder)

    def export_worksheets(self, folder: str | Path) -> None:
        """Ask the worker for this run's worksheet (the answer comes as ``worksheet_ready``)."""
        self._worksheet_folder = Path(folder)
        self.session.request_worksheet()

    @Slot(object)
    def _on_worksheet(self, answer) -> None:
        from ..core.worksheet import file_stem, make_worksheet
        from .worksheet_pdf import write_worksheet_set

        worksheet, problem = answer
        if worksheet is None:  # too big a network for a worksheet: the textbook 2-2-1 example instead
            worksheet = make_worksheet()
            self.statusBar().showMessage(f"{problem} A worksheet for the 2-2-1 textbook example instead.", 8000)
        stem = file_stem(self._current_experiment().name)  # a name like ../x stays inside the chosen folder
        try:
            paths = write_worksheet_set(self._worksheet_folder, worksheet, stem)
        except OSError as exc:
            self._error_box("Cannot write the worksheets", f"{self._worksheet_folder}: {exc.strerror or exc}")
            return
        self.last_worksheets = paths
        if problem is None:
            self.statusBar().showMessage("Wrote " + ", ".join(p.name for p in paths), 8000)

    @Slot(object)
    def _on_overlay(self, records) -> None:
        overlay_items(self.cost_plot, records)

    # -- export -------------------------------------------------------------------------------
    def export_views(self) -> dict[str, QWidget]:
        """The views that can be exported now, by title (the visible tabs of this experiment)."""
        views = {"Cost per iteration": self.cost_plot}
        for tabs in (self.view_tabs, self.bottom_tabs):
            for k in range(tabs.count()):
                if tabs.isTabVisible(k):
                    views[tabs.tabText(k)] = tabs.widget(k)
        return views

    def current_view(self) -> QWidget:
        return self.view_tabs.currentWidget() or self.cost_plot

    @Slot()
    def export_dialog(self, current: str | None = None) -> None:
        """File → Export (Ctrl+E): a view, the window, the handout sheet or an animation."""
        from .export_dialog import ExportDialog
        from .sheet import summarize

        if self._frame is None:
            return
        experiment = self._current_experiment()
        views = self.export_views()
        # the picture of this experiment (not a view left over from an earlier one), and only the
        # animations the registry can make of it
        widgets = {"data": self.data_view, "curve": self.curve_view, "surface": self.contour_view}
        picture = next(n for n in sheet_views(experiment) if n in widgets)
        sheet = {"cost": self.cost_plot, "trajectories": self.trajectory_plot.plot, "view": widgets[picture]}
        gif = tuple(n for n in view_names(experiment) if n in ("cost", "trajectories", "data", "curve", "surface"))
        summary = summarize(self._frame.snapshot, experiment)
        summary["changes"] = list(self._frame.changes)
        iteration = self._frame.snapshot.iteration
        # unchanged live: the sheet is what `gdlab export NAME --view sheet --iterations N` draws
        replay = experiment.replace(max_iterations=iteration) if iteration and not self._frame.changes else None
        dialog = ExportDialog(views, experiment, self, window=self, sheet_views=sheet, summary=summary, gif_views=gif,
                              current=current or self.view_tabs.tabText(self.view_tabs.currentIndex()),
                              directory=self._last_dir(), sheet_replay=replay)
        dialog.exported.connect(lambda path: self.statusBar().showMessage(f"Exported {path}", 6000))
        self._export = dialog
        dialog.open()

    @Slot()
    def copy_figure(self, view: QWidget | None = None) -> None:
        from .export import copy_to_clipboard

        copy_to_clipboard(view or self.current_view(), experiment=self._current_experiment())
        self.statusBar().showMessage("Figure copied to the clipboard (as an image and as SVG).", 4000)

    def _install_export_menus(self) -> None:
        """"Export figure…" and "Copy figure" in every view's right-click menu."""
        from .export import install_export_actions

        for title, view in (("Cost per iteration", self.cost_plot),
                            *[(self.view_tabs.tabText(k), self.view_tabs.widget(k))
                              for k in range(self.view_tabs.count())],
                            *[(self.bottom_tabs.tabText(k), self.bottom_tabs.widget(k))
                              for k in range(self.bottom_tabs.count())]):
            install_export_actions(view, lambda _=False, t=title: self.export_dialog(t),
                                   lambda _=False, v=view: self.copy_figure(v))

    # -- themes, text size, lecture mode ---------------------------------------------------------
    def themed_views(self) -> list:
        return [self.cost_plot, self.gradient_flow, self.metrics_view, self.trajectory_plot, self.data_view,
                self.network_view, self.inspector, self.landscape_view, self.curve_view, self.contour_view,
                self.sweep_view]

    def set_theme(self, name: str) -> None:
        """Switch every plot (and the widgets' colours) to a theme, at any time."""
        self.theme_name = name
        self.theme_actions[name].setChecked(True)
        theme = scaled(THEMES[name], self.text_scale)
        app = QApplication.instance()
        if app is not None:
            apply_to_app(app, THEMES[name], self.text_scale)
        for view in self.themed_views():
            view.apply_theme(theme)
        self.scenario.setStyleSheet(f"QLabel {{ background:{theme.panel_background}; border-radius:4px; "
                                    f"padding:8px; color:{theme.foreground}; }}")
        if not self.lecture_mode:
            self.settings.setValue("theme", name)
        self._dirty = True

    def scale_text(self, factor: float | None) -> None:
        """Multiply every font size by ``factor`` (None: back to 1)."""
        self.text_scale = 1.0 if factor is None else min(MAX_SCALE, max(MIN_SCALE, self.text_scale * factor))
        self.settings.setValue("text_scale", self.text_scale)
        self.set_theme(self.theme_name)
        self._widen_panel_for_text()
        self.statusBar().showMessage(f"Text at {self.text_scale:.0%} of its usual size.", 2000)

    def _widen_panel_for_text(self) -> None:
        """Larger text: the parameter panel gets the width its fields now need (the plots give it up),
        so its labels and fields are laid out again instead of being cut at the right edge."""
        QApplication.processEvents()  # the new font's sizes reach the layouts
        need = self.panel.minimumSizeHint().width() + self.left_scroll.verticalScrollBar().sizeHint().width() + 24
        sizes = self.splitter.sizes()
        if len(sizes) == 2 and sizes[0] and sizes[0] < need:
            self.left_scroll.setMinimumWidth(min(need, self.width() // 2))
            self.splitter.setSizes([need, max(0, sum(sizes) - need)])

    @Slot()
    def toggle_lecture_mode(self) -> None:
        if self.lecture_mode:
            self.leave_lecture_mode()
        else:
            self.enter_lecture_mode()

    def enter_lecture_mode(self) -> None:
        """Full screen, projector theme, the parameter panel folded away, a narrating caption."""
        if self.lecture_mode:
            return
        self.lecture_mode = True
        self._before_lecture = (self.theme_name, self.isFullScreen(), self.left_scroll.isVisible())
        # what quitting in lecture mode saves
        self._layout_before_lecture = (self.saveGeometry(), self.splitter.saveState())
        self.lecture_action.setChecked(True)
        self.leave_lecture_action.setEnabled(True)
        self.left_scroll.hide()
        self.menuBar().hide()
        self.lecture_caption.show()
        self.lecture_keys.show()
        self.set_theme("projector")
        self.showFullScreen()
        self.focus.follow_view()  # the inspector on show: it takes the plot area
        self._update_lecture_caption()

    @Slot()
    def leave_lecture_mode(self) -> None:
        if not self.lecture_mode:
            return
        self.lecture_mode = False
        self.focus.follow_view()  # a focus layout lecture mode chose ends with it
        theme, was_full, panel = self._before_lecture
        self.lecture_action.setChecked(False)
        self.leave_lecture_action.setEnabled(False)
        self.lecture_caption.hide()
        self.lecture_keys.hide()
        self.menuBar().show()
        self.left_scroll.setVisible(panel)
        self.set_theme(theme)
        if not was_full:
            self.showNormal()

    def lecture_text(self) -> str:
        """The current step in words, from the latest frame (a lesson's caption while one plays)."""
        if self.caption_override is not None:
            return self.caption_override()
        frame = self._frame
        if frame is None:
            return ""
        snap = frame.snapshot
        if snap.status in (DIVERGED, CONVERGED, FINISHED, MAX_ITERATIONS) and snap.status != "running":
            return f"Iteration {snap.iteration}: {snap.status.replace('_', ' ')} — {snap.reason}"
        if snap.kind != NETWORK:
            if snap.w.shape[1] == 1 and snap.w_next is not None:
                return narrate(snap.iteration, snap.optimizers[0], float(snap.w[0, 0]), float(snap.gradient[0, 0]),
                               float(snap.learning_rates[0]), float(snap.w_next[0, 0]))
            g = ", ".join(num(v) for v in snap.gradient[0])
            return (f"Iteration {snap.iteration}: the gradient at ({', '.join(num(v) for v in snap.w[0])}) is "
                    f"({g}); each run steps downhill, its own way.")
        J = snap.train_cost[-1] if len(snap.train_cost) else float("nan")
        weights = sum(w.size + b.size for w, b in zip(snap.weights, snap.biases))
        return (f"Iteration {snap.iteration}: the cost is J = {num(J)}. Backprop computes ∂J/∂w for all {weights} "
                f"weights and biases; gradient descent moves each by −α·∂J/∂w with α = {num(snap.learning_rate)}.")

    def _update_lecture_caption(self) -> None:
        if self.lecture_mode:
            text = self.lecture_text()
            if text != self.lecture_caption.text():
                self.lecture_caption.setText(text)

    # -- help -------------------------------------------------------------------------------
    @Slot()
    def show_shortcuts(self) -> None:
        """Every shortcut of the window, as a sheet that can be printed for the lectern."""
        self._sheet = ShortcutSheet(shortcut_rows(self.actions()), self)
        self._sheet.open()

    @Slot()
    def show_about(self) -> None:
        self._about = AboutDialog(self)
        self._about.open()

    @Slot()
    def show_welcome(self) -> None:
        """The first-run screen: the three lesson tracks to start with, and how to export a figure."""
        dialog = WelcomeDialog(self, show_again=should_show_welcome(self.settings))
        dialog.lesson_chosen.connect(self.play_lesson)
        dialog.finished.connect(lambda _result, d=dialog: remember_welcome(self.settings, d.dont_show_again))
        self._welcome = dialog
        dialog.open()

    def _error_box(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()
        self._last_error_box = box

    # -- settings ---------------------------------------------------------------------------
    def _restored_experiment(self) -> Experiment | None:
        text = self.settings.value("last_experiment")
        if not isinstance(text, str):
            return None
        try:
            return Experiment.from_json(text)
        except ExperimentError:
            return None

    def _setting_number(self, key: str, default: float, lo: float, hi: float) -> float:
        """A number from the settings file, kept within [lo, hi]; a damaged value (text, NaN) gives
        ``default`` and a warning on stderr, never a window that cannot start."""
        raw = self.settings.value(key, default)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value):
            print(f"gdlab: the setting {key} = {str(raw)[:40]!r} is not a number; using {default}", file=sys.stderr)
            return default
        return min(hi, max(lo, value))

    def _restore_layout(self) -> None:
        geometry = self.settings.value("geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            screen = self.screen() or QApplication.primaryScreen()
            room = screen.availableGeometry().size() if screen is not None else PREFERRED_SIZE
            self.resize(PREFERRED_SIZE.boundedTo(room))
        self._unrequested_size = self.size()  # a resize() before show() is a size asked for: kept
        state = self.settings.value("splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)

    def _recent(self) -> list[str]:
        value = self.settings.value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in (value or []) if isinstance(v, str)]

    def _add_recent(self, path: Path) -> None:
        text = str(Path(path).resolve())
        recent = [text] + [p for p in self._recent() if p != text]
        self.settings.setValue("recent_files", recent[:MAX_RECENT])
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self._recent()
        for path in recent:
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(recent))

    def _last_dir(self) -> Path:
        recent = self._recent()
        return Path(recent[0]).parent if recent else Path.home()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._unrequested_size is not None:
            if self.size() == self._unrequested_size and not self.isFullScreen():
                self._fit_to_screen()
            self._unrequested_size = None  # only the first show: later the user sizes the window

    def _fit_to_screen(self) -> None:
        """The default or restored size and place, inside the screen's available area, title bar and
        frame included (a geometry saved on a bigger monitor comes back on a 1280×800 projector)."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry()
        frame = self.frameGeometry()
        extra = QSize(frame.width() - self.width(), frame.height() - self.height())
        size = self.size().boundedTo(room.size() - extra).expandedTo(self.minimumSize())
        if size != self.size():
            self.resize(size)
        frame = self.frameGeometry()
        x = max(room.left(), min(frame.left(), room.right() + 1 - frame.width()))
        y = max(room.top(), min(frame.top(), room.bottom() + 1 - frame.height()))
        if (x, y) != (frame.left(), frame.top()):
            self.move(x, y)

    # -- closing ----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self._shutdown()
        super().closeEvent(event)

    @Slot()
    def _shutdown(self) -> None:
        if self._closing:
            return
        self._closing = True
        self.redraw_timer.stop()
        self.timeline.stop()
        self.statusBar().clearMessage()  # stops the status bar's own message timer
        # quitting in lecture mode must not make the next start full screen without its panel
        geometry, splitter = (self._layout_before_lecture if self.lecture_mode
                              else (self.saveGeometry(), self.splitter.saveState()))
        self.settings.setValue("geometry", geometry)
        self.settings.setValue("splitter", splitter)
        self.settings.setValue("last_experiment", self._current_experiment().to_json())
        self.settings.setValue("runs", self.runs_view.to_json())
        self.settings.sync()
        self.session.shutdown()
        self.runs_view.model.flush_changed()  # its coalescing timer must not outlive the window


@functools.lru_cache(maxsize=None)
def _preset_summary(name: str) -> str:
    """A shipped preset's one-line summary for the Presets menu, read once per process: every
    window's menus show the same shipped files (reading them was ~7% of building a window)."""
    return load_preset(name).summary


@functools.lru_cache(maxsize=None)
def _lesson_heading(name: str) -> tuple[str, str]:
    """A shipped lesson's (title, summary) for the Lesson menu, read once per process."""
    return lesson_heading(name)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
