"""Where gdlab keeps its files: the data folder and the log folder, without the doubled name.

Qt's application locations (``QStandardPaths.AppLocalDataLocation``, ``StateLocation``) append
the organisation *and* the application name, and gdlab's are both "gdlab": the files landed in
``~/.local/share/gdlab/gdlab``. The settings keep that pair (``QSettings`` needs an organisation:
``~/.config/gdlab/gdlab.conf``, the registry key ``HKEY_CURRENT_USER/Software/gdlab/gdlab``), so the
folders here are Qt's locations with the doubled part said once (:func:`undoubled`):

=========  ===========================================  ============================================
           data (autosave, runs table, last experiment)  log
=========  ===========================================  ============================================
Linux      ``~/.local/share/gdlab``                      ``~/.local/state/gdlab/logs``
Windows    ``%LOCALAPPDATA%/gdlab``                      ``%LOCALAPPDATA%/gdlab/State/logs``
macOS      ``~/Library/Application Support/gdlab``       ``~/Library/Logs/gdlab`` (Console.app's)
=========  ===========================================  ============================================

:func:`migrate_folder` moves what an earlier gdlab left in the doubled folders, once: it is called
at every start and has nothing to do after the first (the old folder is gone, or holds only what
the new one had already). The pure path logic (:func:`undoubled`, :func:`migrate_folder`) takes
its paths as arguments, so tests call it with temporary folders.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths

NAME = "gdlab"

__all__ = ["NAME", "data_folder", "legacy_pairs", "log_folder", "migrate_folder", "migrate_legacy_folders",
           "undoubled"]


# -- pure path logic -------------------------------------------------------------------------------
def undoubled(location: str | os.PathLike[str], organisation: str, application: str) -> Path:
    """``location`` with its ``organisation/application`` part said once when both are the same
    name: ``~/.local/share/gdlab/gdlab`` → ``~/.local/share/gdlab``, ``…/Local/gdlab/gdlab/State`` →
    ``…/Local/gdlab/State``. Any other location is returned unchanged."""
    path = Path(location)
    parts = path.parts
    if not organisation or organisation != application:
        return path
    for i in range(len(parts) - 1, 0, -1):  # the last pair: a home folder may be called gdlab too
        if parts[i - 1] == organisation and parts[i] == application:
            return Path(*parts[:i], *parts[i + 1:])
    return path


def migrate_folder(old: Path, new: Path) -> list[str]:
    """Move what is in ``old`` into ``new``, one entry at a time (a file or a whole folder), and
    remove ``old`` once it is empty. An entry ``new`` already has is left in ``old`` (the newer
    gdlab's file wins, nothing is overwritten). Returns one line for each entry moved or left;
    [] when there was nothing to do, so a second call does nothing and says nothing.

    ``old`` may lie inside ``new`` (``~/.local/share/gdlab/gdlab`` in ``~/.local/share/gdlab``).
    Never raises: an entry that cannot be moved is reported and left where it is.
    """
    if old == new or not old.is_dir() or old.is_symlink():
        return []
    notes: list[str] = []
    try:
        entries = sorted(os.scandir(old), key=lambda entry: entry.name)
    except OSError as exc:
        return [f"cannot read {old}: {exc.strerror or exc}"]
    try:
        new.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return [f"cannot make {new}: {exc.strerror or exc}"]
    for entry in entries:
        source, target = Path(entry.path), new / entry.name
        if target == old:
            continue  # the old folder itself (gdlab/gdlab in gdlab): it goes below, once empty
        if os.path.lexists(target):
            notes.append(f"left {source}: {target} exists")
            continue
        try:
            os.replace(source, target)  # a rename: the same file system (both in one home folder)
        except OSError as exc:
            notes.append(f"cannot move {source} to {target}: {exc.strerror or exc}")
        else:
            notes.append(f"moved {source} to {target}")
    try:
        old.rmdir()  # only if empty
    except OSError:
        pass
    else:
        _remove_empty_parents(old, new)
    return notes


def _remove_empty_parents(old: Path, new: Path) -> None:
    """``…/Local/gdlab/gdlab`` emptied by the move of ``…/Local/gdlab/gdlab/State``: it goes too, up to
    (not including) the folder the two paths share."""
    parent = old.parent
    while parent != parent.parent and not new.is_relative_to(parent) and parent.name == NAME:
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


# -- the folders -----------------------------------------------------------------------------------
def _location(kind: QStandardPaths.StandardLocation) -> str:
    return QStandardPaths.writableLocation(kind)


def _names() -> tuple[str, str]:
    return QCoreApplication.organizationName(), QCoreApplication.applicationName()


def _state_kind() -> QStandardPaths.StandardLocation:
    # StateLocation is new in Qt 6.7; before it the data location served
    return getattr(QStandardPaths.StandardLocation, "StateLocation",
                   QStandardPaths.StandardLocation.AppLocalDataLocation)


def data_folder() -> Path:
    """gdlab's data folder (not created here): see the module docstring."""
    base = _location(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return undoubled(base, *_names()) if base else Path.home() / f".{NAME}"


def log_folder() -> Path:
    """gdlab's log folder (not created here): see the module docstring."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / NAME  # where Console.app looks
    base = _location(_state_kind())
    return (undoubled(base, *_names()) if base else Path(tempfile.gettempdir()) / NAME) / "logs"


def legacy_pairs() -> list[tuple[Path, Path]]:
    """(doubled folder an earlier gdlab used, the folder it is now) for data and state; only the
    pairs that differ."""
    pairs = []
    for kind in (QStandardPaths.StandardLocation.AppLocalDataLocation, _state_kind()):
        base = _location(kind)
        if base:
            old = Path(base)
            new = undoubled(old, *_names())
            if new != old and (old, new) not in pairs:
                pairs.append((old, new))
    return pairs


def migrate_legacy_folders() -> list[str]:
    """:func:`migrate_folder` for each of :func:`legacy_pairs`; the lines of what was done."""
    notes: list[str] = []
    for old, new in legacy_pairs():
        notes += migrate_folder(old, new)
    return notes
