"""Which experiment the window shows: presets, opening and saving files, parameter changes (live,
or asked about before a restart), drawn and imported points, and starting a lesson.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFileDialog

from ...core.files.csvdata import write_template
from ...core.files.experiment import Experiment, ExperimentError, load_experiment
from ...core.files.presets import load_preset
from ...core.params import LIVE_PARAMS, OPTIMIZER_PARAMS
from ...core.teaching.lessons import LessonError, load_lesson
from ..dialogs.import_dialog import ImportDataDialog
from .messages import html_text, open_owned


class ExperimentsMixin:
    """Loading, saving and changing the experiment.

    A mixin of :class:`~gdlab.gui.window.main.MainWindow`: its methods use the widgets and the
    state the window builds (``self.session``, ``self.cost_plot``, ...).
    """

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
        # a file's text, never markup
        self.scenario.setText(f"<b>{html_text(experiment.name)}</b><br>{html_text(explanation)}")
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
                self.session.set_optimizer(v["optimizer"], **{n: v[n] for n in OPTIMIZER_PARAMS})
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
        self.pending_bar.text.setText(f"<b>{html_text(what)}</b> changed. This restarts training from iteration 0 "
                                      f"(the current run is at iteration {self._frame.snapshot.iteration}).")
        self.pending_bar.show()

    def _reload(self, experiment: Experiment) -> None:
        self.experiment = experiment
        self._pending = None
        self.pending_bar.hide()
        self.message.hide()
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
    def import_data_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import data", str(self._last_dir()),
                                              "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if name:
            self.import_data(name)

    def import_data(self, path: str | Path) -> ImportDataDialog:
        """The import dialog for a CSV file; accepting it loads the experiment with those points."""
        dialog = ImportDataDialog(str(path), base=self._current_experiment(), parent=self)
        dialog.accepted.connect(self._on_import_accepted)
        self._import = open_owned(dialog)
        return dialog

    @Slot()
    def _on_import_accepted(self) -> None:
        dialog = self._import
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
