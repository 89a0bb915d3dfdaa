"""The lab window's class: one QMainWindow made of the mixins of this package."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow

from ...core.files.experiment import Experiment
from ...core.files.presets import load_preset
from .. import theming
from ..gc_policy import keep_python_half
from ..palette import THEMES
from ..session import TrainingSession
from ..session_file import session_folder
from ..theming import MAX_SCALE, MIN_SCALE, SYSTEM, WINDOW_THEMES, apply_to_app
from ..view_data import Frame
from .experiments import ExperimentsMixin
from .exports import ExportsMixin
from .frames import REDRAW_HZ, FramesMixin
from .layout import LayoutMixin
from .lecture import LectureMixin
from .menus import build_menus
from .messages import MessagesMixin
from .run_controls import RunControlsMixin
from .saved_state import SavedStateMixin, stop_session
from .timeline import TimelineMixin

DEFAULT_PRESET = "xor"


class MainWindow(LayoutMixin, RunControlsMixin, ExperimentsMixin, FramesMixin, TimelineMixin, ExportsMixin,
                 LectureMixin, MessagesMixin, SavedStateMixin, QMainWindow):
    """The lab window: parameter panels on the left, live plots in the centre, a run bar below.

    Data flows one way: panels -> experiment -> session (worker thread) -> frames -> plots. The
    window keeps the latest frame's rows in the plots' buffers and redraws from a ~30 Hz timer.
    Each concern lives in a mixin of its own module (see :mod:`gdlab.gui.window`).
    """

    def __init__(self, experiment: Experiment | None = None, settings: QSettings | None = None):
        super().__init__()
        # closed, the window is deleted on the GUI thread, its widgets with it, at once: never left
        # for Python's cycle collector (see gdlab.gui.gc_policy)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        keep_python_half(self)
        self.settings = settings if settings is not None else QSettings()
        self.session_folder = session_folder(self.settings)  # session.json: last experiment, runs table
        self.session = TrainingSession(self)
        try:
            self._setup(experiment)
        except BaseException:
            stop_session(self.session)  # a window that failed to build must not leave its thread running
            self.deleteLater()
            raise

    def _setup(self, experiment: Experiment | None) -> None:
        self.session.frame_ready.connect(self._on_frame)
        self.session.failed.connect(self._on_failed)
        restored = self._restored_experiment()  # read even when an experiment is given: the runs table
        self.experiment: Experiment = experiment or restored or load_preset(DEFAULT_PRESET)
        self.path: Path | None = None
        self._pending: Experiment | None = None
        self._frame: Frame | None = None
        self._dirty = False
        self._error_dialog = None
        self._tick = 0
        self._twin_shown = False
        self.scrub_iteration: int | None = None
        self.lecture_mode = False
        self.caption_override = None  # a callable giving the lecture caption instead (a lesson playing)
        self.theme_name = SYSTEM      # the choice (View → Theme); resolved_theme is the theme it stands for
        self.resolved_theme = "light"
        self.text_scale = 1.0
        self._event_marked = False
        self._closing = False
        self.last_cost = float("nan")  # the latest training cost a frame carried (the lecture caption says it)
        self._unrequested_size: QSize | None = None
        self._run_labels: list[str] = []  # the runs' names the legends show (they follow live changes)
        self.text_scale = self._setting_number("text_scale", 1.0, MIN_SCALE, MAX_SCALE)
        theme = self.settings.value("theme", SYSTEM)
        theme = theme if theme in WINDOW_THEMES else SYSTEM
        app = QApplication.instance()
        if app is not None:  # the widgets take their sizes from this theme's font, not from a window before
            apply_to_app(app, THEMES[theming.resolve(theme)], self.text_scale)
        self._build_ui()
        build_menus(self)
        self._install_export_menus()
        self._keep_keys_for_shortcuts()
        self._restore_layout()
        self.set_theme(theme)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_desktop_scheme_changed)
        self._restore_runs()
        self.redraw_timer = QTimer(self)
        self.redraw_timer.setInterval(int(1000 / REDRAW_HZ))
        self.redraw_timer.timeout.connect(self._redraw)
        self.redraw_timer.start()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._shutdown)
        self.load_experiment(self.experiment)
        self._show_session_problems()
