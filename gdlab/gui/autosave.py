"""Autosave: the current experiment is never lost, and is offered back after a crash.

An :class:`Autosaver` watches the window's current experiment. While the app runs it holds

* ``<folder>/gdlab.lock`` — a ``QLockFile`` (process id, program and machine, written by Qt), taken
  by :meth:`Autosaver.acquire` and released by a clean :meth:`Autosaver.stop`; the system keeps
  it locked while its process lives (``flock`` on POSIX, an open handle on Windows), so whether
  the gdlab that holds it is still alive is Qt's answer, correct on every OS;
* ``<folder>/current.json`` — the experiment as it was at the last check (every 30 s by default),
  written atomically and only when it changed since the last write (compared by ``to_json()``).

A lock that is still there when the app starts again, its process gone (Qt: the process id no
longer runs that program, or the machine has restarted since), means the previous run did not stop
cleanly: it crashed, was killed, or the machine went down. Taking that stale lock over, the
Autosaver moves the crashed run's ``current.json`` to ``recover.json``, which
:meth:`Autosaver.pending_recovery` returns, to be offered back; the caller loads it (or not) and
calls :meth:`Autosaver.discard`. Kept (not discarded), it is offered again at the next start.
A lock held by another gdlab that is still running is not a crash: that gdlab's files are left
alone and this one does not autosave (``failed`` says so). An autosave that no longer loads is not
offered and not deleted: it is set aside as ``current.corrupt-<time>.json``.

The lock never goes stale by age (``setStaleLockTime(0)``): gdlab holds it for hours, and Qt's
age rule would hand a running gdlab's autosave to the next one. A lock Qt cannot judge (written on
another machine sharing the home folder) therefore stays until its gdlab quits; the message names it.

The folder is gdlab's data folder plus ``autosave`` (:func:`gdlab.gui.folders.data_folder`), the
folder beside a ``QSettings`` file, or any folder given (tests use ``tmp_path``).
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QLockFile, QObject, QSettings, QTimer, Signal, Slot

from ..core.files.experiment import Experiment, ExperimentError, load_experiment
from ..core.io.atomic import atomic_write_text
from .folders import data_folder

AUTOSAVE_NAME = "current.json"
RECOVERY_NAME = "recover.json"
LOCK_NAME = "gdlab.lock"
LEGACY_LOCK_NAME = "running.lock"  # the JSON marker earlier gdlabs wrote: one left behind is a crash's
DEFAULT_INTERVAL_MS = 30_000

__all__ = ["Autosaver", "default_folder"]


def default_folder() -> Path:
    """``<gdlab's data folder>/autosave`` (not created here)."""
    return data_folder() / "autosave"


class Autosaver(QObject):
    """Autosaves an experiment on a timer; finds what a crashed run left behind.

    ``location``: a folder, a ``QSettings`` (the folder ``autosave`` beside its file), or None for
    :func:`default_folder`. Signals: ``saved(path)`` after each write; ``checked(saved)`` after
    each check, saved or not; ``failed(message)`` when autosave is off or a check could not save.
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
        self.recovery_path = self.folder / RECOVERY_NAME
        self.lock_path = self.folder / LOCK_NAME
        self._lock = QLockFile(str(self.lock_path))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone: see the module docstring
        self.save_count = 0
        self.last_error = ""
        self._get: Callable[[], Experiment] | None = None
        self._last_json: str | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName("autosave")
        self._timer.timeout.connect(self.check)

    # -- the lock ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @property
    def holds_lock(self) -> bool:
        return self._lock.isLocked()

    def acquire(self) -> bool:
        """Take the lock (if this Autosaver has not already); True while it holds it.

        A stale lock (its gdlab is gone) is taken over, and the experiment that run autosaved becomes
        the one to recover. False, with ``last_error`` saying why, when another gdlab that is running
        holds the lock or the folder cannot be written. Never raises.
        """
        if self._lock.isLocked():
            return True
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            left_behind = self.lock_path.exists() or self.folder.joinpath(LEGACY_LOCK_NAME).exists()
        except OSError as exc:
            self.last_error = f"autosave is off: {self.folder} cannot be written ({exc.strerror or exc})"
            return False
        if not self._lock.tryLock(0):
            self.last_error = self._refusal()
            return False
        if left_behind:  # Qt removed a stale lock (or an earlier gdlab's marker is there): a crash
            try:
                if self.path.exists():
                    os.replace(self.path, self.recovery_path)
                self.folder.joinpath(LEGACY_LOCK_NAME).unlink(missing_ok=True)
            except OSError as exc:
                self.last_error = f"autosave: cannot keep the crashed run's experiment ({exc.strerror or exc})"
        return True

    def _refusal(self) -> str:
        if self._lock.error() != QLockFile.LockError.LockFailedError:
            return f"autosave is off: {self.folder} cannot be written (a lock file cannot be made there)"
        info = self._lock.getLockInfo()
        pid, host = (info[0], info[1]) if isinstance(info, tuple) and len(info) >= 2 else ("?", "")
        where = f" on {host}" if host else ""
        return (f"autosave is off: another gdlab (process {pid}{where}) is running and autosaves its own "
                f"experiment; if none is, delete {self.lock_path}")

    def release(self) -> None:
        """Let the lock go (a clean end: nothing is left to recover). Never raises."""
        self._lock.unlock()

    # -- running -------------------------------------------------------------------------------
    def start(self, get_experiment: Callable[[], Experiment], interval_ms: int = DEFAULT_INTERVAL_MS) -> bool:
        """Take the lock, save the experiment now, then check every ``interval_ms``. False (and
        ``failed`` emitted) if another running gdlab holds the lock or the folder cannot be
        written: the app runs on without autosave.

        Call :meth:`pending_recovery` first: a crashed run's autosave is kept aside, not overwritten.
        """
        self._last_json = None
        if not self.acquire():
            self.failed.emit(self.last_error)
            return False
        self._get = get_experiment
        self._timer.start(int(interval_ms))
        self.check()
        return True

    def stop(self) -> None:
        """A clean stop: a last save if the experiment changed, then the lock goes."""
        if self._timer.isActive():
            self._timer.stop()
            self.check()
        self._get = None
        self.release()

    @Slot()
    def check(self) -> bool:
        """Save now if the experiment changed since the last save. Never raises."""
        saved = False
        try:
            if self._get is not None and self._lock.isLocked():
                text = self._get().to_json()
                if text != self._last_json:
                    atomic_write_text(self.path, text)
                    self._last_json = text
                    self.save_count += 1
                    saved = True
        except (OSError, ExperimentError, ValueError) as exc:
            self.last_error = f"autosave failed: {exc}"
            self.failed.emit(self.last_error)
        if saved:
            self.saved.emit(self.path)
        self.checked.emit(saved)
        return saved

    # -- after a crash --------------------------------------------------------------------------
    def pending_recovery(self) -> Experiment | None:
        """The experiment a crashed run autosaved, or None (no crash, nothing saved, another running
        gdlab holds the lock, or the file no longer loads — then it is set aside as
        ``current.corrupt-<time>.json``). Takes the lock (:meth:`acquire`). Never raises."""
        if not self.acquire() or not self.recovery_path.exists():
            return None
        try:
            return load_experiment(self.recovery_path)
        except ExperimentError:
            self._set_aside()
            return None

    def _set_aside(self) -> Path | None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for n in range(100):
            target = self.folder / f"current.corrupt-{stamp}{f'-{n}' if n else ''}.json"
            if not target.exists():
                try:
                    os.replace(self.recovery_path, target)
                except OSError:
                    return None
                return target
        return None

    def discard(self) -> None:
        """Forget what a crashed run left (the user declined it, or it has been loaded). Only while
        this Autosaver holds the lock: another running gdlab's files are its own. Never raises."""
        if self._lock.isLocked():
            try:
                self.recovery_path.unlink(missing_ok=True)
            except OSError:  # the folder cannot be written: start() says so
                pass
