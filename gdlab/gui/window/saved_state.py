"""What the window keeps between starts: in QSettings numbers read back safely, the geometry and
splitter (fitted to the screen on the first show), recent files; in ``session.json`` (the data
folder, :mod:`gdlab.gui.session_file`) the last experiment and the runs table; and closing, which
saves them and stops the session (the window itself is deleted once closed: WA_DeleteOnClose).
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from ...core.files.experiment import Experiment, ExperimentError
from ..session import TrainingSession
from ..session_file import SESSION_NAME, move_settings_values, read_session, session_text, write_session
from .layout import PREFERRED_SIZE

MAX_RECENT = 8

# Sessions whose training thread outlived TrainingSession.shutdown's wait: kept for the rest of the
# process, since a QThread destroyed while it runs aborts the process.
UNSTOPPED: list[TrainingSession] = []


def stop_session(session: TrainingSession) -> bool:
    """Stop ``session``'s training thread (:meth:`TrainingSession.shutdown` asks the worker to stop,
    then waits). True once it has stopped. If it has not, the failure goes to the log and stderr,
    and the session is taken from its window (which is being deleted) and kept in
    :data:`UNSTOPPED`, the thread left to finish its step."""
    if session.shutdown():
        return True
    message = "the training thread did not stop when its window closed; it is left to finish on its own"
    _log(message, "Closing the window")
    print(f"gdlab: {message}", file=sys.stderr)
    session.setParent(None)
    UNSTOPPED.append(session)
    return False


def _log(message: str, context: str) -> None:
    from ..errors import log_error

    try:
        log_error(message, context)
    except OSError:
        pass  # the log cannot be written: nothing is lost that the user needs


class SavedStateMixin:
    """Settings kept between starts, and closing.

    A mixin of :class:`~gdlab.gui.window.main.MainWindow`: its methods use the widgets and the
    state the window builds (``self.session``, ``self.cost_plot``, ...).
    """

    def _restored_experiment(self) -> Experiment | None:
        """The last experiment of ``session.json`` (after moving an earlier gdlab's settings values
        there, once); its runs table waits in ``_saved_runs`` for :meth:`_restore_runs`. What cannot
        be read is said on stderr and in the status bar (:meth:`_show_session_problems`)."""
        notes = move_settings_values(self.settings, self.session_folder)
        if notes:
            _log("\n".join(notes), "Moving the last experiment and the runs table out of the settings")
        saved = read_session(self.session_folder)
        self._saved_session_text = saved.text
        self._saved_runs = saved.runs
        self.session_problems = list(saved.problems)
        return saved.experiment

    def _restore_runs(self) -> None:
        if self._saved_runs is not None:
            try:
                self.runs_view.from_json(self._saved_runs)  # the runs of the last session
            except ValueError as exc:
                self.session_problems.append(f"the runs table in {self.session_folder / SESSION_NAME} could not "
                                             f"be read ({str(exc)[:200]}); it starts empty")
        self._saved_runs = None

    def _show_session_problems(self) -> None:
        for problem in self.session_problems:
            print(f"gdlab: {problem}", file=sys.stderr)
        if self.session_problems:
            text = "; ".join(self.session_problems)
            self.statusBar().showMessage(text[:1].upper() + text[1:], 20000)

    def _save_session(self) -> None:
        """Write ``session.json`` if it would change. A failure is said on stderr, never raised."""
        try:
            text = session_text(self._current_experiment().to_json(), self.runs_view.to_json())
            if text != self._saved_session_text:
                write_session(self.session_folder, text)
                self._saved_session_text = text
        except (OSError, ValueError, ExperimentError) as exc:
            print(f"gdlab: cannot save the last experiment and the runs table in {self.session_folder}: "
                  f"{getattr(exc, 'strerror', None) or exc}", file=sys.stderr)

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
            self.recent_files.add(action, path)
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

    def closeEvent(self, event: QCloseEvent) -> None:
        self._shutdown()
        super().closeEvent(event)

    @Slot()
    def _shutdown(self) -> None:
        if self._closing:
            return
        self._closing = True
        # the desktop's signal outlives the window: a closed window must not restyle itself
        QGuiApplication.styleHints().colorSchemeChanged.disconnect(self._on_desktop_scheme_changed)
        self.redraw_timer.stop()
        self.timeline.stop()
        self.statusBar().clearMessage()  # stops the status bar's own message timer
        # quitting in lecture mode must not make the next start full screen without its panel
        geometry, splitter = (self._layout_before_lecture if self.lecture_mode
                              else (self.saveGeometry(), self.splitter.saveState()))
        self.settings.setValue("geometry", geometry)
        self.settings.setValue("splitter", splitter)
        self.settings.sync()
        self._save_session()
        stop_session(self.session)
        self.runs_view.model.flush_changed()  # its coalescing timer must not outlive the window
