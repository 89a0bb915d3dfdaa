"""What the lab window keeps between starts besides its settings: the last experiment and the runs
table, in ``session.json`` in gdlab's data folder (``QSettings`` keeps the small things: geometry,
theme, recent files; the runs table alone can be megabytes).

    read_session(folder) -> SavedSession                      never raises: a damaged file gives problems
    session_text(experiment_json, runs_json) -> str           the file's text
    write_session(folder, text) -> Path                        atomic (the core's writer); OSError
    move_settings_values(settings, folder) -> list[str]        once: the values earlier gdlabs kept in QSettings

The file is read as hostile input: a regular file of at most :data:`MAX_SESSION_BYTES`
(:func:`gdlab.core.io.reading.read_bounded`), UTF-8 JSON of the expected format; the experiment is
validated by :class:`~gdlab.core.files.experiment.Experiment`, the runs table by the table itself
(``RunsView.from_json``). What does not pass is left out with a sentence saying so, and a file that
is not a session at all is set aside as ``session.corrupt-<time>.json`` (the next close writes a
new one).
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSettings

from ..core.files.experiment import Experiment, ExperimentError
from ..core.io.atomic import atomic_write_text
from ..core.io.reading import read_bounded
from .folders import data_folder

SESSION_NAME = "session.json"
FORMAT = "gdlab-session"
VERSION = 1
MAX_SESSION_BYTES = 16_000_000  # 50 runs of 1000 points with their experiments: about 3 MB
LEGACY_KEYS = ("last_experiment", "runs")  # the QSettings values of earlier gdlabs, JSON text each

__all__ = ["SESSION_NAME", "SavedSession", "move_settings_values", "read_session", "session_folder",
           "session_text", "write_session"]


@dataclass
class SavedSession:
    """What ``session.json`` held: the last experiment, the runs table's JSON text, the sentences
    saying what could not be read, and the file's text (a save of the same text is skipped)."""

    experiment: Experiment | None = None
    runs: str | None = None
    problems: list[str] = field(default_factory=list)
    text: str = ""


def session_folder(settings: QSettings) -> Path:
    """The folder of ``session.json``: beside an INI settings file (a test's, or a slide render's
    throw-away one), else gdlab's data folder."""
    if settings.format() == QSettings.Format.IniFormat:
        return Path(settings.fileName()).resolve().parent
    return data_folder()


def session_text(experiment_json: str | None, runs_json: str | None) -> str:
    """The file's text for an experiment's and a runs table's JSON (either may be None)."""
    doc = {"format": FORMAT, "version": VERSION,
           "last_experiment": json.loads(experiment_json) if experiment_json else None,
           "runs": json.loads(runs_json) if runs_json else None}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_session(folder: Path, text: str) -> Path:
    """Write ``text`` (:func:`session_text`) to ``session.json`` in ``folder`` (made if missing),
    atomically. Raises OSError."""
    folder.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(folder / SESSION_NAME, text)


def read_session(folder: Path) -> SavedSession:
    """``session.json`` in ``folder``: an empty :class:`SavedSession` when there is none. Never raises."""
    path = folder / SESSION_NAME
    if not os.path.lexists(path):
        return SavedSession()
    try:
        text = read_bounded(path, MAX_SESSION_BYTES, "session file").decode("utf-8")
        doc = json.loads(text)
    except (OSError, ValueError, RecursionError) as exc:  # FileRefused, UnicodeDecodeError are ValueErrors
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return SavedSession(problems=[_unreadable(path, reason[:200])])
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != VERSION:
        return SavedSession(problems=[_unreadable(path, f"not a gdlab session (format {FORMAT!r}, version {VERSION})")])
    saved = SavedSession(text=text)
    experiment, runs = doc.get("last_experiment"), doc.get("runs")
    if experiment is not None:
        try:
            saved.experiment = Experiment.from_json(json.dumps(experiment))
        except (ExperimentError, ValueError, TypeError, RecursionError) as exc:
            saved.problems.append(f"the last experiment in {path} could not be read ({str(exc)[:200]}); "
                                  "gdlab starts with a preset")
    if runs is not None:
        try:
            saved.runs = json.dumps(runs)
        except (ValueError, RecursionError):
            saved.problems.append(f"the runs table in {path} could not be read; it starts empty")
    return saved


def _unreadable(path: Path, reason: str) -> str:
    aside = _set_aside(path)
    kept = f" (kept as {aside.name})" if aside else ""
    return f"{path} could not be read ({reason}){kept}: the runs table starts empty and gdlab with a preset"


def _set_aside(path: Path) -> Path | None:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(100):
        target = path.with_name(f"session.corrupt-{stamp}{f'-{n}' if n else ''}.json")
        if not os.path.lexists(target):
            try:
                os.replace(path, target)
            except OSError:
                return None
            return target
    return None


def move_settings_values(settings: QSettings, folder: Path) -> list[str]:
    """Move the last experiment and the runs table that earlier gdlabs kept in ``settings`` into
    ``session.json`` (unless there is one already: it is newer) and remove the keys. Returns a line
    for what was done; [] when there was nothing (every start after the first). A value that is not
    JSON text is dropped with its key. If the file cannot be written the keys stay, for the next start.
    """
    present = [key for key in LEGACY_KEYS if settings.contains(key)]
    if not present:
        return []
    notes: list[str] = []
    if not os.path.lexists(folder / SESSION_NAME):
        values: dict[str, str | None] = {}
        for key in LEGACY_KEYS:
            value = settings.value(key)
            try:
                values[key] = value if isinstance(value, str) and json.loads(value) is not None else None
            except (ValueError, RecursionError):
                values[key] = None
            if key in present and values[key] is None:
                notes.append(f"dropped the settings value {key}: not JSON text")
        try:
            path = write_session(folder, session_text(values["last_experiment"], values["runs"]))
        except OSError as exc:
            return [f"cannot write {folder / SESSION_NAME}: {exc.strerror or exc}; the settings keep "
                    f"{', '.join(present)}"]
        notes.append(f"moved {', '.join(key for key in present if values[key] is not None) or 'nothing'} "
                     f"from the settings to {path}")
    for key in present:
        settings.remove(key)
    settings.sync()
    notes.append(f"removed {', '.join(present)} from the settings ({settings.fileName()})")
    return notes
