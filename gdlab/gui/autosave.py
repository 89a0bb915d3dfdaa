"""Autosave: the current experiment is never lost, and is offered back after a crash.

An :class:`Autosaver` watches the window's current experiment. While the app runs it keeps

* ``<folder>/current.json`` — the experiment as it was at the last check (every 30 s by default),
  written atomically and only when it changed since the last write (compared by ``to_json()``);
* ``<folder>/running.lock`` — a small JSON marker (process id, a token of this run, the check
  interval) written by :meth:`Autosaver.start`, touched at every check (a heartbeat) and removed by
  a clean :meth:`Autosaver.stop`.

So a lock that is still there when the app starts again means the previous run did not stop
cleanly: it crashed, was killed, or the machine went down. :meth:`Autosaver.pending_recovery` then
returns the autosaved experiment, to be offered back; the caller loads it (or not) and calls
:meth:`Autosaver.discard`. A lock held by another gdlab that is still running (its process is
alive and its heartbeat recent) is not a crash. An autosave that no longer loads is not offered
and not deleted: it is set aside as ``current.corrupt-<time>.json``.

The folder is the platform's application data folder plus ``autosave``
(``QStandardPaths.AppLocalDataLocation``), the folder beside a ``QSettings`` file, or any folder
given (tests use ``tmp_path``). One gdlab at a time owns the autosave: a newer one takes the lock
over, and the older one then stops writing.
"""
from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QSettings, QStandardPaths, QTimer, Signal, Slot

from ..core.files.experiment import Experiment, ExperimentError, load_experiment
from ..core.io.atomic import atomic_write_text

AUTOSAVE_NAME = "current.json"
LOCK_NAME = "running.lock"
DEFAULT_INTERVAL_MS = 30_000
STALE_AFTER_S = 60.0   # a lock whose heartbeat is older than 3 intervals plus this is stale

__all__ = ["Autosaver", "default_folder"]


def default_folder() -> Path:
    """``<the platform's application data folder>/autosave`` (not created here)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or Path.home() / ".gdlab") / "autosave"


class Autosaver(QObject):
    """Autosaves an experiment on a timer; finds what a crashed run left behind.

    ``location``: a folder, a ``QSettings`` (the folder ``autosave`` beside its file), or None for
    :func:`default_folder`. Signals: ``saved(path)`` after each write; ``checked(saved)`` after
    each check, saved or not; ``failed(message)`` when a check could not save.
    """

    saved = Signal(object)
    checked = Signal(bool)
    failed = Signal(str)

    def __init__(self, location: str | os.PathLike | QSettings | None = None, parent: QObject | None = None):
        super().__init__(parent)
        if isinstance(location, QSettings):
            self.folder = Path(location.fileName()).resolve().parent / "autosave"
        else:
            self.folder = Path(location) if location is not None else default_folder()
        self.path = self.folder / AUTOSAVE_NAME
        self.lock_path = self.folder / LOCK_NAME
        self.token = uuid.uuid4().hex
        self.save_count = 0
        self.last_error = ""
        self._get: Callable[[], Experiment] | None = None
        self._last_json: str | None = None
        self._interval_ms = DEFAULT_INTERVAL_MS
        self._timer = QTimer(self)
        self._timer.setObjectName("autosave")
        self._timer.timeout.connect(self.check)

    # -- running -------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self, get_experiment: Callable[[], Experiment], interval_ms: int = DEFAULT_INTERVAL_MS) -> bool:
        """Write the lock, save the experiment now, then check every ``interval_ms``. False (and
        ``failed`` emitted) if the folder cannot be written: the app runs on without autosave.

        Call :meth:`pending_recovery` first: starting takes the lock over.
        """
        self._get = get_experiment
        self._interval_ms = int(interval_ms)
        self._last_json = None
        lock = {"pid": os.getpid(), "token": self.token, "interval_ms": self._interval_ms, "started": time.time()}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.lock_path, json.dumps(lock) + "\n")
        except OSError as exc:
            self._get = None
            self.last_error = f"autosave is off: {self.folder} cannot be written ({exc.strerror or exc})"
            self.failed.emit(self.last_error)
            return False
        self._timer.start(self._interval_ms)
        self.check()
        return True

    def stop(self) -> None:
        """A clean stop: a last save if the experiment changed, then the lock goes (if it is ours)."""
        if not self._timer.isActive():
            return
        self._timer.stop()
        self.check()
        if self._owns_lock():
            try:
                self.lock_path.unlink()
            except FileNotFoundError:
                pass
        self._get = None

    @Slot()
    def check(self) -> bool:
        """Save now if the experiment changed since the last save; touch the lock. Never raises."""
        saved = False
        try:
            if self._get is not None and self._owns_lock():
                text = self._get().to_json()
                if text != self._last_json:
                    atomic_write_text(self.path, text)
                    self._last_json = text
                    self.save_count += 1
                    saved = True
                os.utime(self.lock_path)  # the heartbeat: this gdlab is alive
            elif self._get is not None:
                self._timer.stop()  # a newer gdlab took the autosave over
                self._get = None
        except (OSError, ExperimentError, ValueError) as exc:
            self.last_error = f"autosave failed: {exc}"
            self.failed.emit(self.last_error)
        if saved:
            self.saved.emit(self.path)
        self.checked.emit(saved)
        return saved

    def _read_lock(self) -> dict | None:
        """The lock's contents; {} for a lock that cannot be read; None when there is none."""
        try:
            text = self.lock_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError:
            return {}
        try:
            info = json.loads(text)
        except ValueError:
            return {}
        return info if isinstance(info, dict) else {}

    def _owns_lock(self) -> bool:
        info = self._read_lock()
        return bool(info) and info.get("token") == self.token

    # -- after a crash --------------------------------------------------------------------------
    def crashed_before(self) -> bool:
        """True if a lock left by another run is there, and that run is gone."""
        info = self._read_lock()
        if info is None or info.get("token") == self.token:
            return False
        pid = info.get("pid")
        if not isinstance(pid, int) or pid == os.getpid():
            return True  # unreadable, or left by an Autosaver of this very process that never stopped
        try:
            age = time.time() - self.lock_path.stat().st_mtime
        except OSError:
            return True
        interval_s = info.get("interval_ms", DEFAULT_INTERVAL_MS) / 1000 if isinstance(
            info.get("interval_ms"), (int, float)) else DEFAULT_INTERVAL_MS / 1000
        if age > 3 * interval_s + STALE_AFTER_S:
            return True  # no heartbeat for long: gone (its process id may have been reused since)
        return not _process_alive(pid)

    def pending_recovery(self) -> Experiment | None:
        """The experiment a crashed run autosaved, or None (no crash, nothing saved, or the file no
        longer loads — then it is set aside as ``current.corrupt-<time>.json``). Never raises."""
        if not self.crashed_before() or not self.path.exists():
            return None
        try:
            return load_experiment(self.path)
        except ExperimentError:
            self._set_aside()
            return None

    def _set_aside(self) -> Path | None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for n in range(100):
            target = self.folder / f"current.corrupt-{stamp}{f'-{n}' if n else ''}.json"
            if not target.exists():
                try:
                    os.replace(self.path, target)
                except OSError:
                    return None
                return target
        return None

    def discard(self) -> None:
        """Forget what a crashed run left (the user declined it, or it has been loaded): the
        autosave and the stale lock go. A running Autosaver's own files are left alone. Never
        raises."""
        if self.running or (self._read_lock() is not None and not self.crashed_before()):
            return  # ours, or another gdlab's that is running
        for path in (self.path, self.lock_path):
            try:
                path.unlink()
            except OSError:  # gone already, or the folder cannot be written: start() says so
                pass


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (POSIX). Elsewhere the heartbeat alone decides: True."""
    if os.name != "posix" or pid <= 0:
        return True
    try:
        os.kill(pid, 0)  # signal 0: only checks that the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by someone else
    return True
